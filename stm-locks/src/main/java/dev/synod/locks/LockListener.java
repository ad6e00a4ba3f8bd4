package dev.synod.locks;

/**
 * Hears when a held distributed lock becomes uncertain, is lost, or is confirmed again. Register
 * with {@code addListener} on a lock; every method has an empty default.
 *
 * <p>Callbacks run only for locks that some thread of this process holds at the time, and must
 * return quickly: a slow one holds up the lock's other callbacks and, on Curator's
 * connection-state thread, the client's other listeners. {@link #onUncertain} and {@link #onLost}
 * for an expired session run on that thread. After a reconnection the lock asks ZooKeeper whether
 * its node is still there without waiting on that thread; the verdict ({@link #onRestored}, or
 * {@link #onLost} for a node found gone) runs on a thread of the lock's own once the answer came,
 * unless the connection dropped again first (the lock then stays uncertain until the next
 * reconnection). A lock's callbacks never run at the same time, and come in the order of the
 * events. A callback that throws is logged and ignored. A listener is told about the lock as a
 * whole, not per holding thread.
 */
public interface LockListener {

    /**
     * The connection to ZooKeeper was suspended while the lock was held: the lock may already have
     * been released by the server (if the session expires) and another process may hold it. Stop
     * side effects that need the lock, or make them conditional on the fencing token or guard.
     *
     * @param lock description of the lock, e.g. {@code "write lock 'orders'"}
     */
    default void onUncertain(String lock) {}

    /**
     * The lock was lost: the session expired (or the lock node was removed) while it was held.
     * {@code isHeldByCurrentThread()} is now false for the former holders; their next {@code
     * unlock()} reports {@link dev.synod.stm.LockLostException}. Holders may know before this call
     * (their session is known to be over as soon as the ZooKeeper handle learns of the expiry), and
     * a hold already balanced by {@code unlock()} by then is not reported here. Closing the Curator
     * client calls no listener: its holders learn of the loss from the lock itself.
     *
     * @param lock description of the lock, e.g. {@code "lock 'orders'"}
     */
    default void onLost(String lock) {}

    /**
     * The connection came back within the session and the lock node is still ours: the lock is held
     * again without interruption.
     *
     * @param lock description of the lock
     */
    default void onRestored(String lock) {}
}
