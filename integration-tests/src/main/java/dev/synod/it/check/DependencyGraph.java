package dev.synod.it.check;

import dev.synod.it.check.VersionOrders.Read;
import dev.synod.it.history.OpType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dependency graph of list-append txns (Adya): nodes are the committed txns and the {@code
 * info} txns whose appends were read; an edge {@code a -> b} means that a must precede b.
 *
 * <ul>
 *   <li>ww: b appended the value that follows a's value in a key's version order;
 *   <li>wr: b read a list whose last value (not its own) a appended;
 *   <li>rw: a read a prefix of a key's order, and b appended the next value (anti-dependency).
 * </ul>
 *
 * Each edge remembers one key per type, for witnesses. Not thread-safe.
 */
final class DependencyGraph {
    /** The type of a dependency. */
    enum Dep {
        WW,
        WR,
        RW;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final List<AppendTxn> txns;
    private final Set<Integer> nodes = new TreeSet<>();
    private final Map<Integer, Map<Integer, EnumMap<Dep, String>>> edges = new TreeMap<>();

    DependencyGraph(List<AppendTxn> txns, VersionOrders orders) {
        this.txns = txns;
        for (AppendTxn txn : txns) {
            if (txn.isOk()) {
                nodes.add(txn.id());
            }
        }
        orders.orders()
                .forEach((key, order) -> order.forEach(value -> {
                    AppendTxn writer = orders.writer(key, value);
                    if (writer != null && writer.op().type() == OpType.INFO) {
                        nodes.add(writer.id());
                    }
                }));
        orders.orders().forEach((key, order) -> {
            AppendTxn previous = null;
            for (long value : order) {
                AppendTxn writer = nodeWriter(orders, key, value);
                if (writer != null) {
                    link(previous, writer, Dep.WW, key);
                    previous = writer;
                }
            }
        });
        for (Read read : orders.reads()) {
            addReadEdges(read, orders);
        }
    }

    private void addReadEdges(Read read, VersionOrders orders) {
        String key = read.key();
        List<Long> values = read.values();
        int external = values.size();
        while (external > 0 && orders.writer(key, values.get(external - 1)) == read.txn()) {
            external--;
        }
        for (int i = external - 1; i >= 0; i--) {
            AppendTxn writer = nodeWriter(orders, key, values.get(i));
            if (writer != null) {
                link(writer, read.txn(), Dep.WR, key);
                break;
            }
        }
        List<Long> order = orders.orders().get(key);
        for (int i = external; read.compatible() && i < order.size(); i++) {
            AppendTxn writer = nodeWriter(orders, key, order.get(i));
            if (writer != null) {
                link(read.txn(), writer, Dep.RW, key);
                break;
            }
        }
    }

    /** Returns the writer of a value if it is a node of the graph, else null. */
    private AppendTxn nodeWriter(VersionOrders orders, String key, long value) {
        AppendTxn writer = orders.writer(key, value);
        return writer != null && nodes.contains(writer.id()) ? writer : null;
    }

    private void link(AppendTxn from, AppendTxn to, Dep dep, String key) {
        if (from == null || to == null || from == to) {
            return;
        }
        edges.computeIfAbsent(from.id(), k -> new TreeMap<>())
                .computeIfAbsent(to.id(), k -> new EnumMap<>(Dep.class))
                .putIfAbsent(dep, key);
    }

    Set<Integer> nodes() {
        return nodes;
    }

    /** Returns the successors of {@code node} with the types and keys of each edge. */
    Map<Integer, EnumMap<Dep, String>> successors(int node) {
        return edges.getOrDefault(node, Map.of());
    }

    /** Returns the types of the edge {@code from -> to}, empty if there is none. */
    Map<Dep, String> edge(int from, int to) {
        return successors(from).getOrDefault(to, new EnumMap<>(Dep.class));
    }

    AppendTxn txn(int id) {
        return txns.get(id);
    }

    int edgeCount() {
        return edges.values().stream().mapToInt(Map::size).sum();
    }
}
