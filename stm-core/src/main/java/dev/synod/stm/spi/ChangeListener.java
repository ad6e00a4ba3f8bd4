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

    /**
     * Whether changes of the cell {@code name} are wanted at the moment (say, because something
     * watches it). A coordinator may skip, without queueing anything, the {@link #onChange} calls
     * of a change for which every listener says no; it asks when the change is applied. Default:
     * every change is wanted.
     */
    default boolean wants(String name) {
        return true;
    }

    /** A cell was deleted. */
    default void onDelete(String name) {}
}
