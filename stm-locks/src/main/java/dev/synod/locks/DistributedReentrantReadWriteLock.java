package dev.synod.locks;

import dev.synod.locks.internal.LockCore;
import dev.synod.locks.internal.LockDriver;
import dev.synod.locks.internal.LockEngine;
import dev.synod.locks.internal.LockPaths;
import dev.synod.locks.internal.SharedCores;
import dev.synod.locks.internal.ZkCalls;
import java.util.concurrent.locks.ReadWriteLock;
import org.apache.curator.framework.CuratorFramework;

/**
 * A distributed reentrant read-write lock on ZooKeeper: many readers or one writer, in every
 * process that uses the same name, served first come, first served (a waiting writer holds back
 * readers that come after it).
 *
 * <p>Both sides are {@link DistributedLock}s over one queue of lock nodes under {@code
 * <basePath>/locks/<name>}; see there for ownership, interrupts, loss and fencing.
 *
 * <ul>
 *   <li><b>Downgrade</b> works: a thread holding the write lock may take the read lock (at once)
 *       and then release the write lock.
 *   <li><b>Upgrade</b> is refused: a thread holding the read lock that asks for the write lock gets
 *       {@link IllegalMonitorStateException} at once, instead of waiting for itself for ever.
 *   <li>The write lock supports distributed {@linkplain DistributedLock#newCondition() conditions};
 *       the read lock throws {@link UnsupportedOperationException}, like {@link
 *       java.util.concurrent.locks.ReentrantReadWriteLock}.
 *   <li>A condition wait on the write lock by a thread that also holds the read lock (say after a
 *       downgrade) is refused with {@link IllegalMonitorStateException} before anything is
 *       released: the wait would release only the write lock, and the read lock would keep out
 *       every writer, so no one could signal. Release the read lock first. The same holds while a
 *       lost read hold is not yet balanced by {@code unlock()}.
 * </ul>
 *
 * <p>Thread-safe. Objects of one Curator client (or of namespace facades of it) that name the same
 * lock node path share their holds and listeners, as for {@link DistributedReentrantLock}: taking
 * the write lock through one and the read lock through another is a downgrade. Mutex and read-write
 * locks must not share a name.
 */
public final class DistributedReentrantReadWriteLock implements ReadWriteLock {
    private final LockCore readLock;
    private final LockCore writeLock;

    /**
     * Both sides of one read-write lock over one engine. Each side's checks reach this object, so it
     * stays registered in {@link SharedCores} while either side is in use.
     */
    private static final class Sides {
        final LockCore write;
        final LockCore read;

        Sides(CuratorFramework client, LockPaths paths) {
            LockEngine engine = new LockEngine(client, paths);
            String name = paths.name();
            this.write = new LockCore(
                    engine,
                    LockDriver.exclusive(),
                    "write lock",
                    true,
                    () -> refuseWhileReading("read lock '" + name
                            + "' is held by the current thread: upgrading to the write lock would deadlock;"
                            + " release the read lock first"),
                    () -> refuseWhileReading("cannot await a condition of write lock '" + name
                            + "' while the current thread holds its read lock: the read lock would keep"
                            + " every writer out, so no one could signal; release the read lock first"));
            this.read = new LockCore(
                    engine,
                    LockDriver.shared(write::isHeldByCurrentThread, write::isHeldByCurrentThreadOn),
                    "read lock",
                    false,
                    () -> {},
                    () -> {});
        }

        /** Throws {@code message} if the current thread holds the read lock, or a lost hold of it. */
        private void refuseWhileReading(String message) {
            if (read.hasHold()) {
                throw new IllegalMonitorStateException(message);
            }
        }
    }

    /**
     * The read-write lock {@code name} under the default base path {@code /synod}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public DistributedReentrantReadWriteLock(CuratorFramework client, String name) {
        this(client, LockPaths.DEFAULT_BASE_PATH, name);
    }

    /**
     * The read-write lock {@code name} under {@code basePath}.
     *
     * @param basePath an absolute path of [A-Za-z0-9._-] segments, not "." or ".."
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the base path or name is invalid
     * @throws IllegalStateException if the client is not started, or already closed
     */
    public DistributedReentrantReadWriteLock(CuratorFramework client, String basePath, String name) {
        ZkCalls.requireStarted(client);
        LockPaths paths = LockPaths.of(client.getNamespace(), basePath, name);
        CuratorFramework root = client.usingNamespace(null);
        Sides sides = SharedCores.get(root, paths.lockRoot(), Sides.class, () -> new Sides(root, paths));
        this.writeLock = sides.write;
        this.readLock = sides.read;
    }

    /** The lock's name. */
    public String name() {
        return writeLock.name();
    }

    /** The shared side: held by any number of threads and processes when no writer holds or waits before. */
    @Override
    public DistributedLock readLock() {
        return readLock;
    }

    /** The exclusive side. */
    @Override
    public DistributedLock writeLock() {
        return writeLock;
    }

    /**
     * Adds {@code listener} to both sides.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(LockListener listener) {
        readLock.addListener(listener);
        writeLock.addListener(listener);
    }

    /**
     * Removes {@code listener} from both sides.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void removeListener(LockListener listener) {
        readLock.removeListener(listener);
        writeLock.removeListener(listener);
    }

    @Override
    public String toString() {
        return "DistributedReentrantReadWriteLock['" + name() + "']";
    }
}
