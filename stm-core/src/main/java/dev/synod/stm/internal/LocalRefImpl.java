package dev.synod.stm.internal;

import dev.synod.stm.LocalRef;
import dev.synod.stm.NoSuchRefException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-memory ref that joins distributed transactions. Versions form a short chain, newest
 * first. A version written together with distributed refs is tagged with the coordinator stamp of
 * that commit and is visible to snapshots at or after it; a version written by a transaction with
 * only local writes is visible to snapshots that started after it (by the engine's local
 * sequence). A committing transaction holds the ref's lock from before its distributed commit until
 * the local value is installed, and readers wait for that lock: so a reader never sees one half of
 * a mixed commit without the other.
 */
final class LocalRefImpl<T> extends RefBase<T> implements LocalRef<T> {
    private static final AtomicLong IDS = new AtomicLong();
    static final int MAX_VERSIONS = 16;

    final long id;
    final ReentrantLock lock = new ReentrantLock();
    private volatile Version<T> head;
    private volatile boolean destroyed;

    static final class Version<T> {
        final T value;
        final long stamp;
        final long seq;
        final boolean mixed;
        volatile Version<T> prev;

        Version(T value, long stamp, long seq, boolean mixed, Version<T> prev) {
            this.value = value;
            this.stamp = stamp;
            this.seq = seq;
            this.mixed = mixed;
            this.prev = prev;
        }

        boolean visibleAt(long readPoint, long localPoint) {
            return mixed ? stamp <= readPoint : seq <= localPoint;
        }
    }

    LocalRefImpl(Engine engine, T initial) {
        this(engine, initial, IDS.incrementAndGet());
    }

    /** Named {@code local:<id>}: unique, and never the name of a distributed ref (no ':' there). */
    private LocalRefImpl(Engine engine, T initial, long id) {
        super(engine, "local:" + id);
        this.id = id;
        this.head = new Version<>(initial, 0, 0, false, null);
    }

    Version<T> head() {
        return head;
    }

    /**
     * The newest version visible to a snapshot, waiting (until {@code deadlineNanos}, a {@link
     * System#nanoTime} value) for a commit in progress; null if none.
     *
     * @throws TimeoutException if a commit still held the ref at the deadline
     */
    Version<T> visible(long readPoint, long localPoint, long deadlineNanos)
            throws InterruptedException, TimeoutException {
        if (lock.isLocked() && !lock.isHeldByCurrentThread()) {
            if (!lock.tryLock(Math.max(deadlineNanos - System.nanoTime(), 0), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException(name + " stayed locked by a commit in progress");
            }
            lock.unlock();
        }
        Version<T> v = head;
        while (v != null && !v.visibleAt(readPoint, localPoint)) {
            v = v.prev;
        }
        return v;
    }

    /** Installs a new version; the caller holds the lock. */
    void install(T value, long stamp, long seq, boolean mixed) {
        Version<T> next = new Version<>(value, stamp, seq, mixed, head);
        Version<T> v = next;
        for (int i = 1; i < MAX_VERSIONS && v.prev != null; i++) {
            v = v.prev;
        }
        v.prev = null;
        head = next;
    }

    @Override
    public T get() {
        TxnImpl txn = engine.currentTxn(this);
        return txn != null ? txn.get(this) : committed();
    }

    @Override
    T committed() {
        engine.ensureOpen();
        Version<T> v = head;
        checkNotDestroyed(); // after reading head: a destroyed ref's head holds no value
        return v.value;
    }

    /** @throws NoSuchRefException once {@link #destroy()} has run */
    void checkNotDestroyed() {
        if (destroyed) {
            throw new NoSuchRefException("local ref '" + name + "' was destroyed");
        }
    }

    /**
     * Forgets the ref: its value is dropped and every later use fails with {@link
     * NoSuchRefException}. Waits for a commit that is installing a value in it (under its lock),
     * so a commit either lands before or fails after.
     */
    @Override
    public void destroy() {
        engine.checkDestroyable(this);
        lock.lock();
        try {
            destroyed = true;
            head = new Version<>(null, 0, 0, false, null);
        } finally {
            lock.unlock();
        }
    }
}
