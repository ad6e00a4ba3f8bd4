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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An atom whose value lives in a plain {@link StateContainer} (Avout's unversioned protocol). An
 * unversioned store cannot stage a value, so updates are serialised by a claim on the coordinator
 * cell: compare-and-set the cell to CLAIMED, read the store, write the new value, compare-and-set
 * the cell back to SETTLED (two coordinator writes per update). Readers read the store directly;
 * an update takes effect when the store is written.
 *
 * <p>A claim older than the Stm's transaction timeout counts as abandoned (its holder crashed) and
 * may be taken over. A holder paused for longer than that can lose its update to the one that took
 * over; it then gets {@link LockLostException}. Use a {@code VersionedStateContainer} where that
 * matters: its updates are a single compare-and-set.
 */
final class ContainerAtom<T> extends IdentityBase<T> implements Atom<T> {
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

    /** The state a cell record holds. */
    private record Claim(Versioned cell, TxnId writer, boolean claimed, long sinceMillis) {}

    static byte[] record(TxnId id, boolean claimed) {
        return record(id, claimed, System.currentTimeMillis());
    }

    static byte[] record(TxnId id, boolean claimed, long sinceMillis) {
        byte[] state = ByteBuffer.allocate(9)
                .put(claimed ? CLAIMED : SETTLED)
                .putLong(sinceMillis)
                .array();
        return new Record(Record.ATOM | Record.EXTERNAL, id, state, List.of()).encode();
    }

    /** @throws CorruptRecordException if {@code cell} is not an atom kept in a StateContainer */
    void checkKind(Versioned cell) {
        parse(cell);
    }

    private Claim parse(Versioned cell) {
        Record r = Record.decode(engine.where(name), cell.data());
        if (!r.isAtom() || !r.isExternal() || r.value().length != 9) {
            throw new CorruptRecordException(
                    "'" + name + "' in " + engine.describe() + " is not an atom kept in a StateContainer");
        }
        ByteBuffer b = ByteBuffer.wrap(r.value());
        return new Claim(cell, r.writer(), b.get() == CLAIMED, b.getLong());
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
        long lease = options.timeout().toMillis();
        Claim seen = parse(engine.coordinator().current(name));
        for (int attempt = 0; ; attempt++) {
            if (seen.claimed() && System.currentTimeMillis() - seen.sinceMillis() < lease) {
                pause(attempt, options); // someone else is updating
                seen = parse(engine.coordinator().fetch(List.of(name), deadline).get(0));
                checkLimits(attempt, options, deadline);
                continue;
            }
            TxnId id = TxnId.random();
            Versioned claimed = write(seen.cell(), id, true, deadline);
            if (claimed == null) {
                engine.counters().atomConflicts.increment();
                checkLimits(attempt, options, deadline);
                seen = parse(engine.coordinator().fetch(List.of(name), deadline).get(0));
                continue;
            }
            T next;
            T current;
            try {
                current = read();
                if (proceed != null && !proceed.test(current)) {
                    settle(claimed, id);
                    return current;
                }
                next = fn.apply(current); // user code: its exceptions pass unchanged
                validate(next);
                store(next);
            } catch (RuntimeException | Error e) {
                try {
                    settle(claimed, id);
                } catch (RuntimeException settleFailure) {
                    e.addSuppressed(settleFailure); // the first failure is the one to report
                }
                throw e;
            }
            boolean settled;
            try {
                settled = settle(claimed, id);
            } catch (CoordinationException | StmClosedException e) {
                // the store holds the new value already: this is not a change that did not apply
                throw new CommitOutcomeUnknownException(
                        "atom '" + name + "': the new value was stored in " + container
                                + " but its claim could not be released (" + e.getMessage() + "); the update"
                                + " stands unless another client takes the claim over and overwrites it",
                        e);
            }
            if (!settled) {
                throw new LockLostException("the claim on atom '" + name + "' expired (after " + options.timeout()
                        + ") before the update settled: another client took over, and this update may be lost");
            }
            engine.counters().atomUpdates.increment();
            return next; // watches fire from the coordinator's notification of the settled cell
        }
    }

    private void store(T value) {
        try {
            container.set(value);
        } catch (RuntimeException e) {
            throw External.failure("writing atom '" + name + "' to " + container, e, true);
        }
    }

    /**
     * Compare-and-set of the cell; the new state, or null on a conflict.
     *
     * @param deadline when to stop waiting for the coordinator before sending, or null to wait as
     *     long as it takes (releasing a claim must not be cut short)
     */
    private Versioned write(Versioned from, TxnId id, boolean claimed, Long deadline) {
        CommitRequest request = new CommitRequest(
                List.of(), List.of(new CommitRequest.Write(name, from.version(), record(id, claimed))), List.of());
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

    /** Releases our claim; false if it was taken over meanwhile. */
    private boolean settle(Versioned claimed, TxnId id) {
        return write(claimed, id, false, null) != null;
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
                    options.backoff().delay(attempt + 1).toNanos()));
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

    @Override
    public void destroy() {
        engine.destroy(this);
        container.destroy();
    }
}
