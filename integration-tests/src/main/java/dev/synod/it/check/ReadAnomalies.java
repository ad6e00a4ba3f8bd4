package dev.synod.it.check;

import dev.synod.it.check.AppendTxn.MicroOp;
import dev.synod.it.check.VersionOrders.Read;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The list-append anomalies that single reads show, without a graph: {@link Anomaly#G1A} (a read
 * of a value never appended or appended by a failed txn), {@link Anomaly#G1B} (a read of another
 * txn's intermediate state) and {@link Anomaly#INTERNAL} (a read that ignores the txn's own
 * earlier reads and appends).
 */
final class ReadAnomalies {
    private ReadAnomalies() {}

    static void check(List<AppendTxn> txns, VersionOrders orders, CheckResult.Builder result) {
        for (Read read : orders.reads()) {
            abortedReads(read, orders, result);
            intermediateReads(read, orders, result);
        }
        txns.stream().filter(AppendTxn::isOk).forEach(txn -> internal(txn, result));
    }

    private static void abortedReads(Read read, VersionOrders orders, CheckResult.Builder result) {
        for (long value : read.values()) {
            AppendTxn writer = orders.writer(read.key(), value);
            if (writer == null) {
                result.anomaly(Anomaly.G1A, reader(read) + value + " was never appended");
            } else if (writer.op().type() == OpType.FAIL) {
                result.anomaly(Anomaly.G1A, reader(read) + value + " was appended by failed " + writer.name());
            }
        }
    }

    /** The start of a witness (built only for an anomaly: reads may be long). */
    private static String reader(Read read) {
        return read.txn().name() + " read " + read.key() + " = " + read.values() + ": ";
    }

    private static void intermediateReads(Read read, VersionOrders orders, CheckResult.Builder result) {
        Set<AppendTxn> reported = new HashSet<>();
        Set<Long> seen = new HashSet<>(read.values());
        for (long value : read.values()) {
            AppendTxn writer = orders.writer(read.key(), value);
            if (writer == null || writer == read.txn() || reported.contains(writer)) {
                continue;
            }
            List<Long> appends = writer.appends(read.key());
            List<Long> later = appends.subList(appends.indexOf(value) + 1, appends.size());
            for (long missing : later) {
                if (!seen.contains(missing)) {
                    reported.add(writer);
                    result.anomaly(
                            Anomaly.G1B,
                            read.txn().name() + " read " + read.key() + " = " + read.values() + ": saw " + value
                                    + " but not " + missing + ", both appended by " + writer.name());
                    break;
                }
            }
        }
    }

    private static void internal(AppendTxn txn, CheckResult.Builder result) {
        Map<String, List<Long>> known = new HashMap<>();
        Map<String, List<Long>> own = new HashMap<>();
        for (MicroOp m : txn.microOps()) {
            List<Long> mine = own.computeIfAbsent(m.key(), k -> new ArrayList<>());
            if (m.append()) {
                mine.add(m.value());
                continue;
            }
            if (m.read() == null) {
                continue;
            }
            List<Long> before = known.get(m.key());
            boolean consistent;
            String expected;
            if (before != null) {
                List<Long> expect = new ArrayList<>(before);
                expect.addAll(mine);
                consistent = m.read().equals(expect);
                expected = expect.toString();
            } else {
                int size = m.read().size();
                consistent = size >= mine.size()
                        && m.read().subList(size - mine.size(), size).equals(mine);
                expected = "a list ending in " + mine;
            }
            if (!consistent) {
                result.anomaly(
                        Anomaly.INTERNAL,
                        txn.name() + " read " + m.key() + " = " + m.read() + " but its own earlier operations imply "
                                + expected);
            }
            known.put(m.key(), m.read());
            mine.clear();
        }
    }
}
