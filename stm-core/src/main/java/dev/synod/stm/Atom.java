package dev.synod.stm;

import java.util.function.UnaryOperator;

/**
 * An independent, shared value changed atomically on its own, without a transaction (Clojure's
 * atom). Every change is a compare-and-set on the stored version: a change computed from a stale
 * value is never written.
 *
 * <p>Atom operations do not take part in an enclosing transaction: called inside one, they apply
 * at once and are not undone if the transaction retries (as in Clojure). Values must not be
 * null. Thread-safe.
 *
 * @param <T> the value type
 */
public interface Atom<T> extends Identity<T> {

    /**
     * Atomically replaces the value with {@code fn(value)} and returns the new value. {@code fn}
     * is re-applied to the fresh value when another client changed it in between, so it may be
     * called several times and must be free of side effects.
     *
     * @throws ValidationException if the validator rejects the new value
     * @throws RetryLimitExceededException if the retry limit of the Stm's default options is
     *     exceeded under contention
     */
    T swap(UnaryOperator<T> fn);

    /** Sets the value unconditionally and returns it. */
    T reset(T value);

    /**
     * Sets the value to {@code value} if the current value {@link Object#equals equals} {@code
     * expected}.
     *
     * @return whether the value was set
     */
    boolean compareAndSet(T expected, T value);

    /** Deletes the atom. Other clients then get {@link NoSuchRefException}. */
    void destroy();
}
