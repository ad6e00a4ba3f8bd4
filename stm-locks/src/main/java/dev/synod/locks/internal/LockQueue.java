package dev.synod.locks.internal;

import java.util.List;

/**
 * Read-only helpers over the children of a lock root, for tools that inspect locks without taking
 * them (see {@code dev.synod.locks.LockInspector}).
 */
public final class LockQueue {
    private LockQueue() {}

    /** Whether a child of a lock root is a lock node (otherwise: the root of a nested lock). */
    public static boolean isLockNode(String child) {
        return LockNodes.isLockNode(child);
    }

    /** Whether a lock node was created by an exclusive (mutex or write) acquirer. */
    public static boolean isExclusive(String lockNode) {
        return LockNodes.isExclusive(lockNode);
    }

    /** The lock nodes among {@code children}, in queue order. */
    public static List<String> sorted(List<String> children) {
        return LockNodes.sortedLockNodes(children);
    }

    /**
     * Whether the node at {@code index} of the sorted queue holds the lock: an exclusive node when it
     * is first and no downgrade node is queued, a shared node when no exclusive node precedes it, a
     * downgrade node (a read lock its writer took) always.
     */
    public static boolean holds(List<String> sorted, int index) {
        LockDriver driver = isExclusive(sorted.get(index))
                ? LockDriver.exclusive()
                : LockDriver.shared(() -> false, session -> false);
        return driver.blocker(sorted, index) == null;
    }
}
