package dev.synod.zookeeper.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The read point {@code W}: a zxid such that every opened cell's cached state reflects every
 * commit with a zxid {@code <= W}. The watch worker raises it, and so does a barrier when the worker
 * has nothing left to do; any thread may read or wait.
 *
 * <h2>Why the ordering guarantees the contract</h2>
 *
 * <ul>
 *   <li>ZooKeeper delivers the notifications of one session in zxid order, and delivers every
 *       notification for a change before the reply to any later request of that session. Our
 *       notifications and the replies to our asynchronous requests are queued on the one
 *       ZooKeeper event thread in that order and handed to the one worker thread in that order,
 *       except events that the cache covers by the time they would be handed off: an event on a
 *       cell that a commit or read of ours in flight covers is held back until that request's
 *       reply (for a commit that conflicts, the reply of the read of the conflicting cell that
 *       follows it), or until anything else is handed off, and dropped if the cache's stamp for
 *       its cell is by then at least the event's zxid. Dropping an event only keeps {@code W}
 *       lower.
 *   <li>For each batch of events the worker makes every opened cell named in it at least as new as
 *       the event (skipping cells whose cache is already newer, e.g. one's own commit), and only
 *       then raises {@code W} to just below the batch's last zxid (the other events of that zxid,
 *       one multi, may not have arrived yet). A commit {@code <= W} on an opened cell produced an
 *       event {@code <= W} that was handled before.
 *   <li>A cell is tracked (a placeholder) and its persistent watch is sent before its first read,
 *       on the same session: the server adds the watch before it serves the read, so a change the
 *       read does not reflect produces an event. An event that the worker handles before the read
 *       completes makes the worker read it too; an event handled earlier was delivered before our
 *       read was sent, so the read (served by a server that had applied it) already reflects it.
 *       Cells that are not opened are not watched: their commits produce no events here, and the
 *       contract says nothing about them.
 *   <li>A barrier is the reply to one of our asynchronous requests (a read, or a commit, whose reply
 *       follows the notifications it triggered): when the worker handles it, every event up to
 *       the server state {@code S} of that request has been handled. {@code S} is at least every
 *       mzxid in that reply and every stamp this session had learnt from earlier replies (a server
 *       never serves a session from a state older than its last reply), so {@code W} may rise to
 *       those. If, when the barrier arrives, the worker has finished with everything handed to it
 *       and no event is held back, every event up to {@code S} is handled already, and the barrier
 *       raises {@code W} at once.
 *   <li>While the connection is lost, notifications are lost too: the read point is stale and
 *       does not rise until a refresh (a {@code sync} and a read of every opened cell, after the
 *       watches were re-registered) has made every opened cell current again.
 * </ul>
 */
final class ReadPoint {
    private final Object lock = new Object();
    private boolean closed;
    private final AtomicLong maxKnown = new AtomicLong();
    private final AtomicLong maxQueuedBarrier = new AtomicLong();
    private volatile long watermark;
    private volatile boolean stale;
    private long staleSinceNanos; // when it last became stale; guarded by lock
    private long staleGeneration; // guarded by lock
    private long maxEventZxid; // worker thread only

    /** The read point: never goes backwards. */
    long get() {
        return watermark;
    }

    /** Records a stamp learnt from a reply of this client's session (commit or read). */
    void learnt(long stamp) {
        maxKnown.accumulateAndGet(stamp, Math::max);
    }

    /** The highest stamp learnt from a reply. */
    long maxKnown() {
        return maxKnown.get();
    }

    /** A barrier up to {@code value} arrived (the worker gets there by itself, or it is there). */
    void barrierQueued(long value) {
        maxQueuedBarrier.accumulateAndGet(value, Math::max);
    }

    /** The highest barrier handed to the worker so far. */
    long maxQueuedBarrier() {
        return maxQueuedBarrier.get();
    }

    boolean isStale() {
        return stale;
    }

    /** Notifications may have been missed (connection lost): freeze until a refresh. */
    void markStale() {
        synchronized (lock) {
            staleGeneration++;
            if (!stale) {
                staleSinceNanos = System.nanoTime();
                stale = true;
            }
        }
    }

    /**
     * For how long the read point has been stale, in nanoseconds ({@code 0} if it is not): since
     * the first {@link #markStale()} after the last successful refresh.
     */
    long staleForNanos() {
        if (!stale) {
            return 0; // the common case, without the lock
        }
        synchronized (lock) { // the flag and its time from the same stale period
            return stale ? Math.max(1, System.nanoTime() - staleSinceNanos) : 0;
        }
    }

    /**
     * Waits until the read point is no longer stale (a refresh made every opened cell current).
     *
     * @return whether it got there in time (false at once once {@link #close closed})
     */
    boolean awaitFresh(long timeoutNanos) throws InterruptedException {
        if (!stale) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (stale) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
            return true;
        }
    }

    /** Called by the worker before a refresh; pass the result to {@link #refreshed}. */
    long refreshStarting() {
        synchronized (lock) {
            return staleGeneration;
        }
    }

    /**
     * A refresh read every opened cell after the watch was in place (at one server state, or in
     * parts served in order).
     *
     * @param generation the value of {@link #refreshStarting()} before the refresh was sent
     * @param maxRead a stamp up to which every cell read reflects all changes ({@code
     *     CellReader.Result.consistentStamp}: the highest mzxid read, or of the first part of a
     *     split read)
     */
    void refreshed(long generation, long maxRead) {
        synchronized (lock) {
            if (generation == staleGeneration) {
                stale = false;
                raise(Math.max(maxEventZxid, maxRead));
                lock.notifyAll(); // awaitFresh
            }
        }
    }

    /**
     * The worker handled every event delivered so far, the last one at {@code zxid}. Other events
     * of the same zxid (one multi) may still be on their way, so only {@code zxid - 1} is known to
     * be complete.
     */
    void eventsHandled(long zxid) {
        synchronized (lock) {
            maxEventZxid = Math.max(maxEventZxid, zxid);
            if (!stale) {
                raise(zxid - 1);
            }
        }
    }

    /** A barrier proved that every event up to {@code value} was handled. */
    void barrierReached(long value) {
        synchronized (lock) {
            if (!stale) {
                raise(value);
            }
        }
    }

    private void raise(long value) {
        if (value > watermark) {
            watermark = value;
            lock.notifyAll();
        }
    }

    /** Wakes every waiter: nothing raises the read point any more ({@link #await} answers false). */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    /**
     * Waits until the read point is at least {@code stamp}.
     *
     * @return whether it got there in time (false at once once {@link #close closed})
     */
    boolean await(long stamp, long timeoutNanos) throws InterruptedException {
        if (watermark >= stamp) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (watermark < stamp) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
            return true;
        }
    }
}
