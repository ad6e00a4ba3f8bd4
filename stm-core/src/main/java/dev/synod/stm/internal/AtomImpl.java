package dev.synod.stm.internal;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.RetryLimitExceededException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.Watch;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.Versioned;
import dev.synod.stm.spi.VersionedStateContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An atom kept in the coordinator. Every change is one conditional write on the cell version: the
 * new value is computed from the cached value and written only if the cell is still at that
 * version; on a conflict the function is applied again to the fresh value (the cached one if the
 * coordinator's cache has moved past the version that lost, else one read).
 */
final class AtomImpl<T> extends IdentityBase<T> implements Atom<T> {
    private static final Logger LOG = LoggerFactory.getLogger(AtomImpl.class);
    private final Codec<T> codec;
    private final VersionedStateContainer<T> container;
    private volatile Decoded<T> decoded;

    /** Threads of this client updating this atom take turns. */
    private final AtomGate gate;

    /**
     * Lost races, since the last {@link #get}, after which this client tells the coordinator that
     * it only updates the atom ({@link Coordinator#updatesOnly}), unless it has watches.
     */
    static final int UPDATES_ONLY_AFTER = 16;

    /**
     * Lost races of this client's updates since the last {@link #get} (or since opening). Not
     * reset by wins: under light contention an atom not watched costs about what a watched one
     * does (a lost race and a read per change of the others, against a notification and a read),
     * and resetting it on every first-attempt win measured 1.23x Curator against 1.47x without,
     * back to back in the counter benchmark with 8 clients.
     */
    private final java.util.concurrent.atomic.AtomicInteger lostSinceRead =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Writer ids of the last few versions are kept (without values) to resolve unknown outcomes. */
    static final int ID_HISTORY = 8;

    private static final byte[] NO_VALUE = new byte[0];

    record Decoded<T>(Versioned cell, Record record, T value) {}

    AtomImpl(Engine engine, String name, Codec<T> codec, VersionedStateContainer<T> container) {
        super(engine, name);
        this.codec = codec;
        this.container = container;
        this.gate = new AtomGate(name);
    }

    boolean isExternal() {
        return container != null;
    }

    VersionedStateContainer<T> container() {
        return container;
    }

    Decoded<T> decode(Versioned cell) {
        Decoded<T> d = decoded;
        if (d != null && d.cell.version() == cell.version() && d.cell.stamp() == cell.stamp()) {
            return d;
        }
        Record r = Record.decode(engine.where(name), cell.data());
        if (!r.isAtom()) {
            throw new CorruptRecordException("'" + name + "' in " + engine.describe() + " holds a ref, not an atom");
        }
        if (r.isExternal() != isExternal()) {
            throw new CorruptRecordException("atom '" + name + "' in " + engine.describe() + " was written as "
                    + (r.isExternal() ? "an external" : "an inline") + " atom but is opened as "
                    + (isExternal() ? "an external" : "an inline") + " one");
        }
        T value = isExternal() ? External.read(container, name, r.value()) : decodeInline(r.value());
        Decoded<T> fresh = new Decoded<>(cell, r, value);
        remember(fresh);
        return fresh;
    }

    /** Keeps {@code state} as the last decoded state, unless a newer one is kept already. */
    private void remember(Decoded<T> state) {
        Decoded<T> d = decoded;
        if (d == null || d.cell.stamp() < state.cell.stamp()) {
            decoded = state;
        }
    }

    private T decodeInline(byte[] bytes) {
        try {
            return Objects.requireNonNull(codec.decode(bytes), "codec returned null");
        } catch (RuntimeException e) {
            throw new CorruptRecordException(
                    "cannot decode the value of atom '" + name + "' at " + engine.where(name) + " with " + codec + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The current value ({@code current}: as the read point promises; else the last state known,
     * which may trail for an atom this client only updates), re-reading if an external version was
     * deleted under us.
     */
    private Decoded<T> latest(boolean current) {
        Versioned cell = current
                ? engine.coordinator().current(name)
                : engine.coordinator().lastKnown(name);
        while (true) {
            try {
                return decode(cell);
            } catch (VersionGoneException e) {
                Versioned now = engine.coordinator().fetch(List.of(name)).get(0);
                if (now.version() == cell.version()) {
                    throw e;
                }
                cell = now;
            }
        }
    }

    /** Reads the cell into the cache (after a sync, if {@code latest}); its state then. */
    private Decoded<T> fetch(boolean latest, long deadline) {
        if (latest) {
            engine.coordinator().fetchLatest(List.of(name), deadline);
        } else {
            engine.coordinator().fetch(List.of(name), deadline);
        }
        return latest(false); // just read: current, without watching an atom only updated here again
    }

    /**
     * Encodes {@code value} with the codec.
     *
     * @throws IllegalArgumentException naming the atom and the codec if the codec fails or gives null
     */
    byte[] encodeValue(T value, String what) {
        try {
            return Objects.requireNonNull(codec.encode(value), "the codec returned null");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + what + " of atom '" + name + "' with " + codec + ": " + e.getMessage(), e);
        }
    }

    Record newRecord(TxnId id, T value, Decoded<T> base, String stagedKey) {
        byte[] bytes;
        if (stagedKey != null) {
            bytes = stagedKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } else {
            bytes = encodeValue(value, "the value");
        }
        int size = Record.size(bytes, List.of()) + ID_HISTORY * 28 + (isExternal() ? bytes.length : 0);
        if (size > engine.coordinator().maxCellSize()) {
            throw new ValueTooLargeException(name, size, engine.coordinator().maxCellSize());
        }
        List<Record.Entry> ids = new ArrayList<>(ID_HISTORY);
        // An external atom keeps its previous version one commit longer (its pointer rides in the
        // first history entry), so that watches elsewhere can still read the old value.
        byte[] previous = isExternal() ? base.record().value() : NO_VALUE;
        ids.add(new Record.Entry(base.cell().stamp(), base.record().writer(), previous));
        for (Record.Entry h : base.record().history()) {
            if (ids.size() >= ID_HISTORY) {
                break;
            }
            ids.add(h);
        }
        return new Record(Record.ATOM | (isExternal() ? Record.EXTERNAL : 0), id, bytes, ids);
    }

    @Override
    public T get() {
        engine.ensureOpen();
        engine.coordinator().checkStaleness();
        lostSinceRead.set(0);
        return latest(true).value();
    }

    /**
     * As for any identity; an atom this client stopped watching while it only updated it is
     * watched again first (one round trip), so that the watch hears of the others' changes.
     *
     * @throws dev.synod.stm.CoordinationException if the atom cannot be watched again (the watch is
     *     then not added; see {@link Atom}, "Reading")
     * @throws StmInterruptedException if interrupted meanwhile (the watch is not added)
     */
    @Override
    public void addWatch(Object key, Watch<T> watch) {
        addWatchWithoutHint(key, watch, () -> engine.coordinator().current(name));
    }

    @Override
    public T swap(UnaryOperator<T> fn) {
        Objects.requireNonNull(fn, "fn");
        engine.ensureOpen();
        return update(v -> {
            T next = TxnImpl.nonNull(fn.apply(v), this);
            validate(next);
            return next;
        });
    }

    /**
     * Writes {@code compute(current value)} conditionally on the version it was computed from,
     * again on the fresh value after each lost race (with the pauses and the turn of a loser).
     */
    private T update(UnaryOperator<T> compute) {
        TxnOptions options = engine.defaultOptions();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        gate.enter(options, deadline);
        Coordinator.Claim claim = null;
        try {
            Decoded<T> current = latest(false);
            long longestAttempt = 0;
            for (int attempt = 0; ; attempt++) {
                long started = System.nanoTime();
                T next = compute.apply(current.value());
                long waited = engine.turns().await(List.of(name), claim, deadline); // the commit would wait too
                if (write(current, next, deadline, claim)) {
                    return next;
                }
                longestAttempt = Math.max(longestAttempt, System.nanoTime() - started - waited);
                boolean paused = backOff(attempt, options, deadline, claim);
                Coordinator.Claim before = claim;
                claim = claimIfLosing(attempt, claim, options, deadline, longestAttempt);
                current = retryState(paused || claim != before, current, deadline);
            }
        } finally {
            try {
                Turns.release(claim);
            } finally {
                gate.exit();
            }
        }
    }

    /** A turn on the atom after losing too often in a row (see {@link Turns#claimIfLosing}). */
    private Coordinator.Claim claimIfLosing(
            int attempt, Coordinator.Claim claim, TxnOptions options, long deadline, long attemptNanos) {
        return engine.turns().claimIfLosing(attempt, claim, options, deadline, attemptNanos, () -> List.of(name));
    }

    @Override
    public T reset(T value) {
        Objects.requireNonNull(value, "atom values must not be null (use Optional or an empty collection)");
        engine.ensureOpen();
        validate(value);
        // Conditional on the version seen, so that the id history stays exact; a conflict only
        // means we retry with the fresh version: the value written is the same.
        return update(v -> value);
    }

    @Override
    public boolean compareAndSet(T expected, T value) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(value, "atom values must not be null (use Optional or an empty collection)");
        engine.ensureOpen();
        TxnOptions options = engine.defaultOptions();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        gate.enter(options, deadline);
        Coordinator.Claim claim = null;
        try {
            Decoded<T> current = latest(false);
            if (!current.value().equals(expected)) {
                // The cache may trail, and the server we read from may trail the leader: decide on
                // the latest committed value.
                current = fetch(true, deadline);
            }
            long longestAttempt = 0;
            for (int attempt = 0; ; attempt++) {
                if (!current.value().equals(expected)) {
                    return false;
                }
                long started = System.nanoTime();
                validate(value);
                long waited = engine.turns().await(List.of(name), claim, deadline); // the commit would wait too
                if (write(current, value, deadline, claim)) {
                    return true;
                }
                longestAttempt = Math.max(longestAttempt, System.nanoTime() - started - waited);
                backOff(attempt, options, deadline, claim);
                claim = claimIfLosing(attempt, claim, options, deadline, longestAttempt);
                // Deciding false needs the latest committed value, not merely a newer cached one;
                // this server ordered our lost write after the winner's, so a read from it has it.
                current = fetch(false, deadline);
            }
        } finally {
            try {
                Turns.release(claim);
            } finally {
                gate.exit();
            }
        }
    }

    /** One conditional write; true if it applied. */
    private boolean write(Decoded<T> current, T next, long deadline, Coordinator.Claim claim) {
        TxnId id = TxnId.random();
        String staged = isExternal() ? External.stage(container, name, next, VersionKeys.fresh(id, "atom")) : null;
        boolean applied = false;
        boolean unknown = false;
        try {
            Record record = newRecord(id, next, current, staged);
            CommitRequest request = new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(name, current.cell().version(), record.encode())),
                    List.of());
            CommitResult result;
            try {
                result = engine.coordinator().commit(request, deadline, claim);
            } catch (CommitOutcomeUnknownException e) {
                // until resolved, the staged version may be current: never delete it unresolved
                unknown = true;
                result = resolve(id, current.cell().version() + 1, e, deadline);
                unknown = false;
            }
            applied = result instanceof CommitResult.Committed;
            if (result instanceof CommitResult.Committed committed && !isExternal()) {
                // the next update here starts from the value it wrote, without decoding it
                Versioned cell = committed.written().get(name);
                if (cell != null) {
                    remember(new Decoded<>(cell, record, next));
                }
            }
        } finally {
            if (staged != null && unknown) {
                LOG.warn(
                        "outcome of an update of atom '{}' unknown: version '{}' kept (Stm.sweepOrphans removes it if"
                                + " the update did not apply)",
                        name,
                        staged);
            } else if (staged != null && !applied) {
                External.deleteQuietly(container, name, staged); // not applied: ours is unreachable
            } else if (staged != null) {
                // applied: the version before the previous one is no longer referenced
                List<Record.Entry> older = current.record().history();
                if (!older.isEmpty() && older.get(0).value().length > 0) {
                    External.deleteQuietly(
                            container, name, External.key(older.get(0).value()));
                }
            }
        }
        if (applied) {
            engine.counters().atomUpdates.increment();
        }
        return applied;
    }

    /**
     * After a lost compare-and-set: gives up if the atom lost too often or too long, and pauses
     * from the third loss on; returns whether it paused.
     */
    private boolean backOff(int attempt, TxnOptions options, long deadline, Coordinator.Claim claim) {
        engine.counters().atomConflicts.increment();
        // not with maxRetries 0: the first attempt of an update starts from the last state known,
        // stale for an atom not watched, and such updates could then never win
        if (lostSinceRead.incrementAndGet() >= UPDATES_ONLY_AFTER && options.maxRetries() > 0) {
            // on every loss from then on: a hint that did nothing (say, while disconnected) is not
            // lost, and one for a cell already quiet costs a memory read
            synchronized (hintLock) {
                if (mayHintUpdatesOnly() && engine.coordinator().updatesOnly(name)) {
                    engine.counters().atomsUnwatched.increment();
                }
            }
        }
        if (attempt >= options.maxRetries()) {
            throw new RetryLimitExceededException("atom '" + name + "' lost " + (attempt + 1)
                    + " compare-and-set races in a row (maxRetries=" + options.maxRetries() + ")");
        }
        if (System.nanoTime() > deadline) {
            throw new TransactionTimeoutException(
                    "atom '" + name + "' could not be updated within " + options.timeout() + " under contention");
        }
        if (attempt >= 2 && (claim == null || !claim.held())) {
            // with the turn, others hold back: no pause
            sleep(Duration.ofNanos(Backoffs.nanos(options.backoff().delay(attempt - 1))));
            return true;
        }
        return false;
    }

    /**
     * The state to retry on after {@code lost} lost: without a pause, the cached state if it moved
     * past {@code lost} (if the cache still trails, the next compare-and-set only fails again);
     * after a pause, or if the cache has not moved, the cell read.
     */
    private Decoded<T> retryState(boolean paused, Decoded<T> lost, long deadline) {
        if (!paused && engine.cachedNewerThan(name, lost.cell().version()) != null) {
            return latest(false);
        }
        return fetch(false, deadline);
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while backing off an atom update; nothing was applied", e);
        }
    }

    /**
     * Reads the cell back to learn whether write {@code id} produced {@code version}: until the
     * update's {@code deadline} or for 10 s, whichever ends later.
     */
    private CommitResult resolve(TxnId id, long version, CommitOutcomeUnknownException cause, long deadline) {
        engine.counters().outcomeResolutions.increment();
        long tenSeconds = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long giveUp = deadline - tenSeconds > 0 ? deadline : tenSeconds;
        while (true) {
            try {
                Versioned v = engine.coordinator().fetch(List.of(name), giveUp).get(0);
                Record r = Record.decode(engine.where(name), v.data());
                if (v.version() < version) {
                    return new CommitResult.Conflict(Set.of(name), null);
                }
                long index = v.version() - version - 1; // -1: the current record
                Record.Entry at = index < 0
                        ? new Record.Entry(v.stamp(), r.writer(), NO_VALUE)
                        : index < r.history().size() ? r.history().get((int) index) : null;
                if (at != null) {
                    return at.writer().equals(id)
                            ? new CommitResult.Committed(at.stamp(), Map.of())
                            : new CommitResult.Conflict(Set.of(name), null);
                }
                throw new CommitOutcomeUnknownException(
                        "an update of atom '" + name + "' lost its connection while"
                                + " committing, and the atom changed since; it applied exactly once or not at all",
                        cause);
            } catch (CommitOutcomeUnknownException e) {
                throw e;
            } catch (StmInterruptedException | StmClosedException e) {
                throw OutcomeReadBack.stopped("an update of atom '" + name + "'", e, cause);
            } catch (CoordinationException | TransactionTimeoutException e) {
                // a timeout here is the read-back's own (giveUp): the outcome stays unknown
                if (System.nanoTime() - giveUp >= 0) {
                    throw new CommitOutcomeUnknownException(
                            "an update of atom '" + name + "' lost its connection while"
                                    + " committing and could not be read back: " + e.getMessage(),
                            cause);
                }
                OutcomeReadBack.pause("an update of atom '" + name + "'");
            }
        }
    }

    Object codecForComparison() {
        return container != null ? container : codec;
    }

    @Override
    public void destroy() {
        if (container != null) {
            engine.destroyVersioned(this, container);
        } else {
            engine.destroy(this);
        }
    }
}
