package dev.synod.locks;

import dev.synod.stm.spi.CommitGuard;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One acquisition of a {@link DistributedLock}, for try-with-resources:
 *
 * <pre>{@code
 * try (HeldLock held = lock.acquire()) {
 *     store.write(key, value, held.fencingToken());
 * }
 * }</pre>
 *
 * <p>{@link #close()} unlocks once; calling it again does nothing. Like {@code unlock()}, it must
 * be called by the thread that acquired the lock. Not meant to be shared between threads.
 */
public final class HeldLock implements AutoCloseable {
    private final DistributedLock lock;
    private final long fencingToken;
    private final CommitGuard guard;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread owner = Thread.currentThread();

    HeldLock(DistributedLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.fencingToken = lock.fencingToken();
        this.guard = lock.guard();
    }

    /** The fencing token of this acquisition (see {@link DistributedLock#fencingToken()}). */
    public long fencingToken() {
        return fencingToken;
    }

    /** The commit guard of this acquisition (see {@link DistributedLock#guard()}). */
    public CommitGuard guard() {
        return guard;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Releases this acquisition ({@code unlock()}) the first time it is called; later calls return
     * at once.
     *
     * @throws IllegalMonitorStateException if called by another thread than the one that acquired
     *     the lock (the handle stays open)
     * @throws dev.synod.stm.LockLostException if the lock was lost while held (reported once)
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner && !closed.get()) {
            throw new IllegalMonitorStateException(
                    "a HeldLock must be closed by the thread that acquired it (" + owner.getName() + ")");
        }
        if (closed.compareAndSet(false, true)) {
            lock.unlock();
        }
    }
}
