package dev.synod.locks;

import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.spi.CommitGuard;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * A {@link Lock} shared by every process that uses the same ZooKeeper ensemble and lock name:
 * {@link DistributedReentrantLock}, or one side of a {@link DistributedReentrantReadWriteLock}.
 *
 * <h2>Ownership</h2>
 * Like {@link java.util.concurrent.locks.ReentrantLock}, a lock is owned by a thread and is
 * reentrant per thread; {@link #unlock()} by a thread that does not hold it throws {@link
 * IllegalMonitorStateException}. Different threads of one process holding the same lock object are
 * excluded from each other like different processes. Holds belong to the lock, not to the object:
 * every lock object of one Curator client (or namespace facades of it) and lock node path shares
 * them, so a thread re-enters the lock through any of them. Waiters are served in FIFO order (the
 * order in which their lock nodes were created).
 *
 * <h2>Blocking and faults</h2>
 * Every method that acquires talks to ZooKeeper and so blocks for at least one round trip, even
 * {@link #tryLock()}. An acquire asks again after a lost connection, waiting for a connection at
 * most twice the Curator client's connection timeout each time; then it throws {@link
 * dev.synod.stm.CoordinationException} (unchecked) and leaves no lock node behind (a node it could
 * not delete for want of a connection, or whose creation it could not confirm, is deleted in the
 * background once the client is connected again). {@link #tryLock(long, TimeUnit)} bounds every
 * wait for a connection by its own timeout, before its node is created and while it waits in the
 * queue, and returns false when that runs out first (at once for a timeout of zero, and for {@link
 * #tryLock()}); only a request already sent on a live connection is waited for past it (a round
 * trip). {@link #lockInterruptibly()} and {@link #tryLock(long, TimeUnit)} end any wait, for the
 * lock or for a connection, when interrupted. A closed Curator client gives {@link
 * dev.synod.stm.StmClosedException}. Releasing never fails for want of ZooKeeper: {@link
 * #unlock()} deletes the node with one request on the node's own session and, if that gets no
 * answer, with Curator's guaranteed delete, waiting for it under the retry policy (so it blocks for
 * a round trip, longer while disconnected); if that gives up, Curator keeps retrying in the
 * background (logged), and the node goes at the latest with the session.
 * On a closed client the node goes with the session that closing ended. An interrupt never leaves a
 * node behind (without a connection, it is deleted in the background once reconnected): {@link
 * #lockInterruptibly()} and {@link #tryLock(long, TimeUnit)} throw {@link InterruptedException};
 * {@link #lock()} keeps waiting and returns with the interrupt flag set.
 *
 * <h2>Loss</h2>
 * A distributed lock can be lost while held: when the connection is suspended the lock is
 * <em>uncertain</em>, and when the session expires its node is gone and another process may take
 * the lock. {@link LockListener}s hear about both; after a loss {@link #isHeldByCurrentThread()}
 * is false and {@link #getHoldCount()} is 0. A hold counts as lost as soon as its session is known
 * to be over, before Curator reports {@code LOST}: when the Curator client was closed (no {@code
 * LOST} ever comes then) or its ZooKeeper handle learned of the expiry; these checks are local, so
 * {@code isHeldByCurrentThread()} and a reentrant {@code lock()} make no request. A release that
 * finds its node already gone (removed by someone else, or its session ended before the release was
 * confirmed) is a loss too. The holder's outstanding {@code unlock()} calls still
 * balance its {@code lock()} calls: the first one throws {@link dev.synod.stm.LockLostException}
 * (the critical section was not protected to the end), the others return quietly; they do not wait
 * for ZooKeeper (a lost node is deleted in the background). A thread that calls {@code lock()}
 * again while it still has such unbalanced holds gets {@code LockLostException} at once, so a
 * caller that gives up after a loss (e.g. when {@link #fencingToken()} throws) must still call
 * {@code unlock()}. A session expiry takes only the holds made under the expired session: a hold
 * taken under the session that replaced it is not lost when the expiry is reported late. Between
 * the loss and the holder noticing it, another process may
 * already hold the lock: protect external writes with {@link #fencingToken()} or Synod commits with
 * {@link #guard()}.
 *
 * <p>Implementations are thread-safe.
 */
public interface DistributedLock extends Lock {

    /** The lock's name, as given when it was created. */
    String name();

    /** The number of holds on this lock by the current thread; 0 when not held or lost. */
    int getHoldCount();

    /** Whether the current thread holds this lock (false once the lock was lost). */
    boolean isHeldByCurrentThread();

    /**
     * The fencing token of the current thread's hold: the creation zxid of its lock node. Tokens of
     * successive holders of a lock strictly increase, so a store that remembers the highest token it
     * saw can refuse a stale holder's write. The same for every reentrant hold of one acquisition.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the lock
     * @throws dev.synod.stm.LockLostException if the current thread held it but it was lost
     */
    long fencingToken();

    /**
     * A commit guard for Synod transactions: {@code check(lockNode, -1)} added to a commit makes it
     * apply only while this hold's lock node exists, i.e. while the lock is really held. The path is
     * the absolute ZooKeeper path of the node (any Curator namespace included).
     *
     * @throws IllegalMonitorStateException if the current thread does not hold the lock
     * @throws dev.synod.stm.LockLostException if the current thread held it but it was lost
     */
    CommitGuard guard();

    /**
     * Acquires the lock like {@link #lock()} and returns a handle that releases it on {@link
     * HeldLock#close()}, for try-with-resources.
     */
    default HeldLock acquire() {
        lock();
        try {
            return new HeldLock(this);
        } catch (RuntimeException e) {
            unlock();
            throw e;
        }
    }

    /**
     * A distributed condition of this lock, shared by every process that uses the same lock name and
     * condition name. See {@link #newCondition()}.
     *
     * @param name one [A-Za-z0-9._-] segment
     * @throws UnsupportedOperationException for a read lock
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not one such segment (empty, {@code
     *     "."}, {@code ".."}, a '/' or another character)
     */
    Condition newCondition(String name);

    /**
     * The lock's default distributed condition, {@code newCondition("default")}: every call, in
     * every process, returns the same condition. Use {@link #newCondition(String)} for several.
     *
     * <p>{@code await} requires the lock, releases it completely, waits for a signal from any
     * process, takes the lock again (at the back of the queue) and restores the hold count. {@code
     * signal} and {@code signalAll} require the lock; {@code signal} wakes the longest waiting
     * waiter. A waiter whose session expires wakes up spuriously (allowed by {@link Condition}).
     * If the lock was lost, {@code await} and {@code signal} throw {@link
     * dev.synod.stm.LockLostException}; if the thread does not hold it, {@link
     * IllegalMonitorStateException}. {@code await} on the write lock of a {@link
     * DistributedReentrantReadWriteLock} by a thread that also holds (or has a lost, unbalanced hold
     * of) its read lock throws {@code IllegalMonitorStateException} at once, releasing nothing: the
     * read lock would keep out every writer, so the signal could never come. If {@code await}
     * cannot take the lock again after the wait (no connection within the retry policy, say), it
     * throws {@link dev.synod.stm.CoordinationException} saying the lock is not held; the thread's
     * {@code unlock()} calls that balance its holds then return quietly, so the usual {@code
     * finally { lock.unlock(); }} does not hide that exception (until they have, as after any loss,
     * its {@code lock()} throws {@link dev.synod.stm.LockLostException}).
     *
     * @throws UnsupportedOperationException for a read lock
     */
    @Override
    default Condition newCondition() {
        return newCondition("default");
    }

    /**
     * Adds a listener for loss of this lock (see {@link LockListener}). Lock objects that share
     * their holds (see Ownership) share their listeners too.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    void addListener(LockListener listener);

    /**
     * Removes a listener added with {@link #addListener(LockListener)}.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    void removeListener(LockListener listener);

    /**
     * Runs {@code body} holding the lock (taken as by {@link #lock()}) and returns its result. An
     * exception from the body reaches the caller unchanged; a failure to release (e.g. {@link
     * dev.synod.stm.LockLostException}) is then added to it as suppressed.
     *
     * @throws NullPointerException if {@code body} is null
     */
    default <T> T withLock(Supplier<T> body) {
        Objects.requireNonNull(body, "body must not be null");
        lock();
        return runHeld(this, body);
    }

    /**
     * Runs {@code body} holding the lock (taken as by {@link #lock()}); see {@link
     * #withLock(Supplier)}.
     *
     * @throws NullPointerException if {@code body} is null
     */
    default void withLock(Runnable body) {
        Objects.requireNonNull(body, "body must not be null");
        withLock(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code body} holding the lock if the lock can be had within {@code timeout} (as by
     * {@link #tryLock(long, TimeUnit)}; a timeout longer than {@code Long.MAX_VALUE} nanoseconds,
     * about 292 years, is taken as that, and a negative one as zero).
     *
     * @return the body's result, or empty when the lock was not acquired in time (or the body
     *     returned null)
     * @throws StmInterruptedException if interrupted while waiting (the interrupt flag is set again)
     * @throws NullPointerException if {@code timeout} or {@code body} is null
     */
    default <T> Optional<T> tryWithLock(Duration timeout, Supplier<T> body) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(body, "body must not be null");
        if (!tryLockInterruptibly(this, timeout)) {
            return Optional.empty();
        }
        return Optional.ofNullable(runHeld(this, body));
    }

    /**
     * Runs {@code body} holding the lock if the lock can be had within {@code timeout}; see {@link
     * #tryWithLock(Duration, Supplier)}.
     *
     * @return whether the lock was acquired and the body ran
     * @throws StmInterruptedException if interrupted while waiting (the interrupt flag is set again)
     * @throws NullPointerException if {@code timeout} or {@code body} is null
     */
    default boolean tryWithLock(Duration timeout, Runnable body) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(body, "body must not be null");
        return tryWithLock(timeout, () -> {
                    body.run();
                    return Boolean.TRUE;
                })
                .isPresent();
    }

    /** {@code timeout} in nanoseconds, clamped to the range of a long instead of overflowing. */
    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static <T> T runHeld(Lock lock, Supplier<T> body) {
        Throwable failure = null;
        try {
            return body.get();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            if (failure == null) {
                lock.unlock();
            } else {
                try {
                    lock.unlock();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    private static boolean tryLockInterruptibly(Lock lock, Duration timeout) {
        try {
            return lock.tryLock(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting for the lock", e);
        }
    }
}
