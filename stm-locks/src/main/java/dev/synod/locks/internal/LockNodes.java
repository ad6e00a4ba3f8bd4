package dev.synod.locks.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Names of lock nodes and condition waiters: {@code <tag>~<attempt-uuid>~<sequence>}. The '~'
 * cannot occur in a lock name, so a nested lock root (lock "a/b" under lock "a") is never mistaken
 * for a lock node. The attempt id finds our node again after a connection loss during its creation.
 */
final class LockNodes {
    static final String EXCLUSIVE = "w";
    static final String SHARED = "r";
    /**
     * A shared node taken by the thread that holds the exclusive side (a downgrade): it holds
     * wherever it stands in the queue, so an exclusive node waits for it even when first.
     */
    static final String DOWNGRADE = "d";
    /** The tag of a condition waiter (under a condition root, never in a lock queue). */
    static final String WAITER = "waiter";

    private static final char SEP = '~';
    private static final int SEQUENCE_DIGITS = 10;

    private LockNodes() {}

    /** The prefix given to ZooKeeper for a sequential node of {@code tag} and {@code attemptId}. */
    static String prefix(String tag, String attemptId) {
        return tag + SEP + attemptId + SEP;
    }

    static boolean isLockNode(String name) {
        int first = name.indexOf(SEP);
        int last = name.lastIndexOf(SEP);
        // without a sequence it is a node someone else put here, not in the queue
        return first > 0 && last > first && name.length() - last - 1 == SEQUENCE_DIGITS && endsWithSequence(name);
    }

    /** Whether the last {@value #SEQUENCE_DIGITS} characters are digits (ZooKeeper's sequence). */
    private static boolean endsWithSequence(String name) {
        if (name.length() < SEQUENCE_DIGITS) {
            return false;
        }
        for (int i = name.length() - SEQUENCE_DIGITS; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean isExclusive(String name) {
        return name.startsWith(EXCLUSIVE + SEP);
    }

    static boolean isDowngrade(String name) {
        return name.startsWith(DOWNGRADE + SEP);
    }

    static boolean hasAttemptId(String name, String attemptId) {
        return name.contains(SEP + attemptId + SEP);
    }

    static long sequence(String name) {
        return Long.parseLong(name.substring(name.length() - SEQUENCE_DIGITS));
    }

    /**
     * The condition waiters among {@code children}, oldest first: {@code waiter~<attempt>~<seq>},
     * and {@code _c_<uuid>-waiter-<seq>} as clients of Synod 0.1 before 2026-12-02 named them (so
     * that their waiters still get signals during a rolling upgrade). Other nodes are not waiters.
     */
    static List<String> sortedWaiters(List<String> children) {
        return sorted(children, child -> (isLockNode(child) && child.startsWith(WAITER + SEP)) || isOldWaiter(child));
    }

    /** {@code "_c_"} + a 36-character UUID + {@code "-waiter-"} + the sequence. */
    private static boolean isOldWaiter(String name) {
        return name.length() == 3 + 36 + 8 + SEQUENCE_DIGITS
                && name.startsWith("_c_")
                && name.startsWith("-waiter-", 3 + 36)
                && endsWithSequence(name);
    }

    /** The lock nodes among {@code children}, in queue (sequence) order. */
    static List<String> sortedLockNodes(List<String> children) {
        return sorted(children, LockNodes::isLockNode);
    }

    /** The children {@code keep} accepts, in sequence order. */
    private static List<String> sorted(List<String> children, Predicate<String> keep) {
        List<String> nodes = new ArrayList<>(children.size());
        for (String child : children) {
            if (keep.test(child)) {
                nodes.add(child);
            }
        }
        nodes.sort(Comparator.comparingLong(LockNodes::sequence));
        return nodes;
    }
}
