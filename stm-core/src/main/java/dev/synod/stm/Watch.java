package dev.synod.stm;

/**
 * A callback fired after a committed change of a ref or atom (Clojure's watch function).
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Watch<T> {
    /**
     * @param key the key the watch was added under
     * @param identity the ref or atom that changed
     * @param oldValue the value before the change (never null)
     * @param newValue the value after the change (never null)
     */
    void onChange(Object key, Identity<T> identity, T oldValue, T newValue);
}
