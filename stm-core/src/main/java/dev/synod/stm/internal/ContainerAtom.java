package dev.synod.stm.internal;

import dev.synod.stm.Atom;
import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.LockLostException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.RetryLimitExceededException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.Versioned;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An atom whose value lives in a plain {@link StateContainer} (Avout's unversioned protocol). An
 * unversioned store cannot stage a value, so updates are serialised by a claim on the coordinator
 * cell: compare-and-set the cell to CLAIMED, read the store, write the new value, compare-and-set
 * the cell back to SETTLED (two coordinator writes per update). Readers read the store directly;
 * an update takes effect when the store is written.
 *
 * <h2>Leases</h2>
 *
 * A claim carries its holder's lease (the holder's transaction timeout). Another client takes it
 * over, as abandoned (its holder crashed), once it has itself watched that same claim for a whole
 * lease (on its own monotonic clock, so clocks that disagree do not matter), or at once if the
 * claim's wall-clock stamp is more than two leases old (a claim left long ago; clocks must agree
 * within a lease for that). A holder writes the store only while less than half its lease has
 * passed since it sent its claim; later than that it first renews the claim (a compare-and-set of
 * the cell, which fails if the claim was taken over: then nothing is stored and it gets {@link
 * LockLostException}). So a store write begins at least half a lease before anyone may take over;
 * what the claim alone cannot cover is a write to the store that itself takes longer than that or a
 * holder paused for that long in the middle of it. A container that {@linkplain
 * StateContainer#fencing() fences} covers it: every write carries the stamp of the claim it is made
 * under, and the store refuses a write older than one it holds, so the late write of a holder whose
 * claim was taken over stores nothing ({@link LockLostException}). With a container that does not
 * fence, keep the store's own timeouts well under half the transaction timeout. Fencing refuses a
 * late write only once a later claim has written the store: if the holder that took over stored
 * nothing (its compare-and-set did not match, its function threw), the late write lands and its
 * writer learns that the outcome is unknown, as without fencing; no acknowledged update is lost
 * either way. A {@code VersionedStateContainer} has no such window: its updates are a single
 * compare-and-set.
 */
final class ContainerAtom<T> extends IdentityBase<T> implements Atom<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerAtom.class);
    private static final byte SETTLED = 0;
    private static final byte CLAIMED = 1;

    private final StateContainer<T> container;
    /** Threads of this client updating this atom take turns. */
    private final AtomGate gate;

    ContainerAtom(Engine engine, String name, StateContainer<T> container) {
        super(engine, name);
        this.container = container;
        this.gate = new AtomGate(name);
    }

    StateContainer<T> container() {
        return container;
    }

    /**
     * The state a cell record holds: settled, or claimed by {@code writer} at {@code sinceMillis}
     * (its wall clock) for {@code leaseMillis} ({@code 0}: not recorded, from a record of 9 bytes).
     */
    private record Claim(Versioned cell, TxnId writer, boolean claimed, long sinceMillis, long leaseMillis) {}

    /** The claim this client has been watching, and since when (its monotonic clock). */
    private record Sighting(long version, TxnId writer, long sinceNanos) {}

    /** Guarded by {@link #gate}: only the thread updating the atom reads or sets it. */
    private Sighting sighting;

    static byte[] record(TxnId id, boolean claimed, Duration lease) {
        return record(id, claimed, System.currentTimeMillis(), lease.toMillis());
    }

    /** A cell record: state (1 byte), wall-clock stamp (8), lease in ms (8). */
    static byte[] record(TxnId id, boolean claimed, long sinceMillis, long leaseMillis) {
        byte[] state = ByteBuffer.allocate(17)
                .put(claimed ? CLAIMED : SETTLED)
                .putLong(sinceMillis)
                .putLong(leaseMillis)
                .array();
        return new Record(Record.ATOM | Record.EXTERNAL, id, state, List.of()).encode();
    }

    /** @throws CorruptRecordException if {@code cell} is not an atom kept in a StateContainer */
    void checkKind(Versioned cell) {
        parse(cell);
    }

    private Claim parse(Versioned cell) {
        Record r = Record.decode(engine.where(name), cell.data());
        int length = r.value().length;
        if (!r.isAtom() || !r.isExternal() || (length != 9 && length != 17)) {
            throw new CorruptRecordException(
                    "'" + name + "' in " + engine.describe() + " is not an atom kept in a StateContainer");
        }
        ByteBuffer b = ByteBuffer.wrap(r.value());
        boolean claimed = b.get() == CLAIMED;
        long since = b.getLong();
        long lease = length == 17 ? b.getLong() : 0;
        if (lease < 0) {
            throw new CorruptRecordException("the claim on atom '" + name + "' in " + engine.describe()
                    + " has a negative lease (" + lease + " ms)");
        }
        return new Claim(cell, r.writer(), claimed, since, lease);
    }

    /**
     * Whether someone else's claim still stands (see the class comment). Updates {@link
     * #sighting}.
     *
     * @param ownLeaseMillis the lease assumed for a claim that does not record its own
     */
    private boolean stands(Claim c, long ownLeaseMillis) {
        if (!c.claimed()) {
            sighting = null;
            return false;
        }
        long lease = c.leaseMillis() > 0 ? c.leaseMillis() : ownLeaseMillis;
        long now = System.nanoTime();
        Sighting seen = sighting;
        if (seen == null
                || seen.version() != c.cell().version()
                || !seen.writer().equals(c.writer())) {
            seen = new Sighting(c.cell().version(), c.writer(), now);
            sighting = seen;
        }
        boolean watchedForALease = now - seen.sinceNanos() >= TimeUnit.MILLISECONDS.toNanos(lease);
        boolean leftLongAgo = System.currentTimeMillis() - c.sinceMillis() > 2 * lease;
        return !watchedForALease && !leftLongAgo;
    }

    @Override
    public T get() {
        engine.ensureOpen();
        TxnOptions options = engine.defaultOptions();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                return read();
            } catch (NoSuchRefException e) {
                // created, but its first value is not stored yet: wait for the creator
                Claim c = parse(engine.coordinator().fetch(List.of(name)).get(0));
                if (!c.claimed() || System.nanoTime() > deadline) {
                    throw e;
                }
                pause(attempt, options);
            }
        }
    }

    private T read() {
        try {
            return Objects.requireNonNull(container.get(), "StateContainer.get returned null");
        } catch (RuntimeException e) {
            throw External.failure("reading atom '" + name + "' from " + container, e, false);
        }
    }

    @Override
    public T swap(UnaryOperator<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return update(current -> TxnImpl.nonNull(fn.apply(current), this), null);
    }

    @Override
    public T reset(T value) {
        Objects.requireNonNull(value, "atom values must not be null (use Optional or an empty collection)");
        return update(current -> value, null);
    }

    @Override
    public boolean compareAndSet(T expected, T value) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(value, "atom values must not be null (use Optional or an empty collection)");
        boolean[] matched = new boolean[1];
        update(current -> value, current -> matched[0] = current.equals(expected));
        return matched[0];
    }

    /** Claims, applies {@code fn} to the stored value (unless {@code proceed} says no), settles. */
    private T update(UnaryOperator<T> fn, java.util.function.Predicate<T> proceed) {
        engine.ensureOpen();
        TxnOptions options = engine.defaultOptions();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        gate.enter(options, deadline);
        try {
            return updateAlone(fn, proceed, options, deadline);
        } finally {
            gate.exit();
        }
    }

    /** {@link #update}, once no other thread of this client is updating this atom. */
    private T updateAlone(
            UnaryOperator<T> fn, java.util.function.Predicate<T> proceed, TxnOptions options, long deadline) {
        Duration lease = options.timeout();
        long leaseNanos = lease.toNanos();
        Held held = claim(options, deadline);
        TxnId id = held.id();
        Versioned claimed = held.cell();
        long claimSent = held.sentNanos();
        T next;
        T current;
        try {
            current = read();
            if (proceed != null && !proceed.test(current)) {
                release(claimed, id);
                return current;
            }
            next = fn.apply(current); // user code: its exceptions pass unchanged
            validate(next);
            if (System.nanoTime() - claimSent >= leaseNanos / 2) {
                // too late to be sure the claim still stands: renew it first (fails if taken over)
                long renewSent = System.nanoTime();
                claimed = renew(
                        claimed,
                        id,
                        lease,
                        "while its update ran (for longer than half its lease of " + lease + "); nothing was"
                                + " stored: the update was not applied");
                claimSent = renewSent;
            }
            claimed = store(next, claimed, id, lease);
        } catch (RuntimeException | Error e) {
            try {
                release(claimed, id);
            } catch (RuntimeException settleFailure) {
                e.addSuppressed(settleFailure); // the first failure is the one to report
            }
            throw e;
        }
        boolean settled;
        try {
            settled = release(claimed, id);
        } catch (CoordinationException | StmClosedException | StmInterruptedException e) {
            // the store holds the new value already: this is not a change that did not apply
            throw new CommitOutcomeUnknownException(
                    "atom '" + name + "': the new value was stored in " + container
                            + " but its claim could not be released (" + e.getMessage() + "); the update"
                            + " stands unless another client takes the claim over and overwrites it",
                    e);
        }
        if (!settled) {
            throw new CommitOutcomeUnknownException("atom '" + name + "': the new value was stored in "
                    + container + " but the claim was taken over before it was released (writing the store"
                    + " took longer than half the lease of " + lease + "): the store holds this update's"
                    + " value or the value of an update made after the takeover, whichever was written last");
        }
        engine.counters().atomUpdates.increment();
        return next; // watches fire from the coordinator's notification of the settled cell
    }

    /**
     * Claims a cell holding bytes that are no Synod record at all (another writer's), with a
     * compare-and-set over them, so that {@link #destroy()} can go on as usual; null if the cell
     * is gone.
     *
     * @throws CorruptRecordException {@code corrupt}, if the cell holds a record of another kind
     *     (a ref or atom created again under this name: not this atom's to destroy) or changed
     *     meanwhile
     */
    private Held claimOverGarbage(CorruptRecordException corrupt, TxnOptions options, long deadline) {
        Versioned cell;
        try {
            cell = engine.coordinator().fetch(List.of(name), deadline).get(0);
        } catch (NoSuchRefException gone) {
            return null;
        }
        if (isRecord(cell)) {
            throw corrupt;
        }
        TxnId id = TxnId.random();
        long sent = System.nanoTime();
        Versioned claimed = write(cell, id, record(id, true, options.timeout()), deadline);
        if (claimed == null) {
            throw corrupt;
        }
        LOG.warn(
                "destroying atom '{}', whose cell held bytes that are no Synod record: {}", name, corrupt.getMessage());
        return new Held(claimed, id, sent);
    }

    private boolean isRecord(Versioned cell) {
        try {
            Record.decode(engine.where(name), cell.data());
            return true;
        } catch (CorruptRecordException e) {
            return false;
        }
    }

    /** A claim of ours: the cell as claimed, the claim's id, and when it was sent. */
    private record Held(Versioned cell, TxnId id, long sentNanos) {}

    /** Claims the cell once no other client's claim stands. */
    private Held claim(TxnOptions options, long deadline) {
        Duration lease = options.timeout();
        Claim seen = parse(engine.coordinator().current(name));
        for (int attempt = 0; ; attempt++) {
            if (stands(seen, lease.toMillis())) {
                pause(attempt, options); // someone else is updating
                seen = parse(engine.coordinator().fetch(List.of(name), deadline).get(0));
                checkLimits(attempt, options, deadline);
                continue;
            }
            TxnId id = TxnId.random();
            long sent = System.nanoTime();
            Versioned claimed = write(seen.cell(), id, record(id, true, lease), deadline);
            if (claimed != null) {
                return new Held(claimed, id, sent);
            }
            engine.counters().atomConflicts.increment();
            checkLimits(attempt, options, deadline);
            seen = parse(engine.coordinator().fetch(List.of(name), deadline).get(0));
        }
    }

    /**
     * Writes the store under our claim {@code claimed}, fenced by its stamp where the container
     * can; returns the claim as it stands afterwards. A refusal means that a later claim wrote
     * first, or that the store holds a token from beyond this coordinator's history (its data was
     * reset, or the store is shared with another one). To tell them apart the claim is renewed, a
     * compare-and-set that only succeeds if no one took it over: if it fails, {@link
     * LockLostException}, nothing stored; if it succeeds, the write is tried again with the renewed
     * stamp, newer than any the coordinator has given, and a second refusal proves the token
     * foreign: the value is then stored unfenced, which clears it, with a warning. (That write has
     * the window of a container that does not fence: a pause longer than the lease between the
     * renewal and the write. It happens only after the coordinator's data was reset.)
     */
    Versioned store(T value, Versioned claimed, TxnId id, Duration lease) {
        if (setIn(value, claimed, claimed, id, true)) {
            return claimed;
        }
        Versioned renewed = renew(
                claimed,
                id,
                lease,
                "while its update ran, and " + container + " refused the late write (fenced off by the later"
                        + " claim's token): nothing was stored, the update was not applied");
        if (!setIn(value, renewed, claimed, id, true)) {
            LOG.warn(
                    "{} refused a write to atom '{}' under a claim just renewed: it holds a fencing token above the"
                            + " coordinator's stamps (the coordinator's data was reset, or the store is shared with"
                            + " another one); storing unfenced, which clears it",
                    container,
                    name);
            setIn(value, renewed, claimed, id, false);
        }
        return renewed;
    }

    /**
     * One write of the store under {@code held} (fenced by its stamp, or not); whether it was
     * stored. A failure is named; if {@code held} renewed the caller's {@code claimed}, it is
     * released first, since the caller releases only the claim it knows.
     */
    private boolean setIn(T value, Versioned held, Versioned claimed, TxnId id, boolean fenced) {
        try {
            if (fenced) {
                return container.set(value, held.stamp());
            }
            container.set(value);
            return true;
        } catch (RuntimeException e) {
            RuntimeException failure = External.failure("writing atom '" + name + "' to " + container, e, true);
            if (held != claimed) {
                try {
                    release(held, id);
                } catch (RuntimeException settleFailure) {
                    failure.addSuppressed(settleFailure);
                }
            }
            throw failure;
        }
    }

    /**
     * Renews our claim (a compare-and-set of the cell, which fails if it was taken over); the
     * renewed claim, or {@link LockLostException} saying "taken over {@code why}".
     */
    private Versioned renew(Versioned held, TxnId id, Duration lease, String why) {
        Versioned renewed = write(held, id, record(id, true, lease), null);
        if (renewed == null) {
            throw new LockLostException("the claim on atom '" + name + "' was taken over " + why);
        }
        return renewed;
    }

    /**
     * Compare-and-set of the cell; the new state, or null on a conflict.
     *
     * @param deadline when to stop waiting for the coordinator before sending, or null to wait as
     *     long as it takes (releasing a claim must not be cut short)
     */
    private Versioned write(Versioned from, TxnId id, byte[] record, Long deadline) {
        CommitRequest request =
                new CommitRequest(List.of(), List.of(new CommitRequest.Write(name, from.version(), record)), List.of());
        CommitResult result;
        try {
            result = deadline == null
                    ? engine.coordinator().commit(request)
                    : engine.coordinator().commit(request, deadline);
        } catch (CommitOutcomeUnknownException e) {
            Versioned now = engine.coordinator().fetch(List.of(name)).get(0);
            Claim c = parse(now);
            return now.version() == from.version() + 1 && c.writer().equals(id) ? now : null;
        }
        if (result instanceof CommitResult.Committed committed) {
            Versioned written = committed.written().get(name);
            // a coordinator that does not report what it wrote costs a read (not one of ours)
            return written != null
                    ? written
                    : engine.coordinator().fetch(List.of(name)).get(0);
        }
        return null;
    }

    /**
     * {@link #settle}s our claim also when the thread was interrupted (an update function that
     * was cancelled, say), keeping the interrupt flag: a claim left standing would hold every other
     * client back for its whole lease, and after a store an interrupt must not make the outcome
     * unknown. An interrupt that arrives while it waits still ends it ({@link
     * StmInterruptedException}).
     */
    private boolean release(Versioned claimed, TxnId id) {
        boolean interrupted = Thread.interrupted();
        try {
            return settle(claimed, id);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases our claim; false if it was taken over meanwhile. */
    private boolean settle(Versioned claimed, TxnId id) {
        return write(claimed, id, record(id, false, Duration.ZERO), null) != null;
    }

    private void checkLimits(int attempt, TxnOptions options, long deadline) {
        if (attempt >= options.maxRetries()) {
            throw new RetryLimitExceededException("atom '" + name + "' could not be claimed after " + (attempt + 1)
                    + " attempts (maxRetries=" + options.maxRetries() + ")");
        }
        if (System.nanoTime() > deadline) {
            throw new TransactionTimeoutException(
                    "atom '" + name + "' could not be claimed within " + options.timeout() + " under contention");
        }
    }

    private static void pause(int attempt, TxnOptions options) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(
                    TimeUnit.MILLISECONDS.toNanos(1),
                    Backoffs.nanos(options.backoff().delay(attempt + 1))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting to update an atom; nothing was applied", e);
        }
    }

    /** A settled change: watches see the stored value, from the last value they saw. */
    void onSettled(Versioned cell) {
        if (parse(cell).claimed()) {
            return;
        }
        T now = read();
        T old = lastWatched();
        if (old != null && !old.equals(now)) {
            fireWatches(old, now);
        }
    }

    /**
     * Claims the cell, destroys the stored value, then deletes the cell: while the cell stands no
     * one can create the atom again, so the value destroyed is never that of a newer atom of the
     * same name. An atom already deleted leaves the store alone.
     */
    @Override
    public void destroy() {
        engine.checkDestroyable(this); // before claiming
        TxnOptions options = engine.defaultOptions();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        gate.enter(options, deadline);
        try {
            Held held;
            try {
                held = claim(options, deadline);
            } catch (NoSuchRefException gone) {
                engine.destroy(this); // deleted by someone else: forget it here too
                return;
            } catch (CorruptRecordException corrupt) {
                held = claimOverGarbage(corrupt, options, deadline);
                if (held == null) {
                    engine.destroy(this); // deleted by someone else meanwhile
                    return;
                }
            }
            try {
                container.destroy();
            } catch (RuntimeException e) {
                RuntimeException failure = External.failure("destroying atom '" + name + "' in " + container, e, false);
                try {
                    release(held.cell(), held.id()); // the atom stays, as it was
                } catch (RuntimeException settleFailure) {
                    failure.addSuppressed(settleFailure);
                }
                throw failure;
            }
            try {
                engine.destroy(this);
            } catch (RuntimeException e) {
                try {
                    release(held.cell(), held.id()); // the store's value is gone; the cell stays
                } catch (RuntimeException settleFailure) {
                    e.addSuppressed(settleFailure);
                }
                throw e;
            }
        } finally {
            gate.exit();
        }
    }
}
