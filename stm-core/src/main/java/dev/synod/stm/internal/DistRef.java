package dev.synod.stm.internal;

import dev.synod.stm.Codec;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.spi.Versioned;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.Objects;

/**
 * A ref kept in the coordinator: the value inline (through a {@link Codec}) or in an external
 * {@link VersionedStateContainer} with a pointer inline. Keeps the last decoded state so that a
 * deref of an unchanged ref costs no decoding.
 */
final class DistRef<T> extends RefBase<T> {
    static final int MIN_HISTORY = 1;
    static final int MAX_HISTORY = 10;

    final Codec<T> codec;
    final VersionedStateContainer<T> container;
    private volatile Decoded<T> decoded;
    private volatile int historyTarget = MIN_HISTORY;

    /**
     * Commits in a row, by this client, that wrote this ref on top of the version its previous such
     * commit wrote, after which this client tells the coordinator that it only writes the ref
     * ({@link dev.synod.stm.spi.Coordinator#updatesOnly}), unless the ref has watches or was read
     * outside a transaction since.
     */
    static final int UPDATES_ONLY_AFTER = 16;

    /** The stamp of this client's last commit that wrote the ref (with {@link #hintLock}). */
    private long lastOwnStamp = -1;

    private volatile int ownStreak; // written under hintLock; read without it by wanted()

    /**
     * Whether the coordinator may have stopped keeping this ref current (this client said it only
     * writes it); transactions then start from its last known state and check it (see {@link
     * TxnImpl}). May be true while the ref is current again: it only chooses the read.
     */
    private volatile boolean mayBeQuiet;

    /** A cell state with its record and value decoded. */
    record Decoded<T>(Versioned cell, Record record, T value) {}

    DistRef(Engine engine, String name, Codec<T> codec, VersionedStateContainer<T> container) {
        super(engine, name);
        this.codec = codec;
        this.container = container;
    }

    boolean isExternal() {
        return container != null;
    }

    Decoded<T> decode(Versioned cell) {
        Decoded<T> d = decoded;
        if (d != null && d.cell.version() == cell.version() && d.cell.stamp() == cell.stamp()) {
            return d;
        }
        Record record = Record.decode(engine.where(name), cell.data());
        if (record.isAtom()) {
            throw new CorruptRecordException("'" + name + "' in " + engine.describe() + " holds an atom, not a ref");
        }
        Decoded<T> fresh = new Decoded<>(cell, record, valueOf(record.value(), record.isExternal()));
        remember(fresh);
        return fresh;
    }

    /** Keeps {@code state} as the last decoded state, unless a newer one is kept already. */
    void remember(Decoded<T> state) {
        Decoded<T> d = decoded;
        if (d == null || d.cell.stamp() < state.cell.stamp()) {
            decoded = state;
        }
    }

