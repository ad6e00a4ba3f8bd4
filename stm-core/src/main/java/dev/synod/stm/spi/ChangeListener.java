package dev.synod.stm.spi;

/**
 * Receives changes of opened cells, local and remote, in commit order per cell.
 *
 * <p>Called on a coordinator thread; implementations must be quick and must not block on the
 * coordinator. Intermediate versions may be coalesced: {@code previous} is the state this client
 * knew before, which is not necessarily the state immediately before {@code current}.
 */
public interface ChangeListener {
    /**
     * A cell changed.
     *
     * @param previous the state known before, or {@code null} if none was known
     * @param current the new state
     */
    void onChange(Versioned previous, Versioned current);

    /** A cell was deleted. */
    default void onDelete(String name) {}
}
