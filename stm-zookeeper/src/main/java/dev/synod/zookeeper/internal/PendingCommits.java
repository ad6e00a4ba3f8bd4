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
 * the ZooKeeper event thread holds such events back until the reply (see {@link WatchWorker}), and
 * when the watch worker got one anyway it waits for the reply (microseconds) rather than reading
 * the cell again.
 */
final class PendingCommits {
    /** One commit (or creation) in flight, over the given cells. */
    static final class Pending {
        private final Set<String> names;
        private final boolean commit;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        private Pending(Collection<String> names, boolean commit) {
            this.names = Set.copyOf(names);
            this.commit = commit;
        }
    }

    private final Set<Pending> inFlight = ConcurrentHashMap.newKeySet();

    /** A commit sent as one asynchronous request, whose reply settles the events it caused. */
    Pending beginCommit(Collection<String> names) {
        return begin(names, true);
    }

    /** A creation of cells (its events are not held back: nothing settles them). */
    Pending beginCreation(Collection<String> names) {
        return begin(names, false);
    }

    private Pending begin(Collection<String> names, boolean commit) {
        Pending p = new Pending(names, commit);
        inFlight.add(p);
        return p;
    }

    /** Whether a commit (not a creation) in flight writes {@code name}. */
    boolean isCommitting(String name) {
        if (inFlight.isEmpty()) {
            return false;
        }
        for (Pending p : inFlight) {
            if (p.commit && p.names.contains(name)) {
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
