package dev.synod.locks.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The strategy seam of the lock engine: which kind of node an acquirer creates, and whether the
 * node at a given place in the queue is granted or must wait. The mutex and the write lock are
 * {@link #exclusive()}; the read lock is {@link #shared(BooleanSupplier)}.
 */
public interface LockDriver {

    /** Tag of the nodes this driver creates ({@code "w"} or {@code "r"}). */
    String tag();

    /**
     * Whether the calling thread is granted the lock without looking at the queue (a read lock
     * taken by the thread that holds the write lock: a downgrade).
     */
    boolean grantsWithoutWaiting();

    /**
     * Decides for the node at {@code ourIndex} in the queue sorted by sequence number.
     *
     * @return {@code null} when the node holds the lock, otherwise the name of the node to wait for
     */
    String blocker(List<String> sortedNodes, int ourIndex);

    /** One holder at a time: a node holds the lock when it is first in the queue. */
    static LockDriver exclusive() {
        return Exclusive.INSTANCE;
    }

    /**
     * Many holders: a node holds the lock when no exclusive node precedes it, or at once when
     * {@code holdsExclusive} says the calling thread already holds the exclusive side.
     */
    static LockDriver shared(BooleanSupplier holdsExclusive) {
        return new Shared(Objects.requireNonNull(holdsExclusive, "holdsExclusive"));
    }

    /** Exclusive (mutex or write) driver. */
    enum Exclusive implements LockDriver {
        INSTANCE;

        @Override
        public String tag() {
            return LockNodes.EXCLUSIVE;
        }

        @Override
        public boolean grantsWithoutWaiting() {
            return false;
        }

        @Override
        public String blocker(List<String> sortedNodes, int ourIndex) {
            return ourIndex == 0 ? null : sortedNodes.get(ourIndex - 1);
        }
    }

    /** Shared (read) driver. */
    record Shared(BooleanSupplier holdsExclusive) implements LockDriver {
        @Override
        public String tag() {
            return LockNodes.SHARED;
        }

        @Override
        public boolean grantsWithoutWaiting() {
            return holdsExclusive.getAsBoolean();
        }

        @Override
        public String blocker(List<String> sortedNodes, int ourIndex) {
            for (int i = ourIndex - 1; i >= 0; i--) {
                if (LockNodes.isExclusive(sortedNodes.get(i))) {
                    return sortedNodes.get(i);
                }
            }
            return null;
        }
    }
}
