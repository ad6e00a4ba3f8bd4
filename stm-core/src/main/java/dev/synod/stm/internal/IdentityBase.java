package dev.synod.stm.internal;

import dev.synod.stm.Identity;
import dev.synod.stm.ValidationException;
import dev.synod.stm.Watch;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validator and watches, shared by refs, local refs and atoms. */
abstract class IdentityBase<T> implements Identity<T> {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityBase.class);
    final Engine engine;
    final String name;
    /** Held while the engine opens this handle; {@link #opened} once an open succeeded. */
    final Object openLock = new Object();

    volatile boolean opened;
    private final Map<Object, Watch<T>> watches = new ConcurrentHashMap<>();
    private volatile Predicate<? super T> validator;
    /** The newest value delivered to (or seen when adding) watches: the old value of the next change. */
    private volatile T lastWatched;
    /** Orders {@link #lastWatched} between {@link #addWatch} and {@link #fireWatches}. */
    private final Object watchStart = new Object();
    /** Changes delivered so far (with {@link #watchStart}). */
    private long fired;

    /**
     * Orders the hint that this client only updates the identity ({@code Coordinator.updatesOnly},
     * given by atoms and refs) with watches being added: an identity with watches is never left
     * unwatched.
     */
    final Object hintLock = new Object();

    /** Watches being added through {@link #addWatchWithoutHint} (with {@link #hintLock}). */
    private int addingWatches;

    IdentityBase(Engine engine, String name) {
        this.engine = engine;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setValidator(Predicate<? super T> validator) {
        engine.ensureOpen();
        if (validator != null) {
            T current = get();
            if (!validator.test(current)) {
                throw new ValidationException(
                        name, "the current value of '" + name + "' does not pass the new validator");
            }
        }
        this.validator = validator;
    }

    @Override
    public Predicate<? super T> getValidator() {
        return validator;
    }

    /** Runs the validator; a false result becomes a {@link ValidationException}, a throw propagates. */
    void validate(T value) {
        Predicate<? super T> v = validator;
        if (v != null && !v.test(value)) {
            throw new ValidationException(name, "validator of '" + name + "' rejected the value " + abbreviate(value));
        }
    }

    @Override
    public void addWatch(Object key, Watch<T> watch) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(watch, "watch");
        engine.ensureOpen();
        registerWatch(key, watch);
    }

    /** Registers the watch, then (for the first one) reads the value it starts from. */
    private void registerWatch(Object key, Watch<T> watch) {
        boolean first;
        long firedBefore;
        synchronized (watchStart) {
            first = watches.isEmpty() || lastWatched == null;
            if (first) {
                lastWatched = null; // not a value from before the last watch went
            }
            firedBefore = fired;
        }
        // registered before the read: a change the read does not see is then reported
        watches.put(key, watch);
        if (!first) {
            return;
        }
        T start;
        try {
            // the value the next change is reported from; a failed read leaves the watch out
            start = committed();
        } catch (RuntimeException | Error e) {
            watches.remove(key, watch);
            throw e;
        }
        synchronized (watchStart) {
            if (fired == firedBefore) {
                lastWatched = start; // else a change delivered meanwhile is newer than the read
            }
        }
    }

    /**
     * The latest committed value this client knows, also inside a transaction (whose own view
     * may hold values it has not committed): what a watch added now starts from.
     */
    T committed() {
        return get();
    }

    T lastWatched() {
        return lastWatched;
    }

    @Override
    public void removeWatch(Object key) {
        Objects.requireNonNull(key, "key");
        watches.remove(key);
    }

    boolean hasWatches() {
        return !watches.isEmpty();
    }

    /**
     * Whether the "only updates" hint may be given now: no watch, and none being added. The caller
     * holds {@link #hintLock} until it has given the hint.
     */
    boolean mayHintUpdatesOnly() {
        return !hasWatches() && addingWatches == 0;
    }

    /**
     * {@link #addWatch} for an identity that may have been left unwatched: no hint is given while
     * it runs, and {@code catchUp} first brings the state current (before the watch is registered:
     * catching up is not a change the watch should hear of). A failure propagates, the watch not
     * added.
     */
    void addWatchWithoutHint(Object key, Watch<T> watch, Runnable catchUp) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(watch, "watch");
        engine.ensureOpen();
        synchronized (hintLock) {
            addingWatches++;
        }
        try {
            catchUp.run();
            IdentityBase.this.registerWatch(key, watch);
        } finally {
            synchronized (hintLock) {
                addingWatches--;
            }
        }
    }

    /** Calls every watch; one that throws is logged and does not stop the others. */
    void fireWatches(T oldValue, T newValue) {
        synchronized (watchStart) {
            fired++;
            lastWatched = newValue;
        }
        for (Map.Entry<Object, Watch<T>> e : watches.entrySet()) {
            try {
                e.getValue().onChange(e.getKey(), this, oldValue, newValue);
            } catch (RuntimeException | Error ex) {
                if (ex instanceof VirtualMachineError) {
                    throw ex;
                }
                LOG.warn("watch '{}' on '{}' threw; ignored", e.getKey(), name, ex);
            }
        }
    }

    static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
