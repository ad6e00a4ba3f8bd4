package dev.synod.locks;

import dev.synod.locks.internal.LockCore;
import dev.synod.locks.internal.LockDriver;
import dev.synod.locks.internal.LockEngine;
import dev.synod.locks.internal.LockPaths;
import java.util.Objects;
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
 * </ul>
 *
 * <p>Thread-safe. Mutex and read-write locks must not share a name.
 */
public final class DistributedReentrantReadWriteLock implements ReadWriteLock {
    private final LockCore readLock;
    private final LockCore writeLock;

    /**
     * The read-write lock {@code name} under the default base path {@code /synod}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is invalid
     */
    public DistributedReentrantReadWriteLock(CuratorFramework client, String name) {
        this(client, LockPaths.DEFAULT_BASE_PATH, name);
    }

    /**
     * The read-write lock {@code name} under {@code basePath}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the base path or name is invalid
     */
    public DistributedReentrantReadWriteLock(CuratorFramework client, String basePath, String name) {
        Objects.requireNonNull(client, "client");
        LockPaths paths = LockPaths.of(client.getNamespace(), basePath, name);
        LockEngine engine = new LockEngine(client.usingNamespace(null), paths);
        LockCore[] write = new LockCore[1];
        LockCore[] read = new LockCore[1];
        write[0] = new LockCore(engine, LockDriver.exclusive(), "write lock", true, () -> {
            if (read[0].isHeldByCurrentThread() || read[0].hasLostHold()) {
                throw new IllegalMonitorStateException("read lock '" + paths.name()
                        + "' is held by the current thread: upgrading to the write lock would deadlock;"
                        + " release the read lock first");
            }
        });
        read[0] = new LockCore(
                engine,
                LockDriver.shared(
                        () -> write[0].isHeldByCurrentThread(), session -> write[0].isHeldByCurrentThreadOn(session)),
                "read lock",
                false,
                () -> {});
        this.writeLock = write[0];
        this.readLock = read[0];
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

    /** Adds {@code listener} to both sides. */
    public void addListener(LockListener listener) {
        readLock.addListener(listener);
        writeLock.addListener(listener);
    }

    /** Removes {@code listener} from both sides. */
    public void removeListener(LockListener listener) {
        readLock.removeListener(listener);
        writeLock.removeListener(listener);
    }

    @Override
    public String toString() {
        return "DistributedReentrantReadWriteLock['" + name() + "']";
    }
}
