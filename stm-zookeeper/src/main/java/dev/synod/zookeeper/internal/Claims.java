package dev.synod.zookeeper.internal;

import dev.synod.stm.TransactionTimeoutException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The claims this client knows of, per cell: the children of the cell's znode, each an ephemeral
 * sequential node of a client that kept losing races on the cell and asked for a turn (see {@code
 * Coordinator.claim}). Learnt from the children-changed notifications of the persistent watch each
 * opened cell already has (a cell has no other children), and from this client's own claims.
 *
 * <p>A claim is in force for {@link #LEASE_NANOS} from when this client first saw it: a holder
 * that stalls (a long pause, a lost notification) delays others by a lease at most, and a claim
 * never blocks anyone for ever. Claims are ordered by their sequence number; the first one in
 * force on a cell has the turn.
 */
final class Claims {
    /** How long a claim is honoured after it is first seen. */
    static final long LEASE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Sequence order: the 10-digit suffix ZooKeeper appends, then the whole name. */
    static final Comparator<String> ORDER = Comparator.comparing(
                    (String child) -> child.substring(Math.max(0, child.length() - 10)))
            .thenComparing(Comparator.naturalOrder());

    private final Object lock = new Object();
    /** Cell name to its claims (child node name to when first seen, {@code System.nanoTime}). */
    private final Map<String, TreeMap<String, Long>> byCell = new HashMap<>();
    /** Whether any claim is known: the common case (none) costs a commit one volatile read. */
    private volatile boolean any;

    /** The children of a cell, as read after a children-changed notification or a claim. */
    void learnt(String name, List<String> children) {
        synchronized (lock) {
            TreeMap<String, Long> old = byCell.get(name);
            if (children.isEmpty()) {
                byCell.remove(name);
            } else {
                long now = System.nanoTime();
                TreeMap<String, Long> fresh = new TreeMap<>(ORDER);
                for (String child : children) {
                    Long seen = old == null ? null : old.get(child);
                    fresh.put(child, seen == null ? now : seen);
                }
                byCell.put(name, fresh);
            }
            any = !byCell.isEmpty();
            lock.notifyAll();
        }
    }

    /** This client created claim {@code child} on cell {@code name}. */
    void added(String name, String child) {
        synchronized (lock) {
            byCell.computeIfAbsent(name, k -> new TreeMap<>(ORDER)).putIfAbsent(child, System.nanoTime());
            any = true;
        }
    }

    /** Claims of this client that are gone (released, or deleted by the commit that used them). */
    void removed(Map<String, String> claims) {
        synchronized (lock) {
            for (Map.Entry<String, String> c : claims.entrySet()) {
                TreeMap<String, Long> m = byCell.get(c.getKey());
                if (m != null) {
                    m.remove(c.getValue());
                    if (m.isEmpty()) {
                        byCell.remove(c.getKey());
                    }
                }
            }
            any = !byCell.isEmpty();
            lock.notifyAll();
        }
    }

    /** Forgets the claims of a cell (deleted, or no longer watched). */
    void forget(String name) {
        synchronized (lock) {
            if (byCell.remove(name) != null) {
                any = !byCell.isEmpty();
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits until none of {@code names} has a claim in force ahead of {@code mine} (this caller's
     * own claims, cell name to child; empty for a caller without a claim, who waits for every
     * claim in force).
     *
     * @param what the action waiting, for the timeout's message
     * @throws TransactionTimeoutException if {@code deadlineNanos} passes first
     * @throws InterruptedException if interrupted while waiting
     */
    void awaitTurn(Collection<String> names, Map<String, String> mine, long deadlineNanos, String what)
            throws InterruptedException {
        if (!any) {
            return;
        }
        synchronized (lock) {
            while (true) {
                long now = System.nanoTime();
                long wakeAt = 0;
                boolean blocked = false;
                String blocker = null;
                for (String name : names) {
                    TreeMap<String, Long> m = byCell.get(name);
                    if (m == null) {
                        continue;
                    }
                    String own = mine.get(name);
                    for (Map.Entry<String, Long> c : m.entrySet()) {
                        if (c.getKey().equals(own)) {
                            break; // first in line among the claims in force
                        }
                        long expires = c.getValue() + LEASE_NANOS;
                        if (expires - now > 0) {
                            if (!blocked || expires - wakeAt < 0) {
                                wakeAt = expires;
                            }
                            blocked = true;
                            blocker = name;
                            break;
                        }
                    }
                }
                if (!blocked) {
                    return;
                }
                boolean bounded = deadlineNanos != ZkConnection.NO_DEADLINE;
                if (bounded && deadlineNanos - now <= 0) {
                    throw new TransactionTimeoutException(
                            what + " timed out waiting for another client's turn on '" + blocker + "'");
                }
                long until = bounded && deadlineNanos - wakeAt < 0 ? deadlineNanos : wakeAt;
                TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1, until - now));
            }
        }
    }

    /** The claims known on a cell, in order: for tests. */
    List<String> on(String name) {
        synchronized (lock) {
            TreeMap<String, Long> m = byCell.get(name);
            return m == null ? List.of() : List.copyOf(m.keySet());
        }
    }
}
