package dev.synod.zookeeper.internal;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.spi.ChangeListener;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.Versioned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Coordinator} on ZooKeeper: a cell is one znode {@code <namespace>/cells/<name>} (with
 * '/' in the name replaced by ':'), its version the znode's data version and its stamp the znode's
 * {@code mzxid}. A commit is one request ({@link Committer}); the opened cells are cached and kept
 * current by one persistent watch per opened cell ({@link WatchWorker}), except quiet cells (atoms
 * this client only updates: {@link #updatesOnly}), watched again by {@link #current}; the read point
 * is the zxid up to which the cache of the watched cells is known to be complete ({@link ReadPoint}).
 *
 * <p>Thread-safe. Uses the raw ZooKeeper handle of the Curator client for commits (never retried:
 * see {@link Committer}) and for reads (under Curator's retry policy: reads are idempotent).
 */
public final class ZkCoordinator implements Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ZkCoordinator.class);
    /** ZooKeeper's default {@code jute.maxbuffer}: 1 MiB minus one byte. */
    public static final int DEFAULT_JUTE_MAXBUFFER = 0xfffff;

    /**
     * Bytes kept free below {@code jute.maxbuffer} for one cell: the request envelope of a {@code
     * setData} in a {@code multi} (length, xid, type, op header, version: under 64 bytes), the path
     * (namespace at most 500 characters plus 7 plus a name of at most 400: under 1 KB even in
     * UTF-8 for ASCII names), and the reply envelope of a {@code getData} (header and stat: under
     * 128 bytes). 4 KiB leaves room to spare.
     */
    public static final int CELL_SIZE_MARGIN = 4096;

    /** How long to wait for a notification already on its way before asking for a barrier. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final long BARRIER_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ZkConnection connection;
    private final CellPaths paths;
    private final CellCache cache;
    private final ReadPoint readPoint = new ReadPoint();
    private final PendingCommits pending = new PendingCommits();
    private final Claims claims = new Claims();
    private final CellReader reader;
    private final Committer committer;
    private final WatchWorker worker;
    private final ClaimTaker claimTaker;
    private final ConnectionStateListener stateListener;
    private final int maxCellSize;
    private final AtomicLong syncedUnknownOutcomes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long maxStalenessNanos = -1; // -1: the connection timeout

    /**
     * Starts a coordinator: creates {@code <namespace>/cells} if absent and starts the cache.
     *
     * @param client a started Curator client; its own namespace, if any, is ignored (all paths
     *     are absolute)
     * @param ownsClient whether {@link #close()} closes the client
     * @param namespace absolute znode path under which the cells live, e.g. {@code /synod}
     * @throws CoordinationException if ZooKeeper cannot be reached within the connection timeout
     */
    public ZkCoordinator(CuratorFramework client, boolean ownsClient, String namespace) {
        this.paths = new CellPaths(namespace);
        this.connection = new ZkConnection(client, ownsClient);
        int jute = Integer.getInteger("jute.maxbuffer", DEFAULT_JUTE_MAXBUFFER);
        this.maxCellSize = jute - CELL_SIZE_MARGIN;
        int id = INSTANCES.incrementAndGet();
        this.cache = new CellCache("synod-zk-notify-" + id);
        this.reader = new CellReader(paths, jute - CELL_SIZE_MARGIN, cache::sizeOf);
        this.worker =
                new WatchWorker(connection, paths, cache, readPoint, pending, reader, claims, "synod-zk-cache-" + id);
        this.claimTaker = new ClaimTaker(connection, paths, claims, worker, this::noSuchRef);
        this.committer =
                new Committer(connection, paths, cache, readPoint, pending, worker, claims, maxCellSize, jute - 512);
        this.stateListener = (c, state) -> {
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                readPoint.markStale();
            } else if (state.isConnected()) {
                worker.check();
            }
        };
        try {
            connection.curatorCall("creating " + paths.cellsRoot(), () -> {
                try {
                    connection.curator().create().creatingParentsIfNeeded().forPath(paths.cellsRoot());
                } catch (KeeperException.NodeExistsException e) {
                    // already there
                }
                return null;
            });
            worker.start();
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        connection.original().getConnectionStateListenable().addListener(stateListener);
    }

    /**
     * How long after the connection was lost reads served from the cache alone (a read outside a
     * transaction, a read-only transaction) may still be answered; {@code null} for the default,
     * the connection timeout; one too long for nanoseconds means no limit. See {@link
     * #checkStaleness()}.
     */
    public void maxStaleness(Duration limit) {
        maxStalenessNanos = limit == null
                ? -1
                : limit.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : limit.toNanos();
    }

    /** The limit of {@link #maxStaleness}, in nanoseconds. */
    long maxStalenessNanos() {
        long limit = maxStalenessNanos;
        return limit >= 0 ? limit : TimeUnit.MILLISECONDS.toNanos(connection.connectionTimeoutMs());
    }

    /**
     * Refuses to serve the cache once it has not been known current for longer than the limit of
     * {@link #maxStaleness} (the connection was lost, or the session expired, and the cache was
     * not refreshed since). If the connection is back, waits for the refresh first, up to the
     * connection timeout.
     *
     * @throws CoordinationException if the cache has been stale for longer than the limit
     * @throws StmInterruptedException if interrupted while waiting for the refresh
     */
    @Override
    public void checkStaleness() {
        ensureOpen(); // closed comes before stale: a closed client's cache is stale too
        long staleFor = readPoint.staleForNanos();
        long limit = maxStalenessNanos();
        if (staleFor <= limit) {
            return;
        }
        if (connection.isConnected()) {
            if (awaitRefresh(TimeUnit.MILLISECONDS.toNanos(connection.connectionTimeoutMs()))) {
                return;
            }
            ensureOpen();
            staleFor = readPoint.staleForNanos();
            if (staleFor <= limit) {
                return;
            }
        }
        throw new CoordinationException("the cached state of " + describe() + " has not been confirmed current for "
                + TimeUnit.NANOSECONDS.toMillis(staleFor) + " ms (" + "client state: " + connection.stateDescription()
                + "); reads served from the cache stop " + TimeUnit.NANOSECONDS.toMillis(limit)
                + " ms after the connection is lost (ZooKeeperStm.Builder.maxStaleness) and resume once it is back");
    }

    /** The Curator client in use (as given or built). */
    public CuratorFramework curator() {
        return connection.original();
    }

    /** The absolute znode path of the namespace, e.g. {@code /synod}. */
    public String namespacePath() {
        return paths.namespace();
    }

    @Override
    public String describe() {
        return "zookeeper[" + connection.connectString() + "]" + paths.namespace();
    }

    /**
     * Where a cell lives, for messages: {@code zookeeper[<connect string>]<znode path>}, e.g. {@code
     * zookeeper[127.0.0.1:2181]/synod/cells/orders:eu}. The engine's errors use it to
     * name the znode.
     */
    @Override
    public String locate(String name) {
        return "zookeeper[" + connection.connectString() + "]" + paths.pathOf(name);
    }

    @Override
    public int maxCellSize() {
        return maxCellSize;
    }

    @Override
    public Versioned open(String name, byte[] initialIfAbsent) {
        ensureOpen();
        CellCache.State known = cache.state(name);
        if (known != null && known.opened() && known.value() != null && !known.deleted()) {
            return current(name); // already open: the watch keeps it current (a quiet one is watched again)
        }
        if (Thread.currentThread().isInterrupted()) {
            // it would be noticed only at the end, after the cell may have been created
            throw new StmInterruptedException(
                    "interrupted before opening '" + name + "' in " + describe() + "; nothing was sent");
        }
        String path = paths.pathOf(name);
        cache.reserve(name);
        boolean opened = false;
        // while we create the cell, the worker waits for our read instead of reading it too
        PendingCommits.Pending creating = null;
        AtomicReference<ZooKeeper> watchedOn = new AtomicReference<>();
        try {
            // read first: attaching to an existing cell costs one read, and no failed create
            // (a failed write still goes through the leader and the transaction log)
            for (int attempt = 0; ; attempt++) {
                Versioned v = readWithBarrier(List.of(name), false, watchedOn, "opening '" + name + "'")
                        .values()
                        .get(0);
                if (v == null) {
                    if (initialIfAbsent == null || attempt >= 3) {
                        throw noSuchRef(name);
                    }
                    if (creating == null) {
                        creating = pending.beginCreation(List.of(name));
                    }
                    createIfAbsent(name, path, initialIfAbsent);
                    continue; // read what is there now: ours, or a concurrent creator's
                }
                cache.advance(v);
                cache.opened(name); // the watch was confirmed before the read's reply
                opened = true;
                if (creating != null) {
                    pending.end(creating); // before waiting for the worker, which may wait for it
                    creating = null;
                }
                // the read was a barrier: the read point reaches v's stamp as soon as the worker
                // has handled the events before it (normally at once)
                readPoint.await(v.stamp(), TimeUnit.MILLISECONDS.toNanos(connection.connectionTimeoutMs()));
                ensureOpen(); // closed meanwhile: the handle would not be served
                CellCache.State s = cache.state(name);
                return s != null && s.value() != null && !s.deleted() ? s.value() : v;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while opening '" + name + "' in " + describe());
        } catch (RuntimeException e) {
            throw closedMeanwhile(e, "opening '" + name + "'");
        } finally {
            if (creating != null) {
                pending.end(creating);
            }
            if (!opened && cache.release(name)) {
                worker.unwatchIfUntracked(name); // a watch this open may have added
            }
        }
    }

    private void createIfAbsent(String name, String path, byte[] initial) {
        connection.curatorCall("creating '" + name + "' (" + path + ")", () -> {
            try {
                connection.curator().create().creatingParentsIfNeeded().forPath(path, initial);
            } catch (KeeperException.NodeExistsException e) {
                // attach to the existing cell: never clobber
            }
            return null;
        });
    }

    /**
     * Reads cells (under the retry policy) with a read that is also a barrier for the read point.
     *
     * @param watchedOn if not null, the cells' watches are added in front of the read, on the same
     *     handle, unless they already were on that handle (held here; an attempt may run on a new
     *     session)
     */
    private CellReader.Result readWithBarrier(
            List<String> names, boolean syncFirst, AtomicReference<ZooKeeper> watchedOn, String action) {
        return readWithBarrier(names, syncFirst, watchedOn, action, false, ZkConnection.NO_DEADLINE);
    }

    /**
     * As above; if {@code holdBack}, each attempt reads with {@link WatchWorker#readCovering}: the
     * events of these cells are held back while it is in flight, and its reply puts the states
     * read in the cache (the cache worker need not read those cells as well).
     */
    private CellReader.Result readWithBarrier(
            List<String> names,
            boolean syncFirst,
            AtomicReference<ZooKeeper> watchedOn,
            String action,
            boolean holdBack,
            long deadlineNanos) {
        AtomicInteger attempts = new AtomicInteger();
        CellReader.Result result = connection.withRetry(action, deadlineNanos, () -> {
            ZooKeeper zk = connection.curator().getZookeeperClient().getZooKeeper();
            List<CompletableFuture<Void>> watched = new ArrayList<>();
            if (watchedOn != null && watchedOn.get() != zk) {
                for (String name : names) {
                    watched.add(worker.watch(zk, name));
                }
            }
            long candidate = readPoint.maxKnown();
            // after a lost connection a commit of ours may still be in flight: sync first
            boolean sync = syncFirst || attempts.getAndIncrement() > 0;
            CellReader.Result read = ZkConnection.awaitReply(
                    holdBack
                            ? worker.readCovering(zk, names, sync, candidate)
                            : reader.read(zk, names, sync, r -> barrier(Math.max(candidate, r.maxStamp()))),
                    2 * connection.requestTimeoutMs());
            for (CompletableFuture<Void> w : watched) {
                // answered before the read: a failure (say, the connection was lost in between)
                // fails this attempt, as the retry policy expects
                ZkConnection.awaitReply(w, 2 * connection.requestTimeoutMs());
            }
            if (!watched.isEmpty()) {
                watchedOn.set(zk);
            }
            return read;
        });
        readPoint.learnt(result.maxStamp());
        return result;
    }

    /** Items handed to the cache worker so far: for tests. */
    long cacheWorkerHandOffs() {
        return worker.handedOff();
    }

    /** Whether the cache worker has nothing left to do: for tests. */
    boolean cacheWorkerIdle() {
        return worker.idle();
    }

    /** Called with the reply to a read (see {@link WatchWorker#barrier}). */
    private void barrier(long value) {
        worker.barrier(value);
    }

    @Override
    public void delete(String name) {
        ensureOpen();
        String path = paths.pathOf(name);
        connection.curatorCall("deleting '" + name + "' (" + path + ")", () -> {
            try {
                // with the claims on it, if any (the only children a cell has)
                connection.curator().delete().deletingChildrenIfNeeded().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // already gone
            }
            return null;
        });
        claims.forget(name);
        cache.markDeleted(name, 0);
        reader.forget(name);
    }

    @Override
    public long readPoint() {
        ensureOpen();
        return readPoint.get();
    }

    /**
     * As the SPI says; for a cell this client stopped watching ({@link #updatesOnly}), first
     * watches it again and reads it (one round trip, under the retry policy), so that the state
     * returned honours the read point again and later changes are announced.
     *
     * @throws CoordinationException if a quiet cell cannot be watched and read again
     */
    @Override
    public Versioned current(String name) {
        return current(name, ZkConnection.NO_DEADLINE);
    }

    /**
     * As {@link #current(String)}; watching a quiet cell again ends at the deadline with {@link
     * dev.synod.stm.TransactionTimeoutException}.
     */
    @Override
    public Versioned current(String name, long deadlineNanos) {
        ensureOpen();
        CellCache.State s = cache.state(name);
        if (s != null && s.quiet()) {
            watchAgain(name, deadlineNanos);
            s = cache.state(name);
        }
        return cached(name, s);
    }

    /** The cached state, even of a quiet cell (which may trail the service): a memory read. */
    @Override
    public Versioned lastKnown(String name) {
        ensureOpen();
        return cached(name, cache.state(name));
    }

    private Versioned cached(String name, CellCache.State s) {
        if (s == null || (s.value() == null && !s.deleted())) {
            throw new IllegalStateException("cell '" + name + "' was not opened in " + describe());
        }
        if (s.deleted()) {
            throw noSuchRef(name);
        }
        return s.value();
    }

    /**
     * Stops watching an opened cell that this client only updates (see the SPI): removes its
     * persistent watch (one request) and keeps a one-time watch on its claims, armed by a read of
     * them (one request), both sent without waiting. Commits of others are then no longer
     * announced here; this client's own commits and reads still bring its state. Does nothing,
     * and returns false, if the cell is not open or already quiet, if the client is not connected
     * (nothing is sent then), or if another thread is watching the cell again at this moment (it
     * is wanted current). Never waits.
     */
    @Override
    public boolean updatesOnly(String name) {
        if (closed.get()) {
            return false;
        }
        ZooKeeper zk = connection.handleIfConnected();
        if (zk == null) {
            return false;
        }
        Lock lock = quietLock(name);
        if (!lock.tryLock()) {
            return false;
        }
        try {
            if (!cache.quiet(name)) {
                return false;
            }
            worker.quiet(zk, name);
            LOG.debug("{}: stopped watching '{}' (updated here, not read)", describe(), name);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Per cell, the lock that orders stopping and resuming its watch. */
    private final ConcurrentHashMap<String, Lock> quietLocks = new ConcurrentHashMap<>();

    private Lock quietLock(String name) {
        return quietLocks.computeIfAbsent(name, n -> new ReentrantLock());
    }

    /**
     * Watches a quiet cell again: its persistent watch pipelined in front of a read of it, whose
     * reply puts the state in the cache (or marks the cell deleted). Concurrent callers wait for
     * the first. If a new session's watches were re-added meanwhile, which passes over quiet
     * cells, it is done again on the new handle.
     */
    private void watchAgain(String name, long deadlineNanos) {
        Lock lock = quietLock(name);
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting to read '" + name + "' in " + describe());
        }
        try {
            if (!cache.isQuiet(name)) {
                return;
            }
            long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2L * connection.connectionTimeoutMs());
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new StmInterruptedException("interrupted while reading '" + name + "' in " + describe());
                }
                AtomicReference<ZooKeeper> watchedOn = new AtomicReference<>();
                // bounded by the retry policy, as every read is
                readWithBarrier(List.of(name), false, watchedOn, "reading '" + name + "'", true, deadlineNanos);
                cache.watchedAgain(name); // from here on, a new session's watches include this cell
                if (watchedOn.get() == worker.watchedHandle()) {
                    break;
                }
                // a new session's watches were re-added before the line above, without this cell,
                // or are not re-added yet: wait for the cache worker, then watch on its handle
                cache.quiet(name);
                ensureOpen();
                if (ZkConnection.passed(deadlineNanos)) {
                    throw new dev.synod.stm.TransactionTimeoutException(
                            "the transaction's timeout passed while watching '"
                                    + name + "' in " + describe() + " again: the cache has not caught up with the new"
                                    + " ZooKeeper session");
                }
                if (System.nanoTime() - giveUp > 0) {
                    throw new CoordinationException("could not watch '" + name + "' in " + describe()
                            + " again: the cache has not caught up with the new ZooKeeper session");
                }
                worker.check();
                Thread.sleep(10);
            }
            LOG.debug("{}: watching '{}' again", describe(), name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while reading '" + name + "' in " + describe());
        } catch (RuntimeException e) {
            throw closedMeanwhile(e, "reading '" + name + "'");
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code e} as it should reach the caller of {@code action}: if this coordinator was closed
     * meanwhile, its cache refused a watch, say, with an exception of its own; that becomes a
     * {@link StmClosedException} (with {@code e} suppressed).
     */
    private RuntimeException closedMeanwhile(RuntimeException e, String action) {
        if (closed.get() && !(e instanceof StmClosedException)) {
            StmClosedException closedMeanwhile = new StmClosedException(describe() + " was closed while " + action);
            closedMeanwhile.addSuppressed(e);
            return closedMeanwhile;
        }
        return e;
    }

    @Override
    public List<Versioned> fetch(List<String> names) {
        return fetch(names, false, ZkConnection.NO_DEADLINE);
    }

    @Override
    public List<Versioned> fetch(List<String> names, long deadlineNanos) {
        return fetch(names, false, deadlineNanos);
    }

    /** A {@code sync} pipelined in front of the read: the server answering has every committed change. */
    @Override
    public List<Versioned> fetchLatest(List<String> names) {
        return fetch(names, true, ZkConnection.NO_DEADLINE);
    }

    @Override
    public List<Versioned> fetchLatest(List<String> names, long deadlineNanos) {
        return fetch(names, true, deadlineNanos);
    }

    /**
     * A transaction caught the cell {@code name} trailing the read point: a notification was lost
     * (it should never happen). Has the worker add the watch of every opened cell again and
     * refresh them all ({@code name} among them), and waits for that refresh (until the deadline,
     * at most the connection timeout): the retry then reads one current state of every cell,
     * including those that trailed unseen. Without a connection it returns at once: the worker
     * resyncs once it is back, and the retry finds out.
     */
    @Override
    public void localStateTrailed(String name, long stamp, long deadlineNanos) {
        ensureOpen();
        LOG.debug(
                "{}: the cached state of '{}' trailed commit {} that the read point covers (a lost change"
                        + " notification); watching every opened cell again and refreshing them",
                describe(),
                name,
                Long.toHexString(stamp));
        worker.resync();
        if (!connection.isConnected()) {
            return;
        }
        long wait = TimeUnit.MILLISECONDS.toNanos(connection.connectionTimeoutMs());
        if (deadlineNanos != ZkConnection.NO_DEADLINE) {
            wait = Math.min(wait, deadlineNanos - System.nanoTime());
        }
        if (wait > 0 && !awaitRefresh(wait)) {
            LOG.debug("{}: the refresh after a trailing cell did not end in time", describe());
        }
    }

    /**
     * Waits until the read point is no longer stale (a refresh made every opened cell current).
     *
     * @return whether it got there within {@code timeoutNanos}
     * @throws StmInterruptedException if interrupted while waiting (the flag is set again)
     */
    private boolean awaitRefresh(long timeoutNanos) {
        try {
            return readPoint.awaitFresh(timeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException(
                    "interrupted while waiting for the cache of " + describe() + " to be refreshed", e);
        }
    }

    private List<Versioned> fetch(List<String> names, boolean latest, long deadlineNanos) {
        ensureOpen();
        if (names.isEmpty()) {
            return List.of();
        }
        long unknown = committer.unknownOutcomes();
        boolean sync = latest || unknown > syncedUnknownOutcomes.get();
        CellReader.Result result = readWithBarrier(names, sync, null, "reading " + names, true, deadlineNanos);
        if (sync) {
            syncedUnknownOutcomes.accumulateAndGet(unknown, Math::max);
        }
        // the read's reply put the states read in the cache and marked a missing cell deleted
        for (int i = 0; i < names.size(); i++) {
            if (result.values().get(i) == null) {
                throw noSuchRef(names.get(i));
            }
        }
        return result.values();
    }

    @Override
    public boolean awaitReadPoint(long stamp, long timeout, TimeUnit unit) throws InterruptedException {
        ensureOpen();
        if (readPoint.get() >= stamp) {
            return true;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        // the notification of a commit we know of is normally on its way already
        if (readPoint.await(stamp, Math.min(GRACE_NANOS, deadline - System.nanoTime()))) {
            return true;
        }
        for (int round = 0; ; round++) {
            ensureOpen();
            // a stamp learnt from a reply whose barrier is not already on its way to the worker
            // (our own commit's is): one cheap read brings the read point there. If a queued
            // barrier did not (it was ignored while the read point was stale), send one anyway.
            if (stamp <= readPoint.maxKnown() && (stamp > readPoint.maxQueuedBarrier() || round > 0)) {
                sendBarrier();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return readPoint.get() >= stamp;
            }
            if (readPoint.await(stamp, Math.min(remaining, BARRIER_INTERVAL_NANOS))) {
                return true;
            }
        }
    }

    /** One cheap read whose reply proves that the events before it were delivered. */
    private void sendBarrier() {
        ZooKeeper zk = connection.handleIfConnected();
        if (zk == null) {
            return;
        }
        long candidate = readPoint.maxKnown();
        zk.exists(
                paths.cellsRoot(),
                false,
                (rc, path, ctx, stat) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        barrier(candidate);
                    }
                },
                null);
    }

    @Override
    public CommitResult commit(CommitRequest request) {
        ensureOpen();
        return committer.commit(request);
    }

    @Override
    public CommitResult commit(CommitRequest request, long deadlineNanos) {
        ensureOpen();
        return committer.commit(request, deadlineNanos);
    }

    @Override
    public CommitResult commit(CommitRequest request, long deadlineNanos, Claim claim) {
        ensureOpen();
        return committer.commit(request, deadlineNanos, own(claim));
    }

    /** {@code claim} as one of this coordinator's, or null for null. */
    private ZkClaim own(Claim claim) {
        if (claim == null) {
            return null;
        }
        if (!(claim instanceof ZkClaim z) || z.taker != claimTaker) {
            throw new IllegalArgumentException("a claim of another coordinator: " + claim);
        }
        return z;
    }

    /**
     * Creates an ephemeral sequential child of each cell's znode (name order), then waits for its
     * turn on each (see {@link ClaimTaker#take}).
     */
    @Override
    public Claim claim(List<String> names, long attemptNanos, long deadlineNanos) {
        ensureOpen();
        return claimTaker.take(names, attemptNanos, deadlineNanos);
    }

    @Override
    public boolean turnsClaimed() {
        return claims.any();
    }

    @Override
    public void awaitTurn(Collection<String> names, Claim claim, long deadlineNanos) {
        ensureOpen();
        ZkClaim mine = own(claim);
        claims.awaitTurn(
                names, mine != null && mine.standing() ? mine.nodes : Map.of(), deadlineNanos, "a commit of " + names);
    }

    /** The claims known on a cell, in order: for tests. */
    List<String> claimsOn(String name) {
        return claims.on(name);
    }

    @Override
    public AutoCloseable subscribe(ChangeListener listener) {
        ensureOpen();
        return cache.subscribe(listener);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connection.original().getConnectionStateListenable().removeListener(stateListener);
        worker.close(!connection.owned()); // an owned client's watches end with its session
        readPoint.close();
        cache.close();
        connection.close();
    }

    /** Throws {@code StmClosedException} if this coordinator or its Curator client was closed. */
    @Override
    public void checkOpen() {
        ensureOpen();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StmClosedException(describe() + " is closed");
        }
        connection.checkClientOpen(); // a caller-owned client closed under us
    }

    private NoSuchRefException noSuchRef(String name) {
        return new NoSuchRefException(
                "no ref or atom named '" + name + "' in " + describe() + " (znode " + paths.pathOf(name) + ")");
    }
}
