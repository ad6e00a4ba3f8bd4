package dev.synod.stm.internal;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.Identity;
import dev.synod.stm.LocalRef;
import dev.synod.stm.Ref;
import dev.synod.stm.RetryLimitExceededException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.Stm;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.StmMetrics;
import dev.synod.stm.TransactionBodyException;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnFunction;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.TxnRunnable;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.Versioned;
import dev.synod.stm.spi.VersionedStateContainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction engine over any {@link Coordinator}. The commit loop: take a snapshot, run the
 * body, commit; on a conflict back off and run it again.
 */
public final class Engine implements Stm {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final ThreadLocal<TxnImpl> CURRENT = new ThreadLocal<>();

    private final Coordinator coordinator;
    private final TxnOptions defaults;
    private final Metrics metrics = new Metrics();
    private final Map<String, IdentityBase<?>> identities = new ConcurrentHashMap<>();
    /** Serialises the registration of identities kept in containers (see {@link #register}). */
    private final Object containerRegistration = new Object();

    private final VersionSweeper versions = new VersionSweeper(this);
    private final Turns turns;
    private final AtomicLong localSeq = new AtomicLong();
    private final AutoCloseable subscription;
    private volatile boolean closed;

    public Engine(Coordinator coordinator, TxnOptions defaults) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.defaults = Objects.requireNonNull(defaults, "defaultOptions");
        this.turns = new Turns(coordinator, metrics);
        this.subscription = coordinator.subscribe(new WatchDispatcher(identities));
    }

    // ---- creating refs and atoms ----

    @Override
    public <T> Ref<T> ref(String name, Codec<T> codec, T initial) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        return openRef(RefNames.validate(name), codec, initial);
    }

    @Override
    public <T> Ref<T> ref(String name, Codec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return openRef(RefNames.validate(name), codec, null);
    }

    private <T> Ref<T> openRef(String name, Codec<T> codec, T initial) {
        ensureOpen();
        return open(new DistRef<>(this, name, codec, null), codec, ref -> {
            byte[] bytes = null;
            if (initial != null) {
                byte[] value = ref.encodeValue(initial);
                bytes = initialRecord(name, 0, value);
            }
            ref.decode(coordinator.open(name, bytes)); // checks it is a readable ref
        });
    }

    @Override
    public <T> Ref<T> ref(String name, VersionedStateContainer<T> container, T initial) {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        String n = RefNames.validate(name);
        ensureOpen();
        return open(
                new DistRef<>(this, n, null, container),
                container,
                ref -> ref.decode(openExternal(n, container, Record.EXTERNAL, initial)));
    }

    @Override
    public <T> Atom<T> atom(String name, Codec<T> codec, T initial) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        return openAtom(RefNames.validate(name), codec, initial);
    }

    @Override
    public <T> Atom<T> atom(String name, Codec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return openAtom(RefNames.validate(name), codec, null);
    }

    private <T> Atom<T> openAtom(String name, Codec<T> codec, T initial) {
        ensureOpen();
        return open(new AtomImpl<>(this, name, codec, null), codec, atom -> {
            byte[] bytes = null;
            if (initial != null) {
                bytes = initialRecord(name, Record.ATOM, atom.encodeValue(initial, "the initial value"));
            }
            atom.decode(coordinator.open(name, bytes));
        });
    }

    @Override
    public <T> Atom<T> atom(String name, VersionedStateContainer<T> container, T initial) {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        String n = RefNames.validate(name);
        ensureOpen();
        return open(
                new AtomImpl<>(this, n, null, container),
                container,
                atom -> atom.decode(openExternal(n, container, Record.ATOM | Record.EXTERNAL, initial)));
    }

    /**
     * Opens a cell whose value lives in {@code container}: stages {@code initial} under a fresh
     * version key, creates the cell pointing at it if absent, and deletes the staged version again
     * if the cell existed already (nothing is clobbered).
     */
    private <T> Versioned openExternal(String name, VersionedStateContainer<T> container, int flags, T initial) {
        try {
            container.init();
        } catch (StateStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException(
                    "initialising '" + name + "' in " + container.describe() + " failed: " + e, e);
        }
        TxnId id = TxnId.random();
        String key = External.stage(container, name, initial, VersionKeys.fresh(id, "init"));
        Versioned cell =
                coordinator.open(name, new Record(flags, id, key.getBytes(StandardCharsets.UTF_8), List.of()).encode());
        if (!Record.decode(where(name), cell.data()).writer().equals(id)) {
            External.deleteQuietly(container, name, key); // it existed already: ours is not needed
        }
        return cell;
    }

    @Override
    public <T> Atom<T> atom(String name, StateContainer<T> container, T initial) {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        String n = RefNames.validate(name);
        ensureOpen();
        return open(
                new ContainerAtom<>(this, n, container),
                container,
                atom -> openContainerAtom(atom, n, container, initial));
    }

    private <T> void openContainerAtom(ContainerAtom<T> atom, String n, StateContainer<T> container, T initial) {
        try {
            container.init();
        } catch (RuntimeException e) {
            throw new StateStoreException("initialising atom '" + n + "' in " + container + " failed: " + e, e);
        }
        TxnId id = TxnId.random();
        Versioned cell = coordinator.open(
                n, ContainerAtom.record(id, true, defaultOptions().timeout()));
        if (Record.decode(where(n), cell.data()).writer().equals(id)) {
            // we created it, claimed: store the first value, then settle
            try {
                cell = atom.store(initial, cell, id, defaultOptions().timeout()); // fenced by our claim
            } catch (dev.synod.stm.LockLostException e) {
                // our claim was taken over and another client stored a value first: the atom
                // exists with that value, which an initial value must not replace
                LOG.debug("atom '{}' was created and first written by another client", n, e);
                return;
            } catch (RuntimeException e) {
                coordinator.delete(n);
                // a value the store cannot encode is the caller's IllegalArgumentException
                throw External.failure("storing the initial value of atom '" + n + "' in " + container, e, true);
            }
            coordinator.commit(new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(n, cell.version(), ContainerAtom.record(id, false, Duration.ZERO))),
                    List.of()));
        } else {
            atom.checkKind(cell); // it existed: it must be an atom kept in a StateContainer
        }
    }

    private byte[] initialRecord(String name, int flags, byte[] value) {
        int size = Record.size(value, List.of());
        if (size > coordinator.maxCellSize()) {
            throw new dev.synod.stm.ValueTooLargeException(name, size, coordinator.maxCellSize());
        }
        return new Record(flags, TxnId.random(), value, List.of()).encode();
    }

    /**
     * Registers {@code fresh} (or finds the handle already registered for its name, if compatible)
     * and runs {@code opener} on it, one open at a time per handle. A handle whose first open fails
     * is released again, so that a later open (with another codec, or as the other kind) is judged
     * on what is stored, not on the failed attempt; a handle that opened once stays (its users hold
     * it, and its watches are found through the registry).
     */
    private <I extends IdentityBase<?>> I open(I fresh, Object codec, Consumer<I> opener) {
        while (true) {
            I handle = register(fresh, codec);
            synchronized (handle.openLock) {
                if (identities.get(handle.name) != handle) {
                    continue; // released by a failed first open meanwhile: register again
                }
                try {
                    opener.accept(handle);
                } catch (RuntimeException | Error e) {
                    if (!handle.opened) {
                        identities.remove(handle.name, handle);
                    }
                    throw e;
                }
                handle.opened = true;
                return handle;
            }
        }
    }

    /**
     * One identity object per name and kind; opening again with an equal codec (or the same
     * container object) returns it.
     */
    @SuppressWarnings("unchecked")
    private <I extends IdentityBase<?>> I register(I fresh, Object codec) {
        IdentityBase<?> existing;
        if (codec instanceof VersionedStateContainer<?> || codec instanceof StateContainer<?>) {
            // Check and registration are one step for containers, so that two names opened at once
            // with one container cannot both pass the check.
            synchronized (containerRegistration) {
                existing = identities.get(fresh.name);
                if (existing == null) {
                    refuseSharedContainer(fresh.name, codec);
                    existing = identities.putIfAbsent(fresh.name, fresh);
                }
            }
        } else {
            existing = identities.putIfAbsent(fresh.name, fresh);
        }
        if (existing == null) {
            return fresh;
        }
        Object existingCodec = codecOrContainer(existing);
        if (existing.getClass() != fresh.getClass()) {
            throw new IllegalArgumentException("'" + fresh.name + "' is already open as "
                    + (existing instanceof AtomImpl || existing instanceof ContainerAtom ? "an atom" : "a ref")
                    + " in this Stm");
        }
        // A container is equal to another over the same storage whatever its codec, so only the
        // same container object proves the same value type; a codec is compared by equality.
        boolean container = codec instanceof VersionedStateContainer<?> || codec instanceof StateContainer<?>;
        if (container ? existingCodec != codec : !Objects.equals(existingCodec, codec)) {
            throw new IllegalArgumentException("'" + fresh.name + "' is already open with " + existingCodec
                    + "; open it with an equal codec or the same container object, or reuse the first handle");
        }
        return (I) existing;
    }

    @Override
    public <T> LocalRef<T> localRef(T initial) {
        Objects.requireNonNull(initial, "initial value must not be null (use Optional or an empty collection)");
        ensureOpen();
        return new LocalRefImpl<>(this, initial);
    }

    /**
     * Throws unless {@code identity} may be destroyed now: this Stm open, and outside a transaction.
     */
    void checkDestroyable(IdentityBase<?> identity) {
        ensureOpen();
        if (CURRENT.get() != null) {
            throw new IllegalStateException("cannot destroy '" + identity.name + "' inside a transaction");
        }
    }

    void destroy(IdentityBase<?> identity) {
        checkDestroyable(identity);
        coordinator.delete(identity.name);
        identities.remove(identity.name, identity);
    }

    /** See {@link VersionSweeper#destroy}. */
    void destroyVersioned(IdentityBase<?> identity, VersionedStateContainer<?> container) {
        versions.destroy(identity, container);
    }

    @Override
    public int sweepOrphans(Identity<?> identity, Duration olderThan) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(olderThan, "olderThan");
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must be >= 0 but was " + olderThan);
        }
        ensureOpen();
        VersionedStateContainer<?> container = identity instanceof DistRef<?> d && d.engine == this
                ? d.container
                : identity instanceof AtomImpl<?> a && a.engine == this ? a.container() : null;
        if (container == null) {
            throw new IllegalArgumentException("'" + identity.name() + "' is not a ref or atom of this Stm kept in an"
                    + " external container: only those have versions to sweep");
        }
        return versions.sweep(identity.name(), container, olderThan);
    }

    // ---- transactions ----

    @Override
    public <R> R atomically(TxnFunction<R> body) {
        return atomically(defaults, body);
    }

    @Override
    public void run(TxnRunnable body) {
        run(defaults, body);
    }

    @Override
    public void run(TxnOptions options, TxnRunnable body) {
        Objects.requireNonNull(body, "body");
        atomically(options, txn -> {
            body.run(txn);
            return null;
        });
    }

    @Override
    public <R> R atomically(TxnOptions options, TxnFunction<R> body) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(body, "body");
        ensureOpen();
        TxnImpl outer = CURRENT.get();
        if (outer != null) {
            if (outer.engine != this) {
                throw new IllegalStateException("already inside a transaction of another Stm ("
                        + outer.engine.describe() + "); a transaction cannot span two Stm instances");
            }
            return callBody(body, outer); // a nested call joins the outer transaction
        }
        long deadline = System.nanoTime() + options.timeout().toNanos();
        Coordinator.Claim claim = null;
        try {
            long longestAttempt = 0;
            for (int attempt = 0; ; attempt++) {
                ensureOpen();
                if (attempt > 0) {
                    metrics.retries.increment(); // the body runs again
                }
                long started = System.nanoTime();
                TxnImpl txn = new TxnImpl(this, options, attempt, deadline);
                txn.claim = claim;
                CURRENT.set(txn);
                R result = null;
                Runnable localWatches = null;
                try {
                    result = callBody(body, txn);
                    localWatches = new Committer(txn).commit();
                    metrics.commits.increment();
                } catch (RetrySignal retry) {
                    // retried below, unless a limit, the timeout or an interrupt ends it first
                } catch (RuntimeException | Error e) {
                    if (!stateWasStale(txn, e)) {
                        metrics.aborts.increment();
                        throw e;
                    }
                    // it may have thrown on a state that never was: retried below
                } finally {
                    CURRENT.remove();
                }
                if (localWatches != null) {
                    // before the watches, which may start transactions on the same refs: a
                    // local-only commit did not release it
                    Turns.release(claim);
                    claim = null;
                    // outside the transaction: a watch that runs one starts a transaction of its own
                    localWatches.run();
                    return result;
                }
                longestAttempt = Math.max(longestAttempt, System.nanoTime() - started - txn.turnWaitNanos);
                pauseBeforeRetry(txn, attempt + 1, deadline, claim != null && claim.held());
                claim = turns.claimIfLosing(attempt, claim, options, deadline, longestAttempt, txn::contendedNames);
            }
        } finally {
            Turns.release(claim);
        }
    }

    /**
     * Whether {@code failure}, thrown by the body or a validator, may come from a state that never
     * was: the attempt read a ref from its last known state (see {@link TxnImpl#changedOptimistic})
     * and that ref had moved on. Such an attempt is retried instead, as a commit would have been.
     * The engine's own failures (coordination, timeouts, interrupts, a closed Stm) are not checked,
     * nor failures after the commit was sent (it checked what was read). If the check itself fails,
     * its exception is thrown, with {@code failure} suppressed in it.
     */
    private boolean stateWasStale(TxnImpl txn, Throwable failure) {
        if (!txn.readOptimistically()
                || txn.commitSent
                || failure instanceof VirtualMachineError
                || failure instanceof dev.synod.stm.CoordinationException
                || failure instanceof StmClosedException
                || failure instanceof StmInterruptedException
                || failure instanceof TransactionTimeoutException
                || failure instanceof dev.synod.stm.LockLostException) {
            return false;
        }
        long moved;
        try {
            moved = txn.changedOptimistic();
        } catch (RuntimeException check) {
            // cannot tell whether the failure rests on a state that never was: say so, not it
            check.addSuppressed(failure);
            metrics.aborts.increment();
            throw check;
        }
        if (moved < 0) {
            return false;
        }
        txn.retry(moved, "a ref read from its last known state had changed (the attempt threw " + failure + ")");
        return true;
    }

    private static <R> R callBody(TxnFunction<R> body, TxnImpl txn) {
        try {
            return body.apply(txn);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("the transaction body was interrupted; nothing was applied", e);
        } catch (Exception e) {
            throw new TransactionBodyException("the transaction body threw " + e + "; nothing was applied", e);
        }
    }

    private void pauseBeforeRetry(TxnImpl failed, int retry, long deadline, boolean hasTurn) {
        TxnOptions options = failed.options;
        if (retry > options.maxRetries()) {
            metrics.aborts.increment();
            throw new RetryLimitExceededException("transaction did not commit after " + retry + " attempts (maxRetries="
                    + options.maxRetries() + "); last cause: " + failed.retryReason());
        }
        // with the turn, others hold back: only the wait for the cache, no pause
        long delay = hasTurn ? 0 : Backoffs.nanos(options.backoff().delay(retry));
        try {
            if (failed.retryAfterStamp() > 0) {
                long start = System.nanoTime();
                coordinator.awaitReadPoint(
                        failed.retryAfterStamp(), Math.max(0, deadline - start), TimeUnit.NANOSECONDS);
                delay -= System.nanoTime() - start;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || delay >= remaining) {
                metrics.aborts.increment();
                throw new TransactionTimeoutException("transaction did not commit within " + options.timeout() + " ("
                        + retry + " attempts); last cause: " + failed.retryReason());
            }
            if (delay > 0) {
                TimeUnit.NANOSECONDS.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.aborts.increment();
            throw new StmInterruptedException(
                    "interrupted while waiting to retry a transaction; nothing was applied", e);
        }
    }

    /** The running transaction of this thread if it belongs to this engine; null outside one. */
    TxnImpl currentTxn(IdentityBase<?> ref) {
        ensureOpen();
        TxnImpl txn = CURRENT.get();
        if (txn != null && txn.engine != this) {
            throw new IllegalStateException("'" + ref.name
                    + "' belongs to a different Stm than the running transaction (" + txn.engine.describe() + ")");
        }
        return txn;
    }

    TxnImpl currentTxnOrNull() {
        TxnImpl txn = CURRENT.get();
        return txn != null && txn.engine == this ? txn : null;
    }

    TxnImpl requireTxn(IdentityBase<?> ref, String op) {
        TxnImpl txn = currentTxn(ref);
        if (txn == null) {
            throw new IllegalStateException("Ref." + op + " on '" + ref.name + "' must be called inside a transaction:"
                    + " wrap it in stm.run(txn -> ...) or stm.atomically(txn -> ...)");
        }
        return txn;
    }

    @Override
    public boolean inTransaction() {
        TxnImpl txn = CURRENT.get();
        return txn != null && txn.engine == this;
    }

    // ---- plumbing ----

    /**
     * The coordinator's cached state of cell {@code name} if it has moved past {@code version}
     * (after a conflict a coordinator may have read the cell back, as the ZooKeeper one does), else
     * {@code null}: the caller then reads the cell, which also reports why it is not cached (say,
     * it was deleted).
     */
    Versioned cachedNewerThan(String name, long version) {
        try {
            Versioned now = coordinator.lastKnown(name);
            return now.version() > version ? now : null;
        } catch (RuntimeException notCached) {
            return null;
        }
    }

    Coordinator coordinator() {
        return coordinator;
    }

    Turns turns() {
        return turns;
    }

    private final AtomicLong staleCacheReports = new AtomicLong();

    /** A transaction caught the coordinator's local state trailing a commit (logged, rate-limited). */
    void reportStaleCache(String name, long stamp) {
        long n = staleCacheReports.incrementAndGet();
        metrics.staleCacheRetries.increment();
        if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th... report
            LOG.warn(
                    "{}: the local state of '{}' trailed commit {} seen on a co-written ref; read afresh and"
                            + " retried ({} time(s) so far)",
                    coordinator.describe(),
                    name,
                    Long.toHexString(stamp),
                    n);
        }
    }

    Metrics counters() {
        return metrics;
    }

    long localSeq() {
        return localSeq.get();
    }

    long nextLocalSeq() {
        return localSeq.incrementAndGet();
    }

    String where(String name) {
        return coordinator.locate(name);
    }

    void ensureOpen() {
        if (closed) {
            throw new StmClosedException("this Stm (" + coordinator.describe() + ") is closed");
        }
        coordinator.checkOpen(); // e.g. a caller-owned client closed under it
    }

    @Override
    public TxnOptions defaultOptions() {
        return defaults;
    }

    @Override
    public StmMetrics metrics() {
        return metrics.snapshot();
    }

    @Override
    public String describe() {
        return coordinator.describe();
    }

    private static Object codecOrContainer(IdentityBase<?> identity) {
        return identity instanceof DistRef<?> d
                ? (d.codec != null ? d.codec : d.container)
                : identity instanceof AtomImpl<?> a
                        ? a.codecForComparison()
                        : identity instanceof ContainerAtom<?> c ? c.container() : null;
    }

    /**
     * A container holds one ref's or atom's versions: another identity's versions in it would
     * count as orphans, and sweeping or destroying would delete them.
     */
    private void refuseSharedContainer(String name, Object container) {
        for (IdentityBase<?> other : identities.values()) {
            if (!other.name.equals(name) && container.equals(codecOrContainer(other))) {
                throw new IllegalArgumentException("'" + name + "' cannot use " + describe(container)
                        + ": it already holds the values of '" + other.name + "', and a container holds the values"
                        + " of one ref or atom (give each its own table or key prefix)");
            }
        }
    }

    private static String describe(Object container) {
        return container instanceof VersionedStateContainer<?> v ? v.describe() : String.valueOf(container);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("closing the change subscription failed", e);
        }
        coordinator.close();
    }

    @Override
    public String toString() {
        return "Stm[" + coordinator.describe() + "]";
    }
}
