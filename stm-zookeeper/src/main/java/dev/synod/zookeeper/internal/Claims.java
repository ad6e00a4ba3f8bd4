package dev.synod.zookeeper.internal;

import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The claims this client knows of, per cell: the children of the cell's znode, each an ephemeral
 * sequential node of a client that kept losing races on the cell and asked for a turn (see {@code
 * Coordinator.claim}). Learnt from the children-changed notifications of the persistent watch each
 * opened cell already has (a cell has no other children), and from the read that follows a claim.
 *
 * <p>Claims are ordered by their sequence number. The first one in force on a cell has the turn,
 * for a lease that starts when this client first finds it first in line and lasts as long as the
 * claim's name asks (twice its holder's attempt, within bounds: see {@link #nameFor}): a holder that stalls (a
 * long pause, a lost notification) delays others by a lease at most, after which its claim is no
 * longer in force here, even if its node is still listed. Claims are advisory: version checks
 * still decide every commit, so a claim missed or honoured too long costs time, never safety.
 */
final class Claims {
    /** How long the claim first in line is honoured at least; settable for tests. */
    static volatile long leaseNanos = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long a claim is honoured at most, whatever lease its name asks for: a claimant whose
     * attempts take longer than half of this is not helped by its turn.
     */
    static final long MAX_LEASE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Prefix of a claim node's name (Curator's protection prefix comes before it). */
    static final String PREFIX = "claim-";

    /** Sequence order: the 10-digit suffix ZooKeeper appends, then the whole name. */
    static final Comparator<String> ORDER = Comparator.comparing(
                    (String child) -> child.substring(Math.max(0, child.length() - 10)))
            .thenComparing(Comparator.naturalOrder());

    /**
     * The name (before ZooKeeper's sequence number) of a claim whose holder's attempts take {@code
     * attemptNanos}: it asks for a lease of twice that, in milliseconds, between {@link #leaseNanos}
     * and {@link #MAX_LEASE_NANOS}. For example {@code claim-3000-}.
     */
    static String nameFor(long attemptNanos) {
        long wanted = attemptNanos > MAX_LEASE_NANOS / 2 ? MAX_LEASE_NANOS : 2 * Math.max(0, attemptNanos);
        return PREFIX + TimeUnit.NANOSECONDS.toMillis(bounded(wanted)) + "-";
    }

    /**
     * The lease honoured for claim node {@code child}: the one its name asks for, between {@link
     * #leaseNanos} and {@link #MAX_LEASE_NANOS}; {@link #leaseNanos} for a name that asks for none
     * (written before leases were named) or that cannot be read.
     */
    static long leaseOf(String child) {
        int at = child.lastIndexOf(PREFIX);
        int end = child.length() - 11; // the dash before ZooKeeper's 10-digit sequence number
        if (at < 0 || end <= at + PREFIX.length() || child.charAt(end) != '-') {
            return leaseNanos;
        }
        long millis = 0;
        for (int i = at + PREFIX.length(); i < end; i++) {
            char c = child.charAt(i);
            if (c < '0' || c > '9') {
                return leaseNanos;
            }
            millis = Math.min(millis * 10 + (c - '0'), Integer.MAX_VALUE); // longer than any bound
        }
        return bounded(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static long bounded(long lease) {
        return Math.min(MAX_LEASE_NANOS, Math.max(leaseNanos, lease));
    }

    /** Lease state of a claim not yet first in line. */
    private static final long QUEUED = 0;
    /** Lease state of a claim whose lease ran out. */
    private static final long RAN_OUT = Long.MIN_VALUE;

    private final Object lock = new Object();
    /**
     * Cell name to its claims: child node name to {lease end ({@code System.nanoTime}) or a state
     * above, length of its lease}.
     */
    private final Map<String, TreeMap<String, long[]>> byCell = new HashMap<>();
    /** Cell name to the children version of the last list applied: older reads are ignored. */
    private final Map<String, Integer> cversions = new HashMap<>();
    /** Whether any claim is known: the common case (none) costs a commit one volatile read. */
    private volatile boolean any;

    /** Whether any claim is known at all. */
    boolean any() {
        return any;
    }

    /**
     * The children of a cell read at children version {@code cversion} (replies can be applied
     * out of order: an older list than one applied already is ignored).
     */
    void learnt(String name, List<String> children, int cversion) {
        synchronized (lock) {
            Integer last = cversions.get(name);
            if (last != null && cversion < last) {
                return;
            }
            cversions.put(name, cversion);
            TreeMap<String, long[]> old = byCell.get(name);
            if (children.isEmpty()) {
                byCell.remove(name);
            } else {
                TreeMap<String, long[]> fresh = new TreeMap<>(ORDER);
                for (String child : children) {
                    long[] state = old == null ? null : old.get(child);
                    fresh.put(child, state == null ? new long[] {QUEUED, leaseOf(child)} : state);
                }
                byCell.put(name, fresh);
            }
            changed();
        }
    }

    /** Claims of this client that are gone (released, or deleted by the commit that used them). */
    void removed(Map<String, String> claims) {
        synchronized (lock) {
            for (Map.Entry<String, String> c : claims.entrySet()) {
                TreeMap<String, long[]> m = byCell.get(c.getKey());
                if (m != null) {
                    m.remove(c.getValue());
                    if (m.isEmpty()) {
                        byCell.remove(c.getKey());
                    }
                }
            }
            changed();
        }
    }

    /** Forgets the claims of a cell (deleted). */
    void forget(String name) {
        synchronized (lock) {
            byCell.remove(name);
            cversions.remove(name);
            changed();
        }
    }

    /**
     * Forgets every claim: the session changed, so notifications may have been missed; claims
     * still there are learnt again from the next change of their cell.
     */
    void clear() {
        synchronized (lock) {
            byCell.clear();
            cversions.clear();
            changed();
        }
    }

    private void changed() {
        any = !byCell.isEmpty();
        lock.notifyAll();
    }

    /**
     * Whether this client's claim {@code child} on {@code name} ran out of lease here (false while
     * it is queued or in force, or if this client does not know it any more).
     */
    boolean ranOut(String name, String child) {
        synchronized (lock) {
            TreeMap<String, long[]> m = byCell.get(name);
            if (m == null || !m.containsKey(child)) {
                return false;
            }
            head(m, System.nanoTime());
            return m.get(child)[0] == RAN_OUT;
        }
    }

    /**
     * The first claim in force on a cell, starting its lease if it just got first in line and
     * marking the ones whose lease ran out; null if none. Caller holds {@code lock}.
     */
    private static Map.Entry<String, long[]> head(TreeMap<String, long[]> m, long now) {
        Iterator<Map.Entry<String, long[]>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, long[]> e = it.next();
            long[] state = e.getValue();
            if (state[0] == RAN_OUT) {
                continue;
            }
            if (state[0] == QUEUED) {
                long end = now + state[1];
                state[0] = end == QUEUED || end == RAN_OUT ? end + 1 : end;
            }
            if (state[0] - now > 0) {
                return e;
            }
            state[0] = RAN_OUT;
        }
        return null;
    }

    /**
     * Waits until no cell of {@code names} has a claim in force ahead of {@code mine} (this
     * caller's own claims, cell name to child; empty for a caller without a claim, who waits for
     * every claim in force).
     *
     * @param what the action waiting, for the messages
     * @throws TransactionTimeoutException if {@code deadlineNanos} passes first
     * @throws StmInterruptedException if interrupted while waiting (the flag is set again)
     */
    void awaitTurn(Collection<String> names, Map<String, String> mine, long deadlineNanos, String what) {
        if (!any) {
            return;
        }
        try {
            waitForTurn(names, mine, deadlineNanos, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException(
                    "interrupted while waiting for another client's turn (" + what + "); nothing was applied");
        }
    }

    private void waitForTurn(Collection<String> names, Map<String, String> mine, long deadlineNanos, String what)
            throws InterruptedException {
        synchronized (lock) {
            while (true) {
                long now = System.nanoTime();
                long wakeAt = 0;
                String blocker = null;
                for (String name : names) {
                    TreeMap<String, long[]> m = byCell.get(name);
                    if (m == null) {
                        continue;
                    }
                    Map.Entry<String, long[]> head = head(m, now);
                    if (head == null || head.getKey().equals(mine.get(name))) {
                        continue;
                    }
                    long end = head.getValue()[0];
                    if (blocker == null || end - wakeAt < 0) {
                        wakeAt = end;
                    }
                    blocker = name;
                }
                if (blocker == null) {
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

    /** Whether claim {@code child} on {@code name} is known here. */
    boolean knows(String name, String child) {
        synchronized (lock) {
            TreeMap<String, long[]> m = byCell.get(name);
            return m != null && m.containsKey(child);
        }
    }

    /** The claims known on a cell, in order: for tests. */
    List<String> on(String name) {
        synchronized (lock) {
            TreeMap<String, long[]> m = byCell.get(name);
            return m == null ? List.of() : List.copyOf(m.keySet());
        }
    }
}
