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
     * is first and no downgrade node of another session is queued, a shared node when no exclusive
     * node precedes it, a downgrade node (a read lock its writer took) always. A first exclusive
     * node with downgrade nodes of its own session only is their writer, which took the read lock
     * while it held: it still holds. (Another thread of that session that queued for the write
     * lock, and stands first once the downgrading writer let go of it, waits for the read lock yet
     * reads the same; the znodes cannot tell the two apart.)
     *
     * @param sessions the owning session of each node of {@code sorted}, in the same order
     */
    public static boolean holds(List<String> sorted, List<Long> sessions, int index) {
        if (sorted.size() != sessions.size()) {
            throw new IllegalArgumentException(sorted.size() + " nodes but " + sessions.size() + " sessions");
        }
        String node = sorted.get(index);
        if (isExclusive(node)) {
            return index == 0 && downgradesOnlyOf(sorted, sessions, sessions.get(0));
        }
        return LockDriver.shared(() -> false, session -> false).blocker(sorted, index) == null;
    }

    private static boolean downgradesOnlyOf(List<String> sorted, List<Long> sessions, long session) {
        for (int i = 0; i < sorted.size(); i++) {
            if (LockNodes.isDowngrade(sorted.get(i)) && sessions.get(i) != session) {
                return false;
            }
        }
        return true;
    }
}
