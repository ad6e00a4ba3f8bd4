package dev.synod.stm.spi;

/**
 * Where an atom keeps its value when it is not kept in the coordinator (Avout's {@code
 * StateContainer}). The coordinator still orders changes; the container only stores the latest
 * value.
 *
 * <h2>Fencing</h2>
 *
 * An atom's update holds a claim on its coordinator cell while it writes the store. A holder paused
 * past its lease (a GC, a hung store call) can have its claim taken over and still write late,
 * overwriting the value of an update made after the takeover. A container that {@linkplain
 * #fencing() fences} closes that window: the engine writes with {@link #set(Object, long)},
 * passing the stamp of its claim as the token (strictly greater for every later claim), and the
 * container refuses a write whose token is lower than one it has already stored. The stores of
 * {@code stm-plugins} fence; a container that does not keeps the window (the default methods).
 *
 * <p>Implementations are thread-safe and may be called from several JVMs at once. Failures of
 * the underlying store are reported as {@code dev.synod.stm.StateStoreException} naming the store.
 *
 * @param <T> the value type
 */
public interface StateContainer<T> {
    /** Creates whatever storage is needed. Idempotent. */
    void init();

    /** Removes all stored state. Idempotent. */
    void destroy();

    /** The stored value. @throws dev.synod.stm.NoSuchRefException if nothing was ever set */
    T get();

    /**
     * Stores a value (never null) unconditionally, clearing the token of an earlier fenced write.
     * The engine writes with {@link #set(Object, long)}; it falls back to this only when a fenced
     * write was refused twice, before and after a renewal of its claim that proved no one took it
     * over: the store then holds a token from beyond the coordinator's history.
     */
    void set(T value);

    /**
     * Stores {@code value} (never null) unless a write with a higher token was stored before, in
     * one atomic step: of concurrent fenced writes, the one with the highest token is the value
     * left. A write with the token already stored succeeds (a retry of the same write). The token
     * is kept with the value; {@link #destroy()} removes it too.
     *
     * <p>The default, for a container that cannot fence, stores the value unconditionally and
     * returns true; {@link #fencing()} then returns false.
     *
     * @return true if stored, false if refused because a write with a higher token was stored
     */
    default boolean set(T value, long token) {
        set(value);
        return true;
    }

    /** Whether {@link #set(Object, long)} refuses stale tokens. False by default. */
    default boolean fencing() {
        return false;
    }
}
