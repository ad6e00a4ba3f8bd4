package dev.synod.stm.internal;

import dev.synod.stm.Isolation;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.Txn;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.stm.spi.Versioned;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One attempt of a transaction: its snapshot, what it read and wrote. Reads come from the
 * coordinator's local state as of {@link #readPoint} (older values from the history kept in each
 * record); the commit is done by {@link Committer}.
 */
final class TxnImpl implements Txn {
    final Engine engine;
    final TxnOptions options;
    final int attempt;
    /** Fixed once this attempt has read or written anything (see {@link #beginAgainAt}). */
    long localPoint;
    /** Fixed once this attempt has read or written anything (see {@link #beginAgainAt}). */
    long readPoint;

    final long deadlineNanos;
    final TxnId id = TxnId.random();
    final Map<IdentityBase<?>, Entry<?>> entries = new LinkedHashMap<>();
    final List<CommitGuard> guards = new ArrayList<>(0);
    /** A turn on contended refs taken by an earlier attempt (see Engine), used by the commit; or null. */
    dev.synod.stm.spi.Coordinator.Claim claim;
    /** Time this attempt spent waiting for other clients' turns: not its own (see Turns.claimIfLosing). */
    long turnWaitNanos;
    /** Stamp of the version read, per coordinator ref (the read-atomic check). */
    private final Map<String, Long> readAt = new java.util.HashMap<>();
    /** Refs read from their last known state (see {@link Entry.Dist#optimistic}), by name. */
    private final Map<String, DistRef<?>> optimisticReads = new java.util.HashMap<>(2);
    /** Least stamp a ref must be read at, demanded by a co-written ref already read. */
    private final Map<String, Long> required = new java.util.HashMap<>();

    /** Set when the body returned and the commit began: the guards are final from then on. */
    boolean sealed;

    /**
     * Set just before the commit request is sent: what this attempt read is then checked by it, and
     * a failure after this point must not make the engine run the body again.
     */
    boolean commitSent;

    private boolean doomed;
    private long retryAfterStamp;
    private String retryReason = "a conflicting commit";

