package dev.synod.locks.internal;

import dev.synod.stm.CoordinationException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock engine: a FIFO queue of ephemeral-sequential nodes under one lock root, shared by the
 * drivers of one lock (mutex, or read and write). Thread-safe.
 *
 * <p>An acquisition is one {@code multi(create(node), setData(root))} request: the parent's stat
 * returned by the {@code setData} says how many children the root has right after our node was
 * added (one means the lock is ours, without listing the children) and its mzxid is our node's
 * czxid, the fencing token. Only when the root has other children does the engine list them and
 * watch the node it waits for. A release is one {@code delete}. Uncontended, an acquire+release
 * costs two ZooKeeper requests (Curator's InterProcessMutex: three).
 */
public final class LockEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LockEngine.class);
    /** How often a wait for a background delete looks whether the client is still connected. */
    private static final long ANSWER_POLL_MS = 50;

    private static final long EVENT_THREAD_IDLE_SECONDS = 5;

    /** A node this engine created and that holds the lock. */
    public record Acquired(String path, long token, long sessionId, long lossEpoch, ZooKeeper handle) {}

    private final CuratorFramework client;
    private final NodeCreator creator;
    private final LockPaths paths;
    private final Set<CountDownLatch> waiters = ConcurrentHashMap.newKeySet();
    private final List<Consumer<ConnectionState>> observers = new CopyOnWriteArrayList<>();
    private final ConnectionStateListener stateListener = (c, state) -> onConnectionState(state);
    private final AtomicLong lossEpoch = new AtomicLong();
    /**
     * Runs the work of this lock that must not hold up Curator's connection-state thread (the
     * verdicts of the checks made after a reconnection), in order, on one thread of its own. The
     * thread is started when needed and ends after a few idle seconds: there is nothing to shut
     * down, and the executor goes with the engine.
     */
    private final ThreadPoolExecutor events;

    private int interest; // guarded by this: holds and waiters that need connection events

    /** An engine for the lock at {@code paths}; {@code client} must have no namespace. */
    public LockEngine(CuratorFramework client, LockPaths paths) {
        this.client = Objects.requireNonNull(client, "client");
        this.paths = Objects.requireNonNull(paths, "paths");
        this.events = newEventThread(paths.name());
        this.creator = new NodeCreator(client);
    }

    public CuratorFramework client() {
        return client;
    }

    public LockPaths paths() {
        return paths;
    }

    /** Registers a callback for connection state changes (called on Curator's event thread). */
    public void observe(Consumer<ConnectionState> observer) {
        observers.add(observer);
    }

    /** Incremented every time the session is lost; a hold taken under an older epoch may be gone. */
    public long lossEpoch() {
        return lossEpoch.get();
    }

    /**
     * Acquires a node of {@code driver}'s kind. {@code timeoutNanos < 0} waits forever, {@code 0}
     * only takes the lock if it is free now. A timeout of 0 or more also bounds every wait for a
     * connection, before the node's creation is sent and after it (a waiter that loses its
     * connection): with none by the deadline, the acquire times out (at once for 0). A request
     * sent on a live connection is answered even past the deadline; one lost with the connection
     * is not asked again after it. Without a timeout, each wait for a connection is bounded by
     * twice the connection timeout ({@code CoordinationException}). When {@code interruptible},
     * an interrupt ends every wait. The node of an acquire that does not get the lock is deleted in
     * the background, waiting for the answer only while connected. On success the caller owns one
     * unit of interest ({@link #release(Acquired)} or {@link #releaseLost(String)} gives it back).
     *
     * @return the node, or {@code null} when the time ran out (no node is left behind once the
     *     client is connected)
     * @throws InterruptedException only when {@code interruptible}; no node is left behind once
     *     the client is connected
     */
    public Acquired acquire(LockDriver driver, long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        boolean deferredInterrupt = !interruptible && Thread.interrupted();
        // every step honours a timed acquire's deadline (0 included) and an interruptible acquire's
        // interrupts: waiting for a connection, and asking again after losing one, end with them
        Wait wait = timeoutNanos >= 0
                ? Wait.until(System.nanoTime() + timeoutNanos, interruptible)
                : Wait.untimed(interruptible);
        retain();
        NodeCreator.Created ours = null;
        boolean acquired = false; // set only when the node is handed to the caller
        try {
            long epoch = lossEpoch.get();
            ours = create(driver, wait);
            boolean mayShortcut = true;
            while (true) {
                if (!(mayShortcut && (ours.alone() || LockNodes.isDowngrade(ours.name())))) {
                    List<String> queue = sortedLockNodes(wait);
                    int index = queue.indexOf(ours.name());
                    if (index < 0) { // our session was lost while we waited: queue again
                        epoch = lossEpoch.get();
                        ours = null; // gone from the queue: nothing to delete
                        ours = create(driver, wait);
                        mayShortcut = true;
                        continue;
                    }
                    String blocker = driver.blocker(queue, index);
                    if (blocker == null) {
                        // first in the queue: granted
                    } else if (timeoutNanos == 0) {
                        return null;
                    } else {
                        WaitOutcome outcome = waitFor(blocker, wait);
                        if (outcome == WaitOutcome.TIMED_OUT) {
                            return null;
                        }
                        if (outcome == WaitOutcome.INTERRUPTED_UNINTERRUPTIBLY) {
                            deferredInterrupt = true;
                        }
                        mayShortcut = false;
                        continue;
                    }
                }
                if (epoch != lossEpoch.get() && !owned(ours, wait)) {
                    epoch = lossEpoch.get();
                    ZkCalls.deleteInBackground(client, ours.path()); // not ours any more; never wait for it
                    ours = null;
                    ours = create(driver, wait);
                    mayShortcut = true;
                    continue;
                }
                acquired = true;
                return new Acquired(ours.path(), ours.czxid(), ours.sessionId(), epoch, ours.handle());
            }
        } catch (Wait.TimedOut e) {
            // the deadline passed without a connection (a node whose creation is unknown goes in the
            // background), or with an answer lost to a dropped connection
            if (interruptible && Thread.interrupted()) {
                throw new InterruptedException();
            }
            return null;
        } finally {
            if (!acquired) {
                if (ours != null) {
                    deleteGivenUp(ours.path());
                }
                dispose();
            }
            if (deferredInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Creates the node of {@code driver}'s kind. A downgrade node (a read lock taken by the thread
     * that holds the write lock) holds wherever it stands, so it may stay only if that write hold
     * is alive on the very session the node was created on. If the write hold's session expired
     * meanwhile (Curator may report the loss only later), the node is replaced by a plain shared
     * node that queues like any reader.
     */
    private NodeCreator.Created create(LockDriver driver, Wait wait) throws InterruptedException {
        NodeCreator.Created ours = create(driver.tag(), wait);
        if (!LockNodes.isDowngrade(ours.name()) || driver.downgradeHolds(ours.sessionId())) {
            return ours;
        }
        LOG.debug("write hold behind downgrade node {} is not on its session; queueing as a reader", ours.path());
        deleteGivenUp(ours.path());
        return create(LockNodes.SHARED, wait);
    }

    /**
     * Deletes a held node and gives back its unit of interest. Never interrupted, never throws for
     * want of ZooKeeper: a delete that cannot be confirmed goes on in the background (Curator's
     * guaranteed delete), and the node goes with its session at the latest.
     *
     * @return whether the hold was intact until this release: false when the node was gone before
     *     it (removed, or its session ended) or its session ended before the delete was confirmed
     */
    public boolean release(Acquired node) {
        try {
            return deleteHeld(node);
        } finally {
            dispose();
        }
    }

    private boolean deleteHeld(Acquired node) {
        if (!isSessionAlive(node)) {
            return false; // closed or expired: the node went with its session
        }
        if (client.getZookeeperClient().isConnected()) {
            // first on the node's own session, without retries: a missing node is then known to have
            // gone before this release, not to a retry of our own delete
            switch (deleteOnce(node)) {
                case OK -> {
                    return true;
                }
                case NONODE, SESSIONEXPIRED -> {
                    return false;
                }
                default -> {} // outcome unknown: retried below
            }
        }
        deleteNode(node.path());
        // a missing node no longer tells anything (our own delete may have applied); a session that
        // ended before the release was confirmed may have ended before the release began
        return isSessionAlive(node);
    }

    /** One delete of a held node on its own handle; {@code CONNECTIONLOSS} when no answer came. */
    private Code deleteOnce(Acquired node) {
        CompletableFuture<Code> answer = new CompletableFuture<>();
        try {
            node.handle().delete(node.path(), -1, (rc, path, ctx) -> answer.complete(Code.get(rc)), null);
            int bound = client.getZookeeperClient().getConnectionTimeoutMs()
                    + Math.max(client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs(), 1000);
            return ZkCalls.await(answer, bound, "deleting " + node.path());
        } catch (RuntimeException e) {
            LOG.debug("deleting {}: {}; retrying under the client's retry policy", node.path(), e.toString());
            return Code.CONNECTIONLOSS;
        }
    }

    /**
     * Gives back the unit of interest of a node whose hold was lost, without waiting for ZooKeeper:
     * the node is gone with its session or goes with it, so it is deleted in the background (Curator
     * keeps retrying while disconnected; nothing to do on a closed client, whose session closing
     * ended). Never blocks; idempotent.
     */
    public void releaseLost(String path) {
        try {
            if (client.getState() != CuratorFrameworkState.STOPPED) {
                ZkCalls.deleteInBackground(client, path);
            }
        } finally {
            dispose();
        }
    }

    /**
     * Whether the session a node was created under is still alive: its handle (one session for
     * life) is neither closed nor expired. Never blocks and makes no request: after an expiry
     * Curator closes the old handle before it reports {@code LOST}, so a node of the expired session
     * fails this test while a node created under the new session passes it; closing the Curator
     * client closes the handle too. A session that the server expired while the client cannot reach
     * it passes until the client learns of the expiry.
     */
    public static boolean isSessionAlive(Acquired node) {
        return node.handle().getSessionId() == node.sessionId()
                && node.handle().getState().isAlive();
    }

    /** Whether our node still exists and belongs to the client's current session, asked within {@code wait}. */
    private boolean owned(NodeCreator.Created ours, Wait wait) throws InterruptedException {
        if (!isSessionAlive(ours.handle(), ours.sessionId())) {
            return false;
        }
        ZkCalls.Answer<Stat> answer = creator.exists(ours.path(), wait);
        Stat stat = answer.value();
        return stat != null
                && stat.getEphemeralOwner() == ours.sessionId()
                && answer.handle().getSessionId() == ours.sessionId();
    }

    private static boolean isSessionAlive(ZooKeeper handle, long sessionId) {
        return handle.getSessionId() == sessionId && handle.getState().isAlive();
    }

    /**
     * Asks, without blocking, whether a held node still exists on its own session, and calls
     * {@code outcome} on the engine's event thread with {@code true} (still ours), {@code false}
     * (gone, or its session over) or {@code null} (no answer: the connection dropped again). Used
     * on Curator's connection-state thread, which must never wait for ZooKeeper.
     */
    public void checkOwned(Acquired node, Consumer<Boolean> outcome) {
        if (!isSessionAlive(node)) {
            events.execute(() -> outcome.accept(false));
            return;
        }
        try {
            node.handle()
                    .exists(
                            node.path(),
                            false,
                            (rc, path, ctx, stat) -> {
                                Boolean owned =
                                        switch (Code.get(rc)) {
                                            case OK -> stat.getEphemeralOwner() == node.sessionId();
                                            case NONODE -> false;
                                            default -> isSessionAlive(node) ? null : Boolean.FALSE;
                                        };
                                events.execute(() -> outcome.accept(owned));
                            },
                            null);
        } catch (RuntimeException e) {
            LOG.debug("could not ask whether {} is still ours: {}", node.path(), e.toString());
            events.execute(() -> outcome.accept(null));
        }
    }

    private static ThreadPoolExecutor newEventThread(String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                1, 1, EVENT_THREAD_IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "synod-lock-events-" + name);
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Wakes every waiter of this engine so that it looks at the queue again. */
    public void wakeWaiters() {
        waiters.forEach(CountDownLatch::countDown);
    }

    /**
     * Registers {@code latch} to be counted down on every connection state change, and keeps the
     * engine listening to them, until {@link #removeWaiter(CountDownLatch)}.
     */
    public void addWaiter(CountDownLatch latch) {
        retain();
        waiters.add(latch);
    }

    /** Undoes {@link #addWaiter(CountDownLatch)}. */
    public void removeWaiter(CountDownLatch latch) {
        if (waiters.remove(latch)) {
            dispose();
        }
    }

    enum WaitOutcome {
        CHANGED,
        TIMED_OUT,
        INTERRUPTED_UNINTERRUPTIBLY
    }

    /**
     * Waits until node {@code blocker} goes away, the connection changes, or the deadline passes.
     * Setting the watch honours {@code wait} too.
     */
    private WaitOutcome waitFor(String blocker, Wait wait) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        Watcher watcher = event -> latch.countDown();
        waiters.add(latch);
        try {
            String path = paths.lockRoot() + "/" + blocker;
            String what = "watching " + path;
            ZkCalls.Answer<byte[]> answer = ZkCalls.read(
                    client,
                    wait,
                    what,
                    (zk, reply) -> zk.getData(path, watcher, (rc, p, ctx, data, stat) -> reply.accept(rc, data), null));
            if (answer.code() == Code.NONODE) {
                return WaitOutcome.CHANGED;
            }
            if (answer.code() != Code.OK) {
                throw ZkCalls.failure(client, what, answer.code());
            }
            try {
                if (wait.interruptible() && Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (!wait.timed()) {
                    latch.await();
                    return WaitOutcome.CHANGED;
                }
                long remaining = wait.remainingNanos();
                return remaining > 0 && latch.await(remaining, TimeUnit.NANOSECONDS)
                        ? WaitOutcome.CHANGED
                        : WaitOutcome.TIMED_OUT;
            } catch (InterruptedException e) {
                if (wait.interruptible()) {
                    throw e;
                }
                return WaitOutcome.INTERRUPTED_UNINTERRUPTIBLY;
            }
        } finally {
            waiters.remove(latch);
        }
    }

    private List<String> sortedLockNodes(Wait wait) throws InterruptedException {
        return LockNodes.sortedLockNodes(creator.children(paths.lockRoot(), wait));
    }

    /** Creates a lock node of kind {@code tag} (see {@link NodeCreator}). */
    private NodeCreator.Created create(String tag, Wait wait) throws InterruptedException {
        return creator.create(paths.lockRoot(), tag, true, wait);
    }

    /**
     * Creates a condition waiter: an ephemeral-sequential node {@code waiter~<attempt>~<sequence>}
     * directly under {@code root} (created, with its parents, as containers if absent), with the
     * same care as a lock node: sent once per attempt, found again after a connection loss, and
     * deleted in the background if given up on. A waiter left behind would take a signal meant for
     * a real one.
     *
     * @return the waiter's path
     * @throws CoordinationException if it cannot be created (nothing is left behind)
     */
    public String createWaiter(String root) {
        try {
            return creator.create(root, LockNodes.WAITER, false, Wait.UNINTERRUPTIBLY)
                    .path();
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible creation was interrupted", e);
        }
    }

    /**
     * Deletes the node of an acquire that does not get the lock (it timed out, was interrupted or
     * failed) with Curator's guaranteed delete, in the background: it never waits for a connection
     * (Curator deletes the node once reconnected, or it goes with its session). While the client is
     * connected it waits for the answer, a round trip, so that on a healthy connection no node is
     * left when the acquire returns.
     */
    private void deleteGivenUp(String path) {
        if (client.getState() == CuratorFrameworkState.STOPPED) {
            return; // gone with the session that closing ended
        }
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        try {
            client.delete()
                    .quietly()
                    .guaranteed()
                    .inBackground((c, event) -> deleted.complete(null))
                    .forPath(path);
        } catch (Exception e) {
            LOG.warn("could not queue the delete of {}", path, e);
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ZkCalls.answerBoundMs(client));
        boolean interrupted = false;
        while (!deleted.isDone() && client.getZookeeperClient().isConnected() && System.nanoTime() - end < 0) {
            try {
                deleted.get(ANSWER_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // not yet: look at the connection again
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a node under the client's retry policy, waiting for it; never interrupted. */
    private void deleteNode(String path) {
        try {
            ZkCalls.uninterruptibly(client, "deleting " + path, () -> {
                try {
                    client.delete().guaranteed().forPath(path);
                } catch (KeeperException.NoNodeException e) {
                    // already gone: released by session expiry, or deleted by a retried request
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("could not delete lock node {} (Curator keeps retrying in the background)", path, e);
        }
    }

    private synchronized void retain() {
        if (interest++ == 0) {
            client.getConnectionStateListenable().addListener(stateListener);
        }
    }

    private synchronized void dispose() {
        if (--interest == 0) {
            client.getConnectionStateListenable().removeListener(stateListener);
        }
    }

    private void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.LOST) {
            lossEpoch.incrementAndGet();
        }
        wakeWaiters();
        for (Consumer<ConnectionState> observer : observers) {
            try {
                observer.accept(state);
            } catch (RuntimeException e) {
                LOG.warn("lock state observer failed on {} for {}", state, paths.lockRoot(), e);
            }
        }
    }
}