    T valueOf(byte[] bytes, boolean external) {
        if (external != isExternal()) {
            throw new CorruptRecordException("'" + name + "' in " + engine.describe() + " was written as "
                    + (external ? "an external" : "an inline") + " ref but is opened as "
                    + (isExternal() ? "an external" : "an inline") + " one");
        }
        if (!external) {
            try {
                return Objects.requireNonNull(codec.decode(bytes), "codec returned null");
            } catch (RuntimeException e) {
                throw new CorruptRecordException(
                        "cannot decode the value of '" + name + "' at " + engine.where(name) + " with " + codec + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return External.read(container, name, bytes);
    }

    byte[] encodeValue(T value) {
        try {
            return Objects.requireNonNull(codec.encode(value), "the codec returned null");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode the value of '" + name + "' with " + codec + ": " + e.getMessage(), e);
        }
    }

    int historyTarget() {
        return historyTarget;
    }

    void growHistory() {
        int h = historyTarget;
        if (h < MAX_HISTORY) {
            historyTarget = h + 1;
        }
    }

    /** Whether transactions read this ref from its last known state (see {@link #mayBeQuiet}). */
    boolean mayBeQuiet() {
        return mayBeQuiet;
    }

    /**
     * A commit of this client wrote this ref on top of {@code baseStamp}, producing {@code stamp}:
     * after {@link #UPDATES_ONLY_AFTER} such commits in a row, each on top of the one before, the
     * coordinator is told that this client only writes the ref. A commit of a transaction that
     * would not read the ref from its last known state (snapshot isolation, or no retries allowed)
     * starts the count over: such transactions would only watch it again.
     */
    void committedHere(long baseStamp, long stamp, boolean readsLastKnown) {
        if (isExternal()) {
            return;
        }
        synchronized (hintLock) {
            ownStreak = !readsLastKnown ? 0 : baseStamp == lastOwnStamp ? ownStreak + 1 : 1;
            lastOwnStamp = Math.max(lastOwnStamp, stamp);
            if (ownStreak >= UPDATES_ONLY_AFTER
                    && !mayBeQuiet
                    && mayHintUpdatesOnly()
                    && engine.coordinator().updatesOnly(name)) {
                mayBeQuiet = true;
                engine.counters().refsUnwatched.increment();
            }
        }
    }

    /**
     * The ref was just read current (or is contended): it is kept current, and the count starts
     * over. Call after the read.
     *
     * @return whether the coordinator had been told this client only writes the ref: the caller
     *     reads it current once more, since the hint may have been given after its read (a commit
     *     of another thread racing it), leaving the ref unwatched; usually that read found it
     *     unwatched and watched it again, and reading it again is a memory read
     */
    boolean wanted() {
        boolean hinted = false;
        if (mayBeQuiet || ownStreak != 0) {
            synchronized (hintLock) {
                hinted = mayBeQuiet;
                ownStreak = 0;
                mayBeQuiet = false;
            }
        }
        return hinted;
    }

    /**
     * Makes the coordinator keep this ref current again (a round trip if it had stopped) and
     * returns its state.
     */
    Versioned currentAgain() {
        return readWanted(() -> engine.coordinator().current(name));
    }

    /** As {@link #currentAgain()} for a transaction: a read it needs ends at its deadline. */
    Versioned currentAgain(long deadlineNanos) {
        return readWanted(() -> engine.coordinator().current(name, deadlineNanos));
    }

    /** Reads the ref with {@code read}, then marks it {@link #wanted} (reading again if it had been hinted). */
    private Versioned readWanted(java.util.function.Supplier<Versioned> read) {
        Versioned cell = read.get();
        if (!wanted()) {
            return cell;
        }
        try {
            return read.get();
        } catch (RuntimeException e) {
            // this read may be the one that watches the ref again: until one succeeds, it may
            // still be unwatched (a watch added meanwhile catches up first)
            synchronized (hintLock) {
                mayBeQuiet = true;
            }
            throw e;
        }
    }

    @Override
    public void addWatch(Object key, dev.synod.stm.Watch<T> watch) {
        // caught up first if it may have been left unwatched (catching up is not a change the watch
        // should hear of); the first watch's read (committed) keeps it current in any case
        addWatchWithoutHint(key, watch, () -> {
            if (mayBeQuiet) {
                currentAgain();
            }
        });
    }

    @Override
    public T get() {
        TxnImpl txn = engine.currentTxn(this);
        return txn != null ? txn.get(this) : committed();
    }

    @Override
    T committed() {
        engine.coordinator().checkStaleness();
        return decodeLatest().value();
    }

    /**
     * Decodes the current cell state; if an external version it points at was deleted meanwhile
     * (the cell moved on), decodes the newer state instead.
     */
    Decoded<T> decodeLatest() {
        Versioned cell = currentAgain();
        while (true) {
            try {
                return decode(cell);
            } catch (VersionGoneException e) {
                Versioned now = engine.coordinator().current(name);
                if (now.version() == cell.version()) {
                    now = engine.coordinator().fetch(java.util.List.of(name)).get(0);
                    if (now.version() == cell.version()) {
                        throw e; // the cell has not moved: the version really is missing
                    }
                }
                cell = now;
            }
        }
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
