package dev.synod.locks.internal;

import java.util.concurrent.TimeUnit;

/**
 * How long a lock operation may wait for ZooKeeper, and whether an interrupt ends the wait: a timed
 * acquire's deadline, or none; {@code lockInterruptibly} and {@code tryLock(t)} are interruptible,
 * {@code lock()} is not. Immutable.
 */
final class Wait {
    /** No deadline, not interruptible: {@code lock()}, condition waiters. */
    static final Wait UNINTERRUPTIBLY = new Wait(false, 0, false);

    private final boolean timed;
    private final long deadline;
    private final boolean interruptible;

    private Wait(boolean timed, long deadline, boolean interruptible) {
        this.timed = timed;
        this.deadline = deadline;
        this.interruptible = interruptible;
    }

    /** Until {@code deadline} (a {@link System#nanoTime()} value). */
    static Wait until(long deadline, boolean interruptible) {
        return new Wait(true, deadline, interruptible);
    }

    /** Without a deadline. */
    static Wait untimed(boolean interruptible) {
        return interruptible ? new Wait(false, 0, true) : UNINTERRUPTIBLY;
    }

    boolean timed() {
        return timed;
    }

    boolean interruptible() {
        return interruptible;
    }

    /** Whether the deadline has passed (never, without one). */
    boolean expired() {
        return timed && deadline - System.nanoTime() <= 0;
    }

    /** Nanoseconds left before the deadline (negative once it passed); {@code Long.MAX_VALUE} without one. */
    long remainingNanos() {
        return timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
    }

    /** {@code capMs}, or the time left before the deadline if that is less (0 once it passed). */
    long remainingMs(long capMs) {
        if (!timed) {
            return capMs;
        }
        return Math.min(capMs, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    /** The deadline passed while waiting for ZooKeeper: the operation ends as a timeout. */
    static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }
}
