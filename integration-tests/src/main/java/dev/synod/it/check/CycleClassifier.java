package dev.synod.it.check;

import dev.synod.it.check.DependencyGraph.Dep;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds one witness cycle per strongly connected component of a {@link DependencyGraph} and
 * classifies it, reporting the weakest isolation level the component breaks: a cycle of ww edges
 * only is {@link Anomaly#G0}; else one of ww and wr edges is {@link Anomaly#G1C}; else one with
 * exactly one rw edge is {@link Anomaly#G_SINGLE}; else the cycle has two or more rw edges,
 * {@link Anomaly#G2}. Each search returns a shortest cycle through the first node it starts
 * from. The G-single search tries at most {@value #MAX_RW_TRIES} rw edges per component.
 */
final class CycleClassifier {
    static final int MAX_RW_TRIES = 1000;

    private static final Set<Dep> WW = EnumSet.of(Dep.WW);
    private static final Set<Dep> WW_WR = EnumSet.of(Dep.WW, Dep.WR);
    private static final Set<Dep> ALL = EnumSet.allOf(Dep.class);

    private final DependencyGraph graph;
    private final CycleSearch search;

    CycleClassifier(DependencyGraph graph) {
        this.graph = graph;
        this.search = new CycleSearch(graph);
    }

    /** Reports one classified witness cycle per component; returns the number of components. */
    int check(CheckResult.Builder result) {
        List<List<Integer>> components = search.components(graph.nodes(), ALL);
        for (List<Integer> component : components) {
            List<Integer> cycle = witness(component);
            report(cycle, result);
        }
        return components.size();
    }

    private List<Integer> witness(List<Integer> component) {
        for (Set<Dep> allowed : List.of(WW, WW_WR)) {
            List<List<Integer>> inner = search.components(component, allowed);
            if (!inner.isEmpty()) {
                List<Integer> first = inner.get(0);
                return search.shortestPath(first.get(0), first.get(0), Set.copyOf(first), allowed);
            }
        }
        Set<Integer> scope = Set.copyOf(component);
        List<Integer> best = null;
        int tries = 0;
        for (int from : component) {
            for (Map.Entry<Integer, ? extends Map<Dep, String>> e :
                    graph.successors(from).entrySet()) {
                int to = e.getKey();
                if (!scope.contains(to) || !e.getValue().containsKey(Dep.RW) || tries++ >= MAX_RW_TRIES) {
                    continue;
                }
                List<Integer> back = search.shortestPath(to, from, scope, WW_WR);
                if (back != null && (best == null || back.size() + 1 < best.size())) {
                    best = new ArrayList<>();
                    best.add(from);
                    best.addAll(back);
                }
            }
        }
        if (best != null) {
            return best;
        }
        int first = component.get(0);
        return search.shortestPath(first, first, scope, ALL);
    }

    private void report(List<Integer> cycle, CheckResult.Builder result) {
        StringBuilder text = new StringBuilder(graph.txn(cycle.get(0)).name());
        int wr = 0;
        int rw = 0;
        for (int i = 0; i + 1 < cycle.size(); i++) {
            Map<Dep, String> types = graph.edge(cycle.get(i), cycle.get(i + 1));
            Dep dep = types.containsKey(Dep.WW) ? Dep.WW : types.containsKey(Dep.WR) ? Dep.WR : Dep.RW;
            wr += dep == Dep.WR ? 1 : 0;
            rw += dep == Dep.RW ? 1 : 0;
            text.append(" -")
                    .append(dep.label())
                    .append('[')
                    .append(types.get(dep))
                    .append("]-> ")
                    .append(graph.txn(cycle.get(i + 1)).name());
        }
        Anomaly anomaly = rw >= 2 ? Anomaly.G2 : rw == 1 ? Anomaly.G_SINGLE : wr >= 1 ? Anomaly.G1C : Anomaly.G0;
        text.append(" where");
        for (int id : new LinkedHashSet<>(cycle)) {
            AppendTxn txn = graph.txn(id);
            text.append(' ').append(txn.name()).append(" = ").append(txn.op().value());
        }
        result.anomaly(anomaly, text.toString());
    }
}
