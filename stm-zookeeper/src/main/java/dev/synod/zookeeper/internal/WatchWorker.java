package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.Versioned;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent watches on the opened cells (one non-recursive watch per cell znode) and the one
 * thread that keeps the cache of opened cells and the read point current (see {@link ReadPoint}
 * for why the order of work here guarantees the read-point contract).
 *
 * <p>Why one watch per opened cell rather than one recursive watch on {@code <namespace>/cells}:
 * a recursive watch announces every commit in the namespace to every client, including commits
 * to cells the client never opened, so the server's notification work and each client's grows with
 * the number of clients even when they share nothing. A per-cell watch announces a commit only to
 * the clients that opened the cell. Registering it costs one request pipelined in front of the
 * cell's first read (no extra round trip); the server handles it before the read, so every change
 * the read does not reflect is announced.
 *
 * <p>The ZooKeeper event thread hands events to this worker (or holds them back, below). The worker takes them in
 * batches: for every opened cell named in a batch whose cache is older than the event, it reads the
 * cell (one request for the whole batch, after waiting for this client's own commits and reads in
 * flight on those cells, whose replies usually make the read unnecessary), then raises the read point to the
 * batch's last zxid. After a lost connection it refreshes every opened cell; after a new session
 * it re-adds the watch first. It never dies: every failure is logged and retried on the next tick.
 *
 * <h2>One's own commits and reads do not wake the worker</h2>
 *
 * Most events announce this client's own commits, whose replies follow them on the event thread
 * and put the new states in the cache. Waking the worker for them (and having it wait for the
 * reply) cost more client CPU than the commit itself. So an event on a cell that a commit of ours
 * in flight writes is held back (deferred) instead of handed off. The same holds for a read of
 * ours in flight (a fetch, or the read-back that follows a conflict): its reply puts the states
 * read in the cache, and on the same server they reflect every change announced before it, so
 * under contention the other writers' events are mostly settled by the reads the losers make
 * anyway. Settling checks each event against its cell's stamp in the cache, whatever the reply. Before anything else is handed
 * to the worker, the deferred events are settled, in their order: those the cache already covers
 * (its stamp is at least the event's zxid: the worker would have skipped them) are dropped, the
 * others are handed off first. Nothing reaches the worker out of order, and a dropped event only
 * means the read point rises by a barrier instead; it never rises further.
 *
 * <p>A barrier (the reply to one of our requests) normally travels through the queue. When every
 * item ever handed to the worker has been handled and no event is deferred, the worker has
 * nothing that could precede it, so the barrier raises the read point at once, on the event
 * thread: a commit's reply then wakes only the committing thread.
 */
final class WatchWorker implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(WatchWorker.class);
    private static final long TICK_MS = 500;
    private static final Object CHECK = new Object();

    private final ZkConnection connection;
    private final CellPaths paths;
    private final CellCache cache;
    private final ReadPoint readPoint;
    private final PendingCommits pending;
    private final CellReader reader;
    private final ClaimsReader claimsReader;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    /** Orders every hand-off to the queue with the deferred events; guards the two below. */
    private final Object handoff = new Object();
    /** Events of cells that a commit or read of ours in flight covers, in arrival order. */
    private final ArrayDeque<WatchedEvent> deferred = new ArrayDeque<>();
    /** Items put on the queue so far. */
    private long handed;
    /** Items the worker has taken from the queue and finished with. */
    private final AtomicLong done = new AtomicLong();
    /** Items taken in the current batch (worker thread only). */
    private int taken;

    private volatile ZooKeeper watchedHandle;
    private volatile boolean closed;
    /** Every opened cell's watch is to be added again before the next refresh (see {@link #resync}). */
    private final AtomicBoolean resyncWanted = new AtomicBoolean();

    /**
     * Persistent watches per ZooKeeper handle and path, counted over every worker of this JVM (two
     * coordinators may share a caller-owned client and namespace). Also the lock that orders adding
     * and removing watches. Handles are weak keys: a closed session's entries go with it.
     */
    private static final Map<ZooKeeper, Map<String, Integer>> USERS = new WeakHashMap<>();

    /** The paths this worker watches, per handle; guarded by {@code USERS}. */
    private final Map<ZooKeeper, Set<String>> mine = new WeakHashMap<>();

    WatchWorker(
            ZkConnection connection,
            CellPaths paths,
            CellCache cache,
            ReadPoint readPoint,
            PendingCommits pending,
            CellReader reader,
            Claims claims,
            String threadName) {
        this.connection = connection;
        this.claimsReader = new ClaimsReader(paths, cache, claims, this, this::check);
        this.paths = paths;
        this.cache = cache;
        this.readPoint = readPoint;
        this.pending = pending;
        this.reader = reader;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    /** The handle the opened cells are watched on (a new session's until its watches are re-added: the old one). */
    ZooKeeper watchedHandle() {
        return watchedHandle;
    }

    /** Starts the worker on the current session (no cell is opened yet, so nothing is watched). */
    void start() {
        watchedHandle = connection.handle("starting the cache of " + paths.cellsRoot());
        thread.start();
    }

    /**
     * Sends the persistent watch on one cell and returns at once. The server handles it before any
     * request sent after it on the same handle, so a read sent next reflects every change that is
     * not announced. Adding a watch that is already there changes nothing.
     *
     * @return completes when the server has added the watch, or exceptionally with a {@link
     *     KeeperException}
     */
    CompletableFuture<Void> watch(ZooKeeper zk, String name) {
        return watch(zk, name, false);
    }

    /**
     * As {@link #watch(ZooKeeper, String)}; if {@code onlyIfWanted}, adds nothing (and completes at
     * once) when the cell is, by the time the lock is held, no longer tracked or quiet: re-adding
     * the watches of the opened cells must not undo a removal decided after they were listed.
     */
    private CompletableFuture<Void> watch(ZooKeeper zk, String name, boolean onlyIfWanted) {
        CompletableFuture<Void> added = new CompletableFuture<>();
        String path = paths.pathOf(name);
        synchronized (USERS) {
            if (closed) {
                added.completeExceptionally(
                        new IllegalStateException("the cache of " + paths.cellsRoot() + " is closed"));
                return added;
            }
            if (onlyIfWanted && (!cache.isOpen(name) || cache.isQuiet(name))) {
                added.complete(null);
                return added;
            }
            if (mine.computeIfAbsent(zk, k -> new HashSet<>()).add(path)) {
                USERS.computeIfAbsent(zk, k -> new HashMap<>()).merge(path, 1, Integer::sum);
            }
            // sent under the lock: a removal decided under it is never sent after this add
            zk.addWatch(
                    path,
                    this,
                    AddWatchMode.PERSISTENT,
                    (rc, p, ctx) -> {
                        if (rc == KeeperException.Code.OK.intValue()) {
                            added.complete(null);
                        } else {
                            added.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), p));
                        }
                    },
                    null);
        }
        return added;
    }

    /**
     * Removes this worker's watch on a cell that is no longer tracked (its open failed), from every
     * handle it was added on; does nothing if the cell is tracked again meanwhile.
     */
    void unwatchIfUntracked(String name) {
        String path = paths.pathOf(name);
        synchronized (USERS) {
            if (cache.isOpen(name)) {
                return; // another open() of it started: its watch must stay
            }
            for (ZooKeeper zk : new ArrayList<>(mine.keySet())) {
                unwatch(zk, path);
            }
        }
    }

    /**
     * Stops the notifications of one cell's changes on {@code zk} (the cell is already marked quiet
     * in the cache), and keeps hearing of its claims through a one-time watch on its children,
     * armed again by each read of them. Both requests are sent at once, in this order; nothing is
     * waited for.
     */
    void quiet(ZooKeeper zk, String name) {
        synchronized (USERS) {
            if (closed) {
                return;
            }
            unwatch(zk, paths.pathOf(name));
        }
        claimsReader.read(name, zk);
    }

    /**
     * Removes this worker's watch on {@code path} from {@code zk} (asynchronously, no wait). On the
     * server, {@code removeAllWatches} removes every watcher of the path for the session, so it is
     * sent only when no other worker of this JVM on the same handle still watches the path;
     * otherwise only this worker's watcher is removed from the client. Caller holds {@code USERS}.
     */
    private void unwatch(ZooKeeper zk, String path) {
        Set<String> own = mine.get(zk);
        if (own == null || !own.remove(path)) {
            return;
        }
        Map<String, Integer> users = USERS.get(zk);
        boolean last = users == null || users.merge(path, -1, Integer::sum) <= 0;
        if (last && users != null) {
            users.remove(path);
        }
        try {
            // local: removed from the client even when disconnected (the server then forgets the
            // watch when the client reconnects without it, or when the session ends)
            if (last) {
                zk.removeAllWatches(path, WatcherType.Persistent, true, (rc, p, ctx) -> {}, null);
            } else {
                zk.removeWatches(path, this, WatcherType.Persistent, true, (rc, p, ctx) -> {}, null);
            }
        } catch (RuntimeException e) {
            LOG.debug("removing the watch on {} failed: {}", path, e.toString());
        }
    }

    /**
     * Called on the ZooKeeper event thread: defers the event if a commit or read of ours in flight
     * covers its cell (the reply settles it), else hands it off.
     */
    @Override
    public void process(WatchedEvent event) {
        if (closed) {
            return;
        }
        if (event.getType() != Watcher.Event.EventType.None && !connectedState(event.getState())) {
            // A request that fails with the connection (a watch removal still unanswered when it
            // was lost, say) is reported as an event of its own carrying the lost state, and the
            // ZooKeeper client then drops the connection event that follows as a repeat of that
            // state: this may be the only sign of the loss.
            readPoint.markStale();
        }
        if (event.getType() == Watcher.Event.EventType.NodeChildrenChanged) {
            String name = paths.nameOf(event.getPath());
            if (name != null && cache.isOpen(name)) {
                readClaims(name);
            }
            return; // a cell's only children are claims: nothing for the cache or the read point
        }
        synchronized (handoff) {
            if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                String name = paths.nameOf(event.getPath());
                if (name != null && pending.holdsBack(name)) {
                    deferred.add(event);
                    return;
                }
            }
            handOff(event);
        }
    }

    /**
     * Reads the claims on cell {@code name} into {@link Claims} (see {@link ClaimsReader#read}), on
     * the handle the opened cells are watched on.
     */
    CompletableFuture<Void> readClaims(String name) {
        return claimsReader.read(name, watchedHandle);
    }

    /** See {@link ClaimsReader#lastRead}. */
    CompletableFuture<Void> lastClaimsRead(String name) {
        return claimsReader.lastRead(name);
    }

    /**
     * Called with the reply to one of our requests, whose server state was at least {@code value},
     * after its results were put in the cache: every notification up to there was delivered
     * before, so once the worker has handled what was handed to it the read point may rise to
     * {@code value}. If it has already, that is now. Normally called on the ZooKeeper event thread;
     * also on the calling thread for a read of no cells or a request the client refused at once,
     * whose value is a stamp learnt from earlier replies (their notifications were delivered too).
     */
    void barrier(long value) {
        readPoint.barrierQueued(value);
        if (closed) {
            return;
        }
        synchronized (handoff) {
            settle();
            if (handed == done.get()) {
                readPoint.barrierReached(value);
                return;
            }
            handOff((Runnable) () -> readPoint.barrierReached(value));
        }
    }

    /**
     * Sends a read of {@code names} (after a pipelined {@code sync} if asked) whose cells' events
     * are held back while it is in flight, and returns at once. On the event thread, its reply puts
     * the states read in the cache and is then the barrier that settles the held-back events (it
     * follows every notification its state includes); if the read fails, they are settled with a
     * barrier at {@code known}, a stamp learnt from replies already received.
     *
     * @throws RuntimeException if the client refuses the read at once (nothing is then held back)
     */
    CompletableFuture<CellReader.Result> readCovering(ZooKeeper zk, List<String> names, boolean syncFirst, long known) {
        PendingCommits.Pending reading = pending.beginRead(names);
        CompletableFuture<CellReader.Result> read;
        try {
            // a missing cell is marked in the reply of the part that found it, in order with the
            // events: a creation after that part's state is announced after it, never wiped out
            read = reader.read(zk, names, syncFirst, name -> cache.markDeleted(name, 0), r -> {
                try {
                    for (Versioned v : r.values()) {
                        if (v != null) {
                            cache.advance(v);
                        }
                    }
                    readPoint.learnt(r.maxStamp());
                } finally {
                    pending.end(reading);
                    barrier(Math.max(known, r.maxStamp()));
                }
            });
        } catch (RuntimeException e) {
            pending.end(reading);
            settleDeferred();
            throw e;
        }
        read.whenComplete((r, failure) -> {
            if (failure != null) {
                pending.end(reading);
                barrier(known);
            }
        });
        return read;
    }

    /**
     * Settles the deferred events now, after a commit or read of ours ended (its reply may not
     * have settled them: no outcome, or the request failed before it was sent): drops those the
     * cache covers, hands off the rest.
     */
    void settleDeferred() {
        synchronized (handoff) {
            settle();
        }
    }

    /**
     * The cache was caught trailing the read point (see {@link ZkCoordinator#localStateTrailed}):
     * a notification was lost. Freezes the read point and has the worker add the watch of every
     * opened cell again on the current handle (in case one was lost with the notification; adding
     * one that is there changes nothing), then refresh every opened cell. Returns at once; several
     * calls before the worker gets to it make one resync.
     */
    void resync() {
        if (closed) {
            return;
        }
        resyncWanted.set(true);
        readPoint.markStale();
        check();
    }

    /** Asks the worker to check the session and refresh if needed (e.g. after a reconnection). */
    void check() {
        if (!closed) {
            synchronized (handoff) {
                handOff(CHECK);
            }
        }
    }

    /** Items handed to the worker so far (events, barriers, tasks, checks): for tests. */
    long handedOff() {
        synchronized (handoff) {
            return handed;
        }
    }

    /** Whether the worker has finished with everything handed to it and nothing is deferred. */
    boolean idle() {
        synchronized (handoff) {
            return deferred.isEmpty() && handed == done.get();
        }
    }

    /** Puts an item on the queue behind the deferred events. Caller holds {@code handoff}. */
    private void handOff(Object item) {
        settle();
        handed++;
        queue.offer(item);
    }

    /**
     * Drops the deferred events that the cache covers and hands off the others, in order. Caller
     * holds {@code handoff}.
     */
    private void settle() {
        for (WatchedEvent e = deferred.poll(); e != null; e = deferred.poll()) {
            String name = paths.nameOf(e.getPath());
            if (name == null || cache.stampOf(name) < e.getZxid()) {
                handed++;
                queue.offer(e);
            }
        }
    }

    private void loop() {
        List<Object> batch = new ArrayList<>();
        while (!closed) {
            try {
                Object first = queue.poll(TICK_MS, TimeUnit.MILLISECONDS);
                boolean check = first == null;
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 10_000);
                    taken = batch.size();
                    boolean handled = false;
                    try {
                        check = handle(batch);
                        handled = true;
                    } finally {
                        if (!handled) {
                            // before the batch counts as done: a barrier must not then raise the
                            // read point over events this batch did not apply
                            readPoint.markStale();
                        }
                        done.addAndGet(taken);
                    }
                }
                if (check || readPoint.isStale() || claimsReader.rearmWanted()) {
                    tick();
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.warn("cache worker for {} failed; it carries on", paths.cellsRoot(), t);
                readPoint.markStale();
            } finally {
                batch.clear();
            }
        }
    }

    /** Handles a batch in order; returns whether the session should be checked afterwards. */
    private boolean handle(List<Object> batch) throws InterruptedException {
        boolean check = false;
        List<WatchedEvent> group = new ArrayList<>();
        for (Object item : batch) {
            if (isDataEvent(item)) {
                group.add((WatchedEvent) item);
                continue;
            }
            flush(group);
            if (item instanceof WatchedEvent e) {
                connectionEvent(e);
                check = true;
            } else if (item instanceof Runnable task) {
                task.run();
            } else if (item == CHECK) {
                check = true;
            }
        }
        // Only at the end of the batch may the run of events take in those queued since (the rest
        // of a multi, usually, for one read): in the middle of a batch, the items after the run,
        // a barrier included, come first, and skipping over them would let the read point pass
        // events not yet applied to the cache.
        for (int more = 0; more < 10_000 && !group.isEmpty() && isDataEvent(queue.peek()); more++) {
            group.add((WatchedEvent) queue.poll());
            taken++;
        }
        flush(group);
        return check;
    }

    private static boolean isDataEvent(Object item) {
        return item instanceof WatchedEvent e && e.getType() != Watcher.Event.EventType.None;
    }

    private static boolean connectedState(Watcher.Event.KeeperState state) {
        return state == Watcher.Event.KeeperState.SyncConnected || state == Watcher.Event.KeeperState.ConnectedReadOnly;
    }

    private void connectionEvent(WatchedEvent e) {
        switch (e.getState()) {
            case SyncConnected, ConnectedReadOnly -> {
                // Notifications may have been missed even if no Disconnected came first (see
                // process): every (re)connection refreshes before the read point rises again.
                LOG.debug("{}: connected; the read point is stale until a refresh", paths.cellsRoot());
                readPoint.markStale();
            }
            case Disconnected, Expired, AuthFailed, Closed -> {
                LOG.debug("{}: {}; the read point is stale until a refresh", paths.cellsRoot(), e.getState());
                readPoint.markStale();
            }
            default -> {}
        }
    }

    /** Handles a run of data events, then raises the read point past them. */
    private void flush(List<WatchedEvent> group) throws InterruptedException {
        if (group.isEmpty()) {
            return;
        }
        Map<String, Long> needed = new LinkedHashMap<>(); // cell -> zxid its cache must reach
        long last = 0;
        for (WatchedEvent e : group) {
            long zxid = e.getZxid();
            last = Math.max(last, zxid);
            String name = paths.nameOf(e.getPath());
            if (name == null || !cache.isOpen(name)) {
                continue;
            }
            switch (e.getType()) {
                case NodeDeleted -> {
                    needed.remove(name);
                    reader.forget(name);
                    cache.markDeleted(name, zxid);
                }
                case NodeCreated, NodeDataChanged -> {
                    if (cache.stampOf(name) < zxid) {
                        needed.merge(name, zxid, Math::max);
                    }
                }
                default -> {}
            }
        }
        group.clear();
        if (!needed.isEmpty()) {
            // usually our own commit: its reply, right behind the event, fills the cache
            pending.awaitInFlight(needed.keySet(), connection.requestTimeoutMs());
            needed.entrySet().removeIf(n -> cache.stampOf(n.getKey()) >= n.getValue());
        }
        if (!needed.isEmpty() && readInto(new ArrayList<>(needed.keySet()), false) == null) {
            readPoint.markStale();
            return;
        }
        for (Map.Entry<String, Long> n : needed.entrySet()) {
            if (cache.stampOf(n.getKey()) < n.getValue()) {
                // the read was served from a state older than the event (possible only if the
                // connection moved to another server meanwhile): do not vouch for this zxid;
                // freeze the read point until a refresh with sync brings every cell up to date
                LOG.debug(
                        "{}: '{}' read older than its event {}; refreshing",
                        paths.cellsRoot(),
                        n.getKey(),
                        n.getValue());
                readPoint.markStale();
                return;
            }
        }
        // Events of one multi share a zxid and may be split across batches: only the zxids before
        // the last one are known to be complete. The read's reply (a barrier) or the next event
        // completes the last one.
        readPoint.eventsHandled(last);
    }

    /** Reads cells and advances the cache; returns null if the read failed. */
    private CellReader.Result readInto(List<String> names, boolean syncFirst) {
        ZooKeeper zk = connection.handleIfConnected();
        if (zk == null) {
            return null;
        }
        try {
            long candidate = readPoint.maxKnown();
            CellReader.Result result = ZkConnection.awaitReply(
                    reader.read(zk, names, syncFirst, r -> barrier(Math.max(candidate, r.maxStamp()))),
                    2 * connection.requestTimeoutMs());
            for (Versioned v : result.values()) {
                if (v != null) {
                    cache.advance(v);
                }
            }
            readPoint.learnt(result.maxStamp());
            return result;
        } catch (KeeperException | TimeoutException | IllegalStateException e) {
            LOG.debug("{}: reading {} failed: {}", paths.cellsRoot(), names, e.toString());
            return null;
        }
    }

    /** Re-adds the watches after a new session and refreshes the cache after a lost connection. */
    private void tick() throws InterruptedException {
        ZooKeeper zk = connection.handleIfConnected();
        if (zk == null || closed) {
            return;
        }
        boolean resync = resyncWanted.getAndSet(false);
        boolean newSession = zk != watchedHandle;
        if (newSession || resync) {
            readPoint.markStale();
            // a cell opened from now on adds its own watch on this handle (or a newer one)
            Set<String> names = new HashSet<>();
            for (String name : cache.openedNames()) {
                if (!cache.isQuiet(name)) {
                    names.add(name);
                }
            }
            List<CompletableFuture<Void>> added = new ArrayList<>(names.size());
            for (String name : names) {
                added.add(watch(zk, name, true));
            }
            try {
                ZkConnection.awaitReply(
                        CompletableFuture.allOf(added.toArray(CompletableFuture[]::new)),
                        2 * connection.requestTimeoutMs());
            } catch (KeeperException | TimeoutException e) {
                LOG.warn("{}: re-adding the watches failed ({}); will retry", paths.cellsRoot(), e.toString());
                if (resync) {
                    resyncWanted.set(true);
                }
                return;
            }
            watchedHandle = zk;
            // a cell watched again meanwhile (see ZkCoordinator.watchAgain) was passed over above
            // (watch skips cells quiet or untracked by then)
            for (String name : cache.openedNames()) {
                if (!names.contains(name)) {
                    watch(zk, name, true);
                }
            }
            LOG.info(
                    "{}: {} 0x{}: {} cell watches re-added",
                    paths.cellsRoot(),
                    newSession ? "new ZooKeeper session" : "a cached cell trailed the read point; session",
                    Long.toHexString(zk.getSessionId()),
                    names.size());
        }
        boolean stale = readPoint.isStale();
        claimsReader.tick(zk, stale);
        if (stale) {
            refresh();
        }
    }

    /** Makes every opened cell current (sync, then one read), then un-freezes the read point. */
    private void refresh() {
        long generation = readPoint.refreshStarting();
        if (resyncWanted.get()) {
            // a resync asked for since this tick began (it sets the flag before marking stale):
            // this refresh would end the freeze before its watches are re-added; the next tick does both
            return;
        }
        List<String> names = cache.openedNames();
        CellReader.Result result = readInto(names, true);
        if (result == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            if (result.values().get(i) == null) {
                cache.markDeleted(names.get(i), 0); // deleted while we were not watching
            }
        }
        // A refresh split into several reads: a change after the first read's state may be missing
        // from it, its event still queued behind this refresh; the queue (or a barrier) vouches for
        // anything above the first read.
        readPoint.refreshed(generation, result.consistentStamp());
        LOG.debug("{}: refreshed {} opened cells; read point {}", paths.cellsRoot(), names.size(), readPoint.get());
    }

    /**
     * Stops the worker (waiting briefly for it to finish) and, if asked, removes its watches from
     * the live sessions without waiting for the replies: a caller-owned client then stops
     * receiving this coordinator's events.
     */
    void close(boolean removeWatches) {
        synchronized (USERS) {
            closed = true; // no watch is added after this
        }
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (USERS) {
            for (ZooKeeper zk : new ArrayList<>(mine.keySet())) {
                if (removeWatches && zk.getState().isAlive()) {
                    for (String path : new ArrayList<>(mine.get(zk))) {
                        unwatch(zk, path);
                    }
                }
            }
            mine.clear();
        }
        ZooKeeper zk = watchedHandle;
        if (removeWatches && zk != null && zk.getState().isAlive()) {
            claimsReader.removeWatches(zk);
        }
    }
}