    TxnImpl(Engine engine, TxnOptions options, int attempt, long deadlineNanos) {
        this.engine = engine;
        this.options = options;
        this.attempt = attempt;
        this.deadlineNanos = deadlineNanos;
        // Local point first, then read point: see LocalRefImpl for why the order matters.
        this.localPoint = engine.localSeq();
        this.readPoint = engine.coordinator().readPoint();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public TxnOptions options() {
        return options;
    }

    @Override
    public long readPoint() {
        return readPoint;
    }

    @Override
    public void guard(CommitGuard guard) {
        Objects.requireNonNull(guard, "guard");
        if (sealed || engine.currentTxnOrNull() != this) {
            throw new IllegalStateException("guard(...) must be called from the transaction's body, on its thread,"
                    + " while it runs; this attempt's body " + (sealed ? "has returned" : "is not running here"));
        }
        if (!guards.contains(guard)) {
            guards.add(guard);
        }
    }

    /**
     * The distributed refs whose changes by others make this attempt fail, sorted: those it wrote,
     * ensured, or (serializable) read; empty if it wrote no distributed ref.
     */
    List<String> contendedNames() {
        List<String> names = new ArrayList<>();
        boolean writes = false;
        for (Entry<?> e : entries.values()) {
            if (e instanceof Entry.Dist<?> d && (d.changes() || d.ensured || (serializable() && d.read))) {
                names.add(d.ref.name);
                writes |= d.changes();
            }
        }
        if (!writes) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    boolean serializable() {
        return options.isolation() == Isolation.SERIALIZABLE;
    }

    // ---- operations (called by Ref implementations) ----

    <T> T get(IdentityBase<T> ref) {
        Entry<T> e = entry(ref, false);
        e.read = true;
        return e.value;
    }

    <T> T alter(IdentityBase<T> ref, UnaryOperator<T> fn) {
        Entry<T> e = entry(ref, false);
        refuseAfterCommute(e, "alter");
        e.read = true; // fn sees the value, even if it throws and the body goes on
        e.value = nonNull(fn.apply(e.value), ref);
        e.written = true;
        return e.value;
    }

    <T> T set(IdentityBase<T> ref, T value) {
        Entry<T> e = entry(ref, false);
        refuseAfterCommute(e, "set");
        e.value = value;
        e.written = true;
        return value;
    }

    <T> T commute(IdentityBase<T> ref, UnaryOperator<T> fn) {
        Entry<T> e = entry(ref, true);
        T next = nonNull(fn.apply(e.value), ref);
        e.value = next;
        if (!e.written) {
            e.addCommute(fn);
        }
        return next;
    }

    <T> T ensure(IdentityBase<T> ref) {
        Entry<T> e = entry(ref, false);
        e.ensured = true;
        e.read = true;
        return e.value;
    }

    private static void refuseAfterCommute(Entry<?> e, String op) {
        if (e.commutes != null && !e.written) {
            throw new IllegalStateException("cannot " + op + " '" + e.ref().name()
                    + "' after commute in the same transaction (as in Clojure): use alter for both");
        }
    }

    static <T> T nonNull(T value, IdentityBase<?> ref) {
        if (value == null) {
            throw new NullPointerException("function returned null for '" + ref.name()
                    + "': values must not be null (use Optional or an empty collection)");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private <T> Entry<T> entry(IdentityBase<T> ref, boolean forCommute) {
        if (doomed) {
            throw RetrySignal.INSTANCE;
        }
        Entry<T> e = (Entry<T>) entries.get(ref);
        if (e != null) {
            return e;
        }
        if (ref instanceof DistRef<T> d) {
            // A ref this client only writes may not be kept current: start from its last known
            // state when the commit checks every read (serializable), the attempt may be retried
            // (a stale state costs a retry), and the attempt is checked before it ends any other
            // way (changedOptimistic). Not for a commute, whose value is not checked at commit.
            boolean quiet = d.mayBeQuiet();
            boolean optimistic = quiet && serializable() && options.maxRetries() > 0 && !forCommute;
            Versioned cell = optimistic
                    ? engine.coordinator().lastKnown(d.name)
                    : quiet
                            ? d.currentAgain(deadlineNanos)
                            : engine.coordinator().current(d.name);
            if (quiet && !optimistic && entries.isEmpty() && cell.stamp() > readPoint && beginAgainAt(cell.stamp())) {
                // read afresh, newer than the snapshot: nothing was read yet, so rather than read
                // an older version (a conflict at commit, fatal without retries), begin again later;
                // the new snapshot may be past the state read (watched again, a change of another
                // client may have come meanwhile): read it again (a memory read now)
                cell = engine.coordinator().current(d.name, deadlineNanos);
            }
            if (optimistic) {
                optimisticReads.put(d.name, d);
            }
            try {
                e = readDist(d, cell, forCommute);
                if (optimistic) {
                    Entry.Dist<T> de = (Entry.Dist<T>) e;
                    de.optimistic = true;
                    de.read = true; // its value is seen: checked at commit whatever the body does with it
                }
            } catch (VersionGoneException gone) {
                // Deleted by a later commit while we read it: our snapshot is older than the
                // history kept. Retry on a newer snapshot, unless the cell did not move (corrupt).
                Versioned now = engine.coordinator()
                        .fetch(List.of(d.name), deadlineNanos)
                        .get(0);
                if (now.version() == cell.version()) {
                    throw gone;
                }
                engine.counters().snapshotMisses.increment();
                throw retry(now.stamp(), "a version of '" + d.name + "' was deleted while this transaction read it");
            }
        } else {
            e = readLocal((LocalRefImpl<T>) ref, forCommute);
        }
        entries.put(ref, e);
        return e;
    }

    /** The longest {@link #beginAgainAt} waits for the read point. */
    private static final long BEGIN_AGAIN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Moves the snapshot of an attempt that has read and written nothing forward, as if it began
     * now, once the coordinator's read point reaches {@code stamp} (a state just read afresh); if it
     * does not within a second (or before the deadline), the snapshot stays as it was.
     *
     * @return whether the snapshot moved (its read point may then be past {@code stamp})
     */
    private boolean beginAgainAt(long stamp) {
        try {
            // usually there already (the read's reply raised it); not for long when the read point
            // is held back (a lost connection): the old snapshot then costs a conflict at worst
            long wait = Math.min(deadlineNanos - System.nanoTime(), BEGIN_AGAIN_WAIT_NANOS);
            if (wait <= 0 || !engine.coordinator().awaitReadPoint(stamp, wait, TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting for the snapshot to reach a state read", ie);
        }
        // Local point first, then read point: see LocalRefImpl for why the order matters.
        localPoint = engine.localSeq();
        readPoint = engine.coordinator().readPoint();
        return true;
    }

    private <T> Entry<T> readDist(DistRef<T> ref, Versioned cell, boolean forCommute) {
        Entry.Dist<T> e = new Entry.Dist<>(ref);
        e.base = ref.decode(cell);
        if (e.base.cell().stamp() <= readPoint) {
            e.value = e.base.value();
            checkReadAtomic(ref.name, e.base.cell().stamp(), e.base.record().cowritten());
            requireEarlierCommits(e.base.record().history(), Long.MAX_VALUE);
            return e;
        }
        // The cell changed after our snapshot: find the value current at the read point.
        e.stale = true;
        Optional<T> old = valueAsOf(ref, e.base.record(), readPoint);
        if (old.isPresent()) {
            e.value = old.get();
        } else if (forCommute) {
            e.value = e.base.value(); // re-applied to the latest value at commit anyway
        } else {
            engine.counters().snapshotMisses.increment();
            ref.growHistory();
            throw retry(e.base.cell().stamp(), "the history of '" + ref.name + "' did not reach back to the snapshot");
        }
        return e;
    }

    private <T> Optional<T> valueAsOf(DistRef<T> ref, Record record, long point) {
        for (Record.Entry h : record.history()) {
            if (h.stamp() <= point) {
                checkReadAtomic(ref.name, h.stamp(), h.cowritten());
                requireEarlierCommits(record.history(), h.stamp());
                return Optional.of(ref.valueOf(h.value(), record.isExternal()));
            }
        }
        return Optional.empty();
    }

    /**
     * A safety net under the coordinator's read-point contract: every record names the other refs
     * its commit wrote, so a snapshot that holds this version of one of them but an older version
     * of another is caught here (the local cache missed a change). The coordinator is told, and
     * makes the stale ref (and any other that may trail unseen) current before the transaction is
     * retried; it never returns a fractured snapshot.
     */
    private void checkReadAtomic(String name, long stamp, List<String> cowritten) {
        Long need = required.get(name);
        if (need != null && stamp < need) {
            throw inconsistent(name, need);
        }
        readAt.put(name, stamp);
        requireCowritten(cowritten, stamp);
    }

    /**
     * The earlier commits kept in the history of a version read (those stamped {@code < before})
     * are in the snapshot too: so must be what they co-wrote. This catches a stale ref two commits
     * away (another commit wrote it with a ref whose later version is read), as far back as the
     * history reaches.
     */
    private void requireEarlierCommits(List<Record.Entry> history, long before) {
        for (Record.Entry h : history) {
            if (h.stamp() < before) {
                requireCowritten(h.cowritten(), h.stamp());
            }
        }
    }

    private void requireCowritten(List<String> cowritten, long stamp) {
        for (String other : cowritten) {
            required.merge(other, stamp, Math::max);
            Long seen = readAt.get(other);
            if (seen != null && seen < stamp) {
                throw inconsistent(other, stamp);
            }
        }
    }

    private RetrySignal inconsistent(String name, long stamp) {
        engine.counters().snapshotMisses.increment();
        if (optimisticReads.containsKey(name)) {
            // read from its last known state, which may trail: not a fault of the coordinator;
            // every such ref is made current (and kept current) again, not one per retry
            try {
                currentAgainAll();
            } catch (RuntimeException e) {
                rethrowIfFinal(e); // else the retry will find out (past the deadline: the engine reports it)
            }
            return retry(stamp, "the last known state of '" + name + "' trailed a commit seen on another ref");
        }
        engine.reportStaleCache(name, stamp);
        try {
            // other cells may trail unseen: the coordinator brings them all up to date first
            engine.coordinator().localStateTrailed(name, stamp, deadlineNanos);
        } catch (RuntimeException e) {
            rethrowIfFinal(e); // else the retry will find out (past the deadline: the engine reports it)
        }
        return retry(stamp, "the local state of '" + name + "' trailed a commit seen on another ref");
    }

    /** An interrupt or a closed Stm ends the transaction: no retry would get further. */
    private static void rethrowIfFinal(RuntimeException e) {
        if (e instanceof StmInterruptedException || e instanceof StmClosedException) {
            throw e;
        }
    }

    private <T> Entry<T> readLocal(LocalRefImpl<T> ref, boolean forCommute) {
        Entry.Local<T> e = new Entry.Local<>(ref);
        try {
            e.base = ref.visible(readPoint, localPoint, deadlineNanos);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting for a commit of " + ref.name, ie);
        } catch (java.util.concurrent.TimeoutException te) {
            throw retry(0, te.getMessage()); // past the deadline: the engine reports the timeout
        }
        if (e.base == null && forCommute) {
            e.base = ref.head(); // re-applied to the latest value under the lock at commit anyway
        }
        ref.checkNotDestroyed(); // after reading the version: a destroyed ref's head holds no value
        if (e.base == null) {
            engine.counters().snapshotMisses.increment();
            throw retry(0, "the history of " + ref.name + " did not reach back to the snapshot");
        }
        e.value = e.base.value;
        return e;
    }

    /**
     * For an attempt that read refs from their last known state and will not commit with checks
     * on them (it is read-only, or its body or a validator threw): makes those refs current again
     * (a round trip each that had stopped being current) and tells whether any of them had moved
     * past the version read. If one had, the attempt may have seen a state that never was, and is
     * retried instead; else what it read was one snapshot after all.
     *
     * @return the newest stamp of a ref that moved, or -1 if none did
     */
    long changedOptimistic() {
        if (commitSent) {
            return -1; // the commit checked them (or its outcome is being learnt): never run again
        }
        long moved = -1;
        for (Entry<?> e : entries.values()) {
            if (e instanceof Entry.Dist<?> d && d.optimistic) {
                Versioned now = d.ref.currentAgain(deadlineNanos);
                if (now.version() != d.cell().version()
                        || now.stamp() != d.cell().stamp()) {
                    moved = Math.max(moved, now.stamp());
                }
            }
        }
        return moved;
    }

    /**
     * Makes every ref this attempt read from its last known state current, and kept current, again
     * (a round trip each that had stopped being current).
     *
     * @return the newest stamp among them
     */
    long currentAgainAll() {
        long newest = 0;
        for (DistRef<?> ref : optimisticReads.values()) {
            newest = Math.max(newest, ref.currentAgain(deadlineNanos).stamp());
        }
        return newest;
    }

    boolean readOptimistically() {
        return !optimisticReads.isEmpty();
    }

    // ---- retry bookkeeping ----

    /** Marks this attempt as failed; the engine retries after the read point reached {@code stamp}. */
    RetrySignal retry(long stamp, String reason) {
        doomed = true;
        retryAfterStamp = Math.max(retryAfterStamp, stamp);
        retryReason = reason;
        return RetrySignal.INSTANCE;
    }

    boolean doomed() {
        return doomed;
    }

    long retryAfterStamp() {
        return retryAfterStamp;
    }

    String retryReason() {
        return retryReason;
    }

    List<Entry.Dist<?>> distEntries() {
        List<Entry.Dist<?>> out = new ArrayList<>();
        for (Entry<?> e : entries.values()) {
            if (e instanceof Entry.Dist<?> d) {
                out.add(d);
            }
        }
        return out;
    }

    List<Entry.Local<?>> localEntries() {
        List<Entry.Local<?>> out = new ArrayList<>();
        for (Entry<?> e : entries.values()) {
            if (e instanceof Entry.Local<?> l) {
                out.add(l);
            }
        }
        return out;
    }

    /** Refreshes a commute-only entry from a newer cell state and re-applies its functions. */
    static <T> void rebase(Entry.Dist<T> e, Versioned cell) {
        e.base = e.ref.decode(cell);
        e.stale = false;
        e.value = e.applyCommutes(e.base.value());
    }
}
