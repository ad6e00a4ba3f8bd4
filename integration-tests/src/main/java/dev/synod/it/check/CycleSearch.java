package dev.synod.it.check;

import dev.synod.it.check.DependencyGraph.Dep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Graph searches over a {@link DependencyGraph} restricted to some nodes and edge types:
 * strongly connected components (Tarjan, iterative so that long chains do not overflow the stack)
 * and shortest paths (breadth-first).
 */
final class CycleSearch {
    private final DependencyGraph graph;

    CycleSearch(DependencyGraph graph) {
        this.graph = graph;
    }

    /**
     * Returns the strongly connected components with at least two nodes among {@code within}, using
     * edges with one of the {@code allowed} types, each sorted, ordered by their smallest node.
     */
    List<List<Integer>> components(Collection<Integer> within, Set<Dep> allowed) {
        Set<Integer> scope = Set.copyOf(within);
        Map<Integer, Integer> index = new HashMap<>();
        Map<Integer, Integer> low = new HashMap<>();
        Deque<Integer> stack = new ArrayDeque<>();
        Set<Integer> onStack = new HashSet<>();
        List<List<Integer>> out = new ArrayList<>();
        for (int root : within.stream().sorted().toList()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Map.Entry<Integer, Iterator<Integer>>> frames = new ArrayDeque<>();
            visit(root, index, low, stack, onStack, frames, scope, allowed);
            while (!frames.isEmpty()) {
                Map.Entry<Integer, Iterator<Integer>> frame = frames.peek();
                int node = frame.getKey();
                Iterator<Integer> next = frame.getValue();
                if (next.hasNext()) {
                    int succ = next.next();
                    if (!index.containsKey(succ)) {
                        visit(succ, index, low, stack, onStack, frames, scope, allowed);
                    } else if (onStack.contains(succ)) {
                        low.put(node, Math.min(low.get(node), index.get(succ)));
                    }
                    continue;
                }
                frames.pop();
                if (!frames.isEmpty()) {
                    int parent = frames.peek().getKey();
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    List<Integer> component = new ArrayList<>();
                    int member;
                    do {
                        member = stack.pop();
                        onStack.remove(member);
                        component.add(member);
                    } while (member != node);
                    if (component.size() > 1) {
                        Collections.sort(component);
                        out.add(component);
                    }
                }
            }
        }
        out.sort(Comparator.comparing(c -> c.get(0)));
        return out;
    }

    private void visit(
            int node,
            Map<Integer, Integer> index,
            Map<Integer, Integer> low,
            Deque<Integer> stack,
            Set<Integer> onStack,
            Deque<Map.Entry<Integer, Iterator<Integer>>> frames,
            Set<Integer> scope,
            Set<Dep> allowed) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        frames.push(Map.entry(node, successors(node, scope, allowed).iterator()));
    }

    /** Returns the successors of {@code node} in scope over an edge with an allowed type, in order. */
    List<Integer> successors(int node, Set<Integer> scope, Set<Dep> allowed) {
        List<Integer> out = new ArrayList<>();
        graph.successors(node).forEach((succ, types) -> {
            if (scope.contains(succ) && !Collections.disjoint(types.keySet(), allowed)) {
                out.add(succ);
            }
        });
        return out;
    }

    /**
     * Returns a shortest path {@code from, ..., to} within {@code scope} over allowed edges, or
     * null if there is none. With {@code from == to} it returns a shortest cycle through {@code
     * from}, which appears at both ends.
     */
    List<Integer> shortestPath(int from, int to, Set<Integer> scope, Set<Dep> allowed) {
        Map<Integer, Integer> parent = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int succ : successors(node, scope, allowed)) {
                if (succ == to) {
                    List<Integer> path = new ArrayList<>();
                    path.add(to);
                    for (Integer n = node; n != null; n = parent.get(n)) {
                        path.add(n);
                        if (n == from) {
                            break;
                        }
                    }
                    Collections.reverse(path);
                    return path;
                }
                if (succ != from && !parent.containsKey(succ)) {
                    parent.put(succ, node);
                    queue.add(succ);
                }
            }
        }
        return null;
    }
}
