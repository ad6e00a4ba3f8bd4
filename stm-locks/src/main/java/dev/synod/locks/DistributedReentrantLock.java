package dev.synod.locks;

import dev.synod.locks.internal.LockCore;
import dev.synod.locks.internal.LockDriver;
import dev.synod.locks.internal.LockEngine;
import dev.synod.locks.internal.LockPaths;
import dev.synod.locks.internal.SharedCores;
import dev.synod.locks.internal.ZkCalls;
import dev.synod.stm.spi.CommitGuard;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.apache.curator.framework.CuratorFramework;

/**
 * A distributed reentrant mutual-exclusion lock on ZooKeeper, used like {@link
 * java.util.concurrent.locks.ReentrantLock} (fair):
 *
 * <pre>{@code
 * DistributedReentrantLock lock = new DistributedReentrantLock(curator, "orders");
 * try (HeldLock held = lock.acquire()) {
 *     // only one thread in all processes runs here; held.fencingToken() orders the holders
 * }
 * }</pre>
 *
 * <p>Lock nodes are ephemeral-sequential children of {@code <basePath>/locks/<name>} (inside the
 * client's namespace); the oldest node holds the lock, so waiters are served first come, first
 * served, and a crashed holder's node goes away when its session expires. An uncontended
 * acquire+release costs two ZooKeeper requests. See {@link DistributedLock} for ownership,
 * blocking, interrupts, loss and the fencing token.
 *
 * <p>Thread-safe. Lock objects are cheap; any number of them (in any process) with the same base
 * path and name are the same lock. Objects of one Curator client (or of namespace facades of it)
 * that name the same lock node path share their holds and listeners: a thread that holds the lock
 * through one of them re-enters it through another ({@code a.lock(); b.lock();} is reentrant and
 * takes two holds), while different clients of one process are different sessions and exclude each
 * other like different processes. The Curator client must be started, and stay open while the lock
 * is used: a closed client gives {@link dev.synod.stm.StmClosedException}, and closing it while a
 * thread holds the lock loses that hold ({@link dev.synod.stm.LockLostException} from its {@code
 * unlock()}).
 */
public final class DistributedReentrantLock implements DistributedLock {
    private final LockCore core;

    /**
     * The lock {@code name} under the default base path {@code /synod}.
     *
     * @param client a started Curator client (its namespace, if any, applies)
     * @param name [A-Za-z0-9._-] segments separated by '/'
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public DistributedReentrantLock(CuratorFramework client, String name) {
        this(client, LockPaths.DEFAULT_BASE_PATH, name);
    }

    /**
     * The lock {@code name} under {@code basePath}.
     *
     * @param client a started Curator client (its namespace, if any, applies)
     * @param basePath an absolute path of [A-Za-z0-9._-] segments, not "." or "..", e.g. {@code
     *     "/synod"}
     * @param name [A-Za-z0-9._-] segments separated by '/'
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the base path or name is invalid
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public DistributedReentrantLock(CuratorFramework client, String basePath, String name) {
        ZkCalls.requireStarted(client);
        LockPaths paths = LockPaths.of(client.getNamespace(), basePath, name);
        CuratorFramework root = client.usingNamespace(null);
        this.core = SharedCores.get(
                root,
                paths.lockRoot(),
                LockCore.class,
                () -> new LockCore(
                        new LockEngine(root, paths), LockDriver.exclusive(), "lock", true, () -> {}, () -> {}));
    }

    @Override
    public String name() {
        return core.name();
    }

    /**
     * Acquires the lock, waiting as long as it takes; reentrant. Not interruptible: an interrupt
     * while waiting is remembered and the flag is set again when this returns. A reentrant
     * acquisition makes no ZooKeeper request.
     *
     * @throws dev.synod.stm.LockLostException if the current thread's earlier hold was lost and not
     *     yet balanced by {@code unlock()}, also when its session is known to be over but the loss
     *     not reported yet (the client was closed, or learned that its session expired)
     * @throws dev.synod.stm.CoordinationException if ZooKeeper cannot be reached: no connection
     *     within twice the client's connection timeout, while creating the lock node or while
     *     waiting in the queue (its lock node is deleted, in the background once reconnected)
     */
    @Override
    public void lock() {
        core.lock();
    }

    /**
     * Acquires the lock unless interrupted; otherwise like {@link #lock()}.
     *
     * @throws InterruptedException if interrupted before or while waiting, for other holders or for
     *     a connection to ZooKeeper; the lock node is removed (in the background once reconnected,
     *     when there is no connection)
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        core.lockInterruptibly();
    }

    /**
     * Acquires the lock only if no other thread or process holds or waits for it now. Costs a
     * ZooKeeper round trip (plus a delete when it fails); does not wait for other holders, nor for a
     * connection: with none at the moment it returns {@code false}, like {@code tryLock(0, unit)}.
     */
    @Override
    public boolean tryLock() {
        return core.tryLock();
    }

    /**
     * Acquires the lock if it can be had within {@code time}. On timeout the lock node is removed
     * and {@code false} returned. The time bounds the wait for other holders and every wait for a
     * connection, before the lock node is created and while it waits in the queue (a waiter that
     * loses its connection returns {@code false} by its deadline; a time of zero or less returns
     * {@code false} at once when there is no connection); a request already sent on a live
     * connection is answered (a round trip) even past it. Without a connection the lock node is
     * deleted in the background once reconnected.
     *
     * @throws InterruptedException if interrupted before or while waiting, for other holders or for
     *     a connection; the lock node is removed (in the background once reconnected, when there is
     *     no connection)
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return core.tryLock(time, unit);
    }

    /**
     * Releases one hold; the last one deletes the lock node.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the lock
     * @throws dev.synod.stm.LockLostException once, if the lock was lost while held (the hold is
     *     released all the same): its session expired or the client was closed (whether or not the
     *     loss was reported yet), or the delete found its node already gone
     */
    @Override
    public void unlock() {
        core.unlock();
    }

    @Override
    public int getHoldCount() {
        return core.getHoldCount();
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return core.isHeldByCurrentThread();
    }

    @Override
    public long fencingToken() {
        return core.fencingToken();
    }

    @Override
    public CommitGuard guard() {
        return core.guard();
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code name} is null
     */
    @Override
    public Condition newCondition(String name) {
        return core.newCondition(name);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code listener} is null
     */
    @Override
    public void addListener(LockListener listener) {
        core.addListener(listener);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code listener} is null
     */
    @Override
    public void removeListener(LockListener listener) {
        core.removeListener(listener);
    }

    @Override
    public String toString() {
        return "DistributedReentrantLock[" + core.description() + "]";
    }
}
