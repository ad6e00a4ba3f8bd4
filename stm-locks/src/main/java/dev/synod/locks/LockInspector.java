package dev.synod.locks;

import dev.synod.locks.internal.LockPaths;
import dev.synod.locks.internal.LockQueue;
import dev.synod.locks.internal.ZkCalls;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.StmInterruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Shows who holds and who waits for Synod locks, without taking part in them: it only reads znodes
 * (for tools such as {@code synod locks}).
 *
 * <pre>{@code
 * for (LockInspector.LockState lock : new LockInspector(curator).locks()) {
 *     System.out.println(lock.name() + " held by " + lock.holders() + ", waiting: " + lock.waiters());
 * }
 * }</pre>
 *
 * <p>Each lock is read with one {@code getChildren} and one {@code exists} per node, not at one
 * instant: a lock that changes meanwhile may show a node that is already gone or miss one that
 * just arrived. A read lock taken by the thread holding the write lock (a downgrade) is granted
 * wherever it stands in the queue, so it is shown as a holder, and so is that write lock while it
 * is held: during a downgrade the holders are the write node and the read node of one session
 * (mutual exclusion is not broken: both belong to one thread). The znodes do not say which thread
 * of a session made a node, so another thread of that session that queued for the write lock and
 * stands first once the downgrading thread released the write lock is shown as a holder too,
 * until the read lock goes. Locks are found by walking {@code
 * <basePath>/locks}: a lock root with lock nodes, or with no children at all (a free lock), is a
 * lock; a znode whose only children are nested lock roots is not listed.
 *
 * <p>Thread-safe; every method blocks for its ZooKeeper reads and throws {@link
 * CoordinationException} when ZooKeeper cannot be reached, {@link dev.synod.stm.StmClosedException}
 * once the Curator client is closed, and {@link StmInterruptedException} (with the thread's
 * interrupt flag set again) when interrupted. Nodes under a lock root that are not lock nodes
 * (written there by something else) are ignored.
 */
public final class LockInspector {
    private final CuratorFramework client;
    private final String locksRoot;

    /**
     * One lock node.
     *
     * @param path absolute znode path
     * @param exclusive whether it was created for the mutex or the write lock (otherwise a read lock)
     * @param sessionId the ZooKeeper session that owns it
     * @param fencingToken its creation zxid: the fencing token of the hold it stands for
     */
    public record LockNode(String path, boolean exclusive, long sessionId, long fencingToken) {}

    /**
     * One lock: the nodes that hold it and those that wait, each in queue order.
     *
     * @param name the lock name, e.g. {@code orders} or {@code a/b}
     * @param path absolute znode path of the lock root
     */
    public record LockState(String name, String path, List<LockNode> holders, List<LockNode> waiters) {
        public LockState {
            holders = List.copyOf(holders);
            waiters = List.copyOf(waiters);
        }
    }

    /**
     * Inspects locks under the default base path {@code /synod} (inside the client's namespace).
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public LockInspector(CuratorFramework client) {
        this(client, LockPaths.DEFAULT_BASE_PATH);
    }

    /**
     * Inspects locks under {@code basePath}, as given to the lock constructors.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the base path is invalid
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public LockInspector(CuratorFramework client, String basePath) {
        ZkCalls.requireStarted(client);
        String anyLock = LockPaths.of(client.getNamespace(), basePath, "x").lockRoot();
        this.locksRoot = ZKPaths.getPathAndNode(anyLock).getPath();
        this.client = client.usingNamespace(null);
    }

    /** Every lock, sorted by name. */
    public List<LockState> locks() {
        List<LockState> found = new ArrayList<>();
        if (exists(locksRoot) != null) {
            walk(locksRoot, found);
        }
        found.sort((a, b) -> a.name().compareTo(b.name()));
        return found;
    }

    /**
     * One lock, or empty when its root does not exist (never used, or removed).
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if the name is not a valid lock name
     */
    public Optional<LockState> lock(String name) {
        LockPaths.validateName(name);
        String root = locksRoot + "/" + name;
        List<String> children = children(root);
        return children == null ? Optional.empty() : Optional.of(state(root, children));
    }

    private void walk(String path, List<LockState> found) {
        List<String> children = children(path);
        if (children == null) {
            return;
        }
        boolean hasLockNodes = children.stream().anyMatch(LockQueue::isLockNode);
        if (!path.equals(locksRoot) && (hasLockNodes || children.isEmpty())) {
            found.add(state(path, children));
        }
        for (String child : children) {
            // nested lock roots only: not lock nodes, nor nodes no lock name could produce
            if (!LockQueue.isLockNode(child) && LockPaths.isNameSegment(child)) {
                walk(path + "/" + child, found);
            }
        }
    }

    private LockState state(String root, List<String> children) {
        List<String> queue = new ArrayList<>(); // the nodes still there once read
        List<Long> sessions = new ArrayList<>();
        List<LockNode> nodes = new ArrayList<>();
        for (String name : LockQueue.sorted(children)) {
            String path = root + "/" + name;
            Stat stat = exists(path);
            if (stat != null) {
                queue.add(name);
                sessions.add(stat.getEphemeralOwner());
                nodes.add(new LockNode(path, LockQueue.isExclusive(name), stat.getEphemeralOwner(), stat.getCzxid()));
            }
        }
        List<LockNode> holders = new ArrayList<>();
        List<LockNode> waiters = new ArrayList<>();
        for (int i = 0; i < queue.size(); i++) {
            (LockQueue.holds(queue, sessions, i) ? holders : waiters).add(nodes.get(i));
        }
        return new LockState(root.substring(locksRoot.length() + 1), root, holders, waiters);
    }

    private List<String> children(String path) {
        try {
            return client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw failure(e);
        }
    }

    private Stat exists(String path) {
        try {
            return client.checkExists().forPath(path);
        } catch (Exception e) {
            throw failure(e);
        }
    }

    private RuntimeException failure(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new StmInterruptedException("interrupted while inspecting locks under " + locksRoot);
        }
        return ZkCalls.translate(client, "inspecting locks under " + locksRoot, e);
    }
}
