package dev.synod.zookeeper.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link Claims} current for the opened cells of one coordinator: reads the children (the
 * claims) of a cell's znode on a notification that they changed, and for a claimant that does not
 * find its claim known yet. An opened cell's persistent watch announces its claims' changes; a
 * quiet cell (no persistent watch, see {@code ZkCoordinator.updatesOnly}) hears of them through a
 * one-time watch that each read of its claims arms again. A read that could not arm it (failed,
 * or an old session's watch gone) is made again by the cache worker's next tick ({@link #tick}).
 * Thread-safe.
 */
final class ClaimsReader {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimsReader.class);

    /** A claims read that keeps failing (not for a lost connection) is sent again this often at most. */
    private static final long REARM_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final CellPaths paths;
    private final CellCache cache;
    private final Claims claims;
    /** Receives the one-time watches' events (the cache worker, which calls {@link #read} again). */
    private final Watcher watcher;
    /** Asks the cache worker for a tick soon. */
    private final Runnable wake;

    /** Per cell, the last read of its claims sent (see {@link #lastRead}). */
    private final Map<String, CompletableFuture<Void>> reads = new ConcurrentHashMap<>();

    /** Cells whose claims have had a one-time watch armed here (to remove at close). */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    /** Whether a quiet cell's claims read failed: the next tick then reads every quiet cell's claims again. */
    private volatile boolean rearm;

    /** When the claims of quiet cells were last read again after a failure (worker thread only). */
    private long lastRearmNanos;

    ClaimsReader(CellPaths paths, CellCache cache, Claims claims, Watcher watcher, Runnable wake) {
        this.paths = paths;
        this.cache = cache;
        this.claims = claims;
        this.watcher = watcher;
        this.wake = wake;
    }

    /**
     * Reads the claims on cell {@code name} into {@link Claims} on handle {@code zk},
     * asynchronously and in order with the session's other requests. For a quiet cell the read also
     * arms a one-time watch on the claims, so that the next change is announced too. The result
     * completes once the reply is applied, or with the {@link KeeperException} of a failed read
     * (the claims known then stay as they were: each is honoured for its lease at most); at once
     * with {@code CONNECTIONLOSS} for a null handle.
     */
    CompletableFuture<Void> read(String name, ZooKeeper zk) {
        CompletableFuture<Void> applied = new CompletableFuture<>();
        if (zk == null) {
            applied.completeExceptionally(KeeperException.create(KeeperException.Code.CONNECTIONLOSS));
            return applied;
        }
        String path = paths.pathOf(name);
        boolean arm = cache.isQuiet(name);
        if (arm) {
            watched.add(name);
        }
        try {
            zk.getChildren(
                    path,
                    arm ? watcher : null,
                    (rc, p, ctx, children, stat) -> {
                        KeeperException.Code code = KeeperException.Code.get(rc);
                        if (code == KeeperException.Code.OK) {
                            claims.learnt(name, children, stat.getCversion());
                            applied.complete(null);
                            return;
                        }
                        if (code == KeeperException.Code.NONODE) {
                            claims.forget(name);
                        } else if (arm) {
                            // no watch was armed: without one, this client would never hear of
                            // another's turn on the cell again
                            rearm = true;
                            wake.run();
                        }
                        applied.completeExceptionally(
                                code == null
                                        ? new IllegalStateException("unknown result code " + rc)
                                        : KeeperException.create(code, path));
                    },
                    null);
            reads.put(name, applied);
        } catch (RuntimeException e) {
            LOG.debug("{}: could not read the claims on {}", paths.cellsRoot(), path, e);
            if (arm) {
                rearm = true;
                wake.run();
            }
            applied.completeExceptionally(e);
        }
        return applied;
    }

    /**
     * The last read of the claims on {@code name} sent, or null. Called on the event thread with
     * the reply to a claim's create, it is the read sent on that create's notification (which
     * ZooKeeper delivers before the reply): its result holds the new claim, without a read of the
     * claimant's own.
     */
    CompletableFuture<Void> lastRead(String name) {
        return reads.get(name);
    }

    /** Whether a quiet cell's one-time watch on its claims must be armed again (by {@link #tick}). */
    boolean rearmWanted() {
        return rearm;
    }

    /**
     * The cache worker's tick, connected on {@code zk}: after a lost connection ({@code stale})
     * forgets the claims known (notifications of them may have been missed; the next change brings
     * them back) and reads every quiet cell's claims again, as after a failed read (at most every
     * {@link #REARM_PAUSE_NANOS}). A quiet cell hears of its claims only through a one-time watch,
     * gone with an old session and never armed by a failed read.
     */
    void tick(ZooKeeper zk, boolean stale) {
        if (stale) {
            claims.clear();
        }
        if (stale || (rearm && System.nanoTime() - lastRearmNanos > REARM_PAUSE_NANOS)) {
            rearm = false;
            lastRearmNanos = System.nanoTime();
            for (String name : cache.openedNames()) {
                if (cache.isQuiet(name)) {
                    read(name, zk);
                }
            }
        }
    }

    /** Removes the one-time watches on claims armed here from {@code zk}, without waiting. */
    void removeWatches(ZooKeeper zk) {
        for (String name : watched) {
            try {
                // the one-time watch on its claims, if still armed (if not, the reply says so)
                zk.removeWatches(paths.pathOf(name), watcher, WatcherType.Children, true, (rc, p, ctx) -> {}, null);
            } catch (RuntimeException e) {
                LOG.debug("removing the claims watch on {} failed: {}", name, e.toString());
            }
        }
    }
}
