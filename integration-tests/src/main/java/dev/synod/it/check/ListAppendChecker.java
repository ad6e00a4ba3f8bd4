package dev.synod.it.check;

import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks list-append transactions for serializability, in the manner of Elle.
 *
 * <p>Input: ops with {@code f = "txn"} whose values are built by {@link ListAppendValues}. The
 * checker
 *
 * <ol>
 *   <li>takes each key's version order from its longest read; every read of a committed txn must
 *       be a prefix of it ({@link Anomaly#INCOMPATIBLE_ORDER}) and hold no value twice ({@link
 *       Anomaly#DUPLICATE_ELEMENTS});
 *   <li>checks single reads: {@link Anomaly#G1A} aborted reads, {@link Anomaly#G1B} intermediate
 *       reads and {@link Anomaly#INTERNAL} inconsistencies;
 *   <li>builds the ww, wr and rw {@linkplain DependencyGraph dependency graph} over the committed
 *       txns and the {@code info} txns whose appends were read ({@code info} txns may or may not
 *       have happened: only their observed effects count; their reads are ignored);
 *   <li>reports one classified witness cycle ({@link Anomaly#G0}, {@link Anomaly#G1C}, {@link
 *       Anomaly#G_SINGLE}, {@link Anomaly#G2}) per strongly connected component.
 * </ol>
 *
 * <p>Real-time order is not checked (serializability, not strict serializability). Appends that
 * no read observed have no place in the version order and make no edges. Stateless and
 * thread-safe.
 */
public final class ListAppendChecker implements Checker {

    @Override
    public CheckResult check(List<Op> history) {
        CheckResult.Builder result = CheckResult.builder("list-append");
        List<AppendTxn> txns = new ArrayList<>();
        for (Op op : History.completions(history)) {
            if (op.f().equals(ListAppendValues.TXN)) {
                txns.add(AppendTxn.parse(txns.size(), op));
            }
        }
        VersionOrders orders = new VersionOrders(txns, result);
        ReadAnomalies.check(txns, orders, result);
        DependencyGraph graph = new DependencyGraph(txns, orders);
        int components = new CycleClassifier(graph).check(result);
        return result.stat("txns", txns.size())
                .stat("graph-nodes", graph.nodes().size())
                .stat("graph-edges", graph.edgeCount())
                .stat("cyclic-components", components)
                .build();
    }
}
