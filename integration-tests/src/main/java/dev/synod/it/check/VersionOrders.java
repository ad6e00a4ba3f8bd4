package dev.synod.it.check;

import dev.synod.it.check.AppendTxn.MicroOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the list-append reads reveal: who appended each value, every read of a committed txn,
 * and per key the version order, taken from the longest read. Reports {@link
 * Anomaly#DUPLICATE_ELEMENTS} and {@link Anomaly#INCOMPATIBLE_ORDER}.
 */
final class VersionOrders {
    /** A read of a committed txn, with duplicates removed; {@code compatible} if a prefix of the order. */
    record Read(AppendTxn txn, String key, List<Long> values, boolean compatible) {}

    private final Map<String, Map<Long, AppendTxn>> writers = new HashMap<>();
    private final Map<String, List<Long>> orders = new TreeMap<>();
    private final List<Read> reads = new ArrayList<>();

    VersionOrders(List<AppendTxn> txns, CheckResult.Builder result) {
        Map<String, List<Read>> byKey = new TreeMap<>();
        for (AppendTxn txn : txns) {
            for (MicroOp m : txn.microOps()) {
                if (m.append()) {
                    AppendTxn previous = writers.computeIfAbsent(m.key(), k -> new HashMap<>())
                            .putIfAbsent(m.value(), txn);
                    if (previous != null) {
                        throw new IllegalArgumentException("value " + m.value() + " appended to " + m.key()
                                + " twice, by " + previous.name() + " and " + txn.name()
                                + ": values must be unique per key");
                    }
                } else if (txn.isOk() && m.read() != null) {
                    List<Long> distinct = List.copyOf(new LinkedHashSet<>(m.read()));
                    if (distinct.size() != m.read().size()) {
                        result.anomaly(
                                Anomaly.DUPLICATE_ELEMENTS,
                                txn.name() + " read " + m.key() + " = " + m.read() + ", with " + repeated(m.read())
                                        + " more than once");
                    }
                    byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(new Read(txn, m.key(), distinct, true));
                }
            }
        }
        byKey.forEach((key, keyReads) -> inferOrder(key, keyReads, result));
    }

    private void inferOrder(String key, List<Read> keyReads, CheckResult.Builder result) {
        Read longest = keyReads.get(0);
        for (Read read : keyReads) {
            if (read.values().size() > longest.values().size()) {
                longest = read;
            }
        }
        List<Long> order = longest.values();
        orders.put(key, order);
        Read firstConflict = null;
        for (Read read : keyReads) {
            boolean compatible =
                    read.values().equals(order.subList(0, read.values().size()));
            reads.add(compatible ? read : new Read(read.txn(), key, read.values(), false));
            if (!compatible && firstConflict == null) {
                firstConflict = read;
            }
        }
        if (firstConflict != null) {
            result.anomaly(
                    Anomaly.INCOMPATIBLE_ORDER,
                    "key " + key + ": " + firstConflict.txn().name() + " read " + firstConflict.values() + " but "
                            + longest.txn().name() + " read " + order);
        }
    }

    private static Set<Long> repeated(List<Long> values) {
        Set<Long> seen = new HashSet<>();
        Set<Long> repeated = new LinkedHashSet<>();
        values.forEach(v -> {
            if (!seen.add(v)) {
                repeated.add(v);
            }
        });
        return repeated;
    }

    /** Returns the txn that appended {@code value} to {@code key}, or null if none did. */
    AppendTxn writer(String key, long value) {
        return writers.getOrDefault(key, Map.of()).get(value);
    }

    /** Returns the version order of every key that was read, by key. */
    Map<String, List<Long>> orders() {
        return orders;
    }

    /** Returns every read of a committed txn, by key. */
    List<Read> reads() {
        return reads;
    }
}
