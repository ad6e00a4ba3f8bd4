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
 * Commits (and creations) of this client that were sent and not yet answered. The notification of
 * one's own commit arrives just before the commit's reply, which puts the new state in the cache:
 * the watch worker holds such events back until the reply (see {@link WatchWorker}), and when it
 * got one anyway it waits for the reply (microseconds) rather than reading the cell again.
 */
final class PendingCommits {
    /** One commit in flight, over the given cells. */
    static final class Pending {
        private final Set<String> names;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Pending(Collection<String> names) {
            this.names = Set.copyOf(names);
        }
    }

    private final Set<Pending> inFlight = ConcurrentHashMap.newKeySet();

    Pending begin(Collection<String> names) {
        Pending p = new Pending(names);
        inFlight.add(p);
        return p;
    }

    /** Whether a commit (or creation) in flight writes {@code name}. */
    boolean isWriting(String name) {
        if (inFlight.isEmpty()) {
            return false;
        }
        for (Pending p : inFlight) {
            if (p.names.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The commit was answered (and its result applied to the cache) or abandoned. */
    void end(Pending p) {
        inFlight.remove(p);
        p.done.complete(null);
    }

    /** Waits (bounded) for the in-flight commits that write any of {@code names}. */
    void awaitWriting(Collection<String> names, long timeoutMs) throws InterruptedException {
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
