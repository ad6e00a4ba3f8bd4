package dev.synod.zookeeper.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Commits, reads and creations of this client that were sent and not yet answered. The
 * notification of one's own commit arrives just before the commit's reply, which puts the new
 * state in the cache; a read's reply covers every change notified before it. So the ZooKeeper
 * event thread holds the events of a cell that a commit or read in flight covers back until the
 * reply (see {@link WatchWorker}), and when the watch worker got one anyway it waits for the reply
 * (one round trip at most) rather than reading the cell again.
 */
final class PendingCommits {
    /** One commit, read or creation in flight, over the given cells. */
    static final class Pending {
        private final Set<String> names;
        private final boolean holdsBack;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Pending(Collection<String> names, boolean holdsBack) {
            this.names = Set.copyOf(names);
            this.holdsBack = holdsBack;
        }
    }

    private final Set<Pending> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * A commit sent as one asynchronous request, whose reply (or, after a conflict, the reply of
     * the read of the conflicting cell) settles the events held back for it.
     */
    Pending beginCommit(Collection<String> names) {
        return begin(names, true);
    }

    /**
     * A read of cells sent as one asynchronous request, which puts the states read in the cache
     * and settles the events held back for it when its reply comes.
     */
    Pending beginRead(Collection<String> names) {
        return begin(names, true);
    }

    /** A creation of cells (its events are not held back: nothing settles them). */
    Pending beginCreation(Collection<String> names) {
        return begin(names, false);
    }

    private Pending begin(Collection<String> names, boolean holdsBack) {
        Pending p = new Pending(names, holdsBack);
        inFlight.add(p);
        return p;
    }

    /** Whether a commit or read (not a creation) in flight covers {@code name}. */
    boolean holdsBack(String name) {
        if (inFlight.isEmpty()) {
            return false;
        }
        for (Pending p : inFlight) {
            if (p.holdsBack && p.names.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The request was answered (and its result applied to the cache) or abandoned. */
    void end(Pending p) {
        inFlight.remove(p);
        p.done.complete(null);
    }

    /** Waits (bounded) for the requests in flight over any of {@code names}. */
    void awaitInFlight(Collection<String> names, long timeoutMs) throws InterruptedException {
        if (inFlight.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Pending p : inFlight) {
            if (Collections.disjoint(p.names, names)) {
                continue;
            }
            try {
                p.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return;
            }
        }
    }
}
