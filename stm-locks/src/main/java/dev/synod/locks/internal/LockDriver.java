package dev.synod.locks.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;

/**
 * The strategy seam of the lock engine: which kind of node an acquirer creates, and whether the
 * node at a given place in the queue is granted or must wait. The mutex and the write lock are
 * {@link #exclusive()}; the read lock is {@link #shared(BooleanSupplier, LongPredicate)}.
 */
public interface LockDriver {

    /**
     * Tag of the node the calling thread creates: {@code "w"}, {@code "r"}, or {@code "d"} for a
     * read lock taken by the thread that holds the write lock (a downgrade).
     */
    String tag();

    /**
     * Whether a downgrade node created on session {@code sessionId} may hold: the calling thread
     * still holds the exclusive side through a live hold of that same session. If not (that hold's
     * session expired meanwhile), the engine queues a plain shared node instead.
     */
    default boolean downgradeHolds(long sessionId) {
        return false;
    }

    /**
     * Decides for the node at {@code ourIndex} in the queue sorted by sequence number.
     *
     * @return {@code null} when the node holds the lock, otherwise the name of the node to wait for
     */
    String blocker(List<String> sortedNodes, int ourIndex);

    /**
     * One holder at a time: a node holds the lock when it is first in the queue and no downgrade
     * node stands anywhere in it (a reader that took over from a writer holds wherever it stands).
     */
    static LockDriver exclusive() {
        return Exclusive.INSTANCE;
    }

    /**
     * Many holders: a node holds the lock when no exclusive node precedes it, or at once, as a
     * downgrade node, when {@code holdsExclusive} says the calling thread already holds the
     * exclusive side ({@code holdsExclusiveOn}: through a live hold of the given session).
     */
    static LockDriver shared(BooleanSupplier holdsExclusive, LongPredicate holdsExclusiveOn) {
        return new Shared(
                Objects.requireNonNull(holdsExclusive, "holdsExclusive"),
                Objects.requireNonNull(holdsExclusiveOn, "holdsExclusiveOn"));
    }

    /** Exclusive (mutex or write) driver. */
    enum Exclusive implements LockDriver {
        INSTANCE;

        @Override
        public String tag() {
            return LockNodes.EXCLUSIVE;
        }

        @Override
        public String blocker(List<String> sortedNodes, int ourIndex) {
            if (ourIndex > 0) {
                return sortedNodes.get(ourIndex - 1);
            }
            for (String node : sortedNodes) {
                if (LockNodes.isDowngrade(node)) {
                    return node; // a reader that took over from the previous writer still holds
                }
            }
            return null;
        }
    }

    /** Shared (read) driver. */
    record Shared(BooleanSupplier holdsExclusive, LongPredicate holdsExclusiveOn) implements LockDriver {
        @Override
        public String tag() {
            return holdsExclusive.getAsBoolean() ? LockNodes.DOWNGRADE : LockNodes.SHARED;
        }

        @Override
        public boolean downgradeHolds(long sessionId) {
            return holdsExclusiveOn.test(sessionId);
        }

        @Override
        public String blocker(List<String> sortedNodes, int ourIndex) {
            if (LockNodes.isDowngrade(sortedNodes.get(ourIndex))) {
                return null; // taken by the writer itself, which checked its hold (downgradeHolds)
            }
            for (int i = ourIndex - 1; i >= 0; i--) {
                if (LockNodes.isExclusive(sortedNodes.get(i))) {
                    return sortedNodes.get(i);
                }
            }
            return null;
        }
    }
}
