package dev.synod.stm.spi;

/**
 * Where an atom keeps its value when it is not kept in the coordinator (Avout's {@code
 * StateContainer}). The coordinator still orders changes; the container only stores the latest
 * value.
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

    /** Stores a value (never null). */
    void set(T value);
}
