package dev.synod.it.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated list-append histories. Serial executions are always valid. Executions whose commits
 * are shuffled against their starts (each txn reads the snapshot of its start and appends at its
 * commit, the same micro-ops and values) are checked against a brute-force search for a serial
 * order that reproduces every read: the checker must call a history valid exactly when one exists.
 */
class ListAppendRandomizedTest {
    private static final List<String> KEYS = List.of("x", "y", "z");

    private final ListAppendChecker checker = new ListAppendChecker();

    /** A generated txn: micro-ops with append values fixed and read results to fill in. */
    private record Plan(List<Object[]> microOps) {}

    private static List<Plan> plans(Random random, int count) {
        Map<String, Long> next = new HashMap<>();
        List<Plan> plans = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            List<Object[]> microOps = new ArrayList<>();
            int size = 1 + random.nextInt(3);
            for (int m = 0; m < size; m++) {
                String key = KEYS.get(random.nextInt(KEYS.size()));
                if (random.nextBoolean()) {
                    microOps.add(new Object[] {"append", key, next.merge(key, 1L, Long::sum)});
                } else {
                    microOps.add(new Object[] {"r", key});
                }
            }
            plans.add(new Plan(microOps));
        }
        return plans;
    }

    /** Runs a plan against {@code view} (changed in place by appends), returning the txn value. */
    private static JsonNode run(Plan plan, Map<String, List<Long>> view) {
        List<JsonNode> microOps = new ArrayList<>();
        for (Object[] m : plan.microOps()) {
            String key = (String) m[1];
            List<Long> list = view.computeIfAbsent(key, k -> new ArrayList<>());
            if (m[0].equals("append")) {
                list.add((Long) m[2]);
                microOps.add(ListAppendValues.append(key, (Long) m[2]));
            } else {
                microOps.add(ListAppendValues.read(key, List.copyOf(list)));
            }
        }
        return ListAppendValues.txn(microOps.toArray(JsonNode[]::new));
    }

    private static Map<String, List<Long>> copy(Map<String, List<Long>> state) {
        Map<String, List<Long>> copy = new HashMap<>();
        state.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }

    private static JsonNode readAll(Map<String, List<Long>> state) {
        return ListAppendValues.txn(KEYS.stream()
                .map(k -> ListAppendValues.read(k, state.getOrDefault(k, List.of())))
                .toArray(JsonNode[]::new));
    }

    @Test
    void serialHistoriesWithFailedAndInfoTxnsAreValid() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            Map<String, List<Long>> state = new HashMap<>();
            List<Op> ops = new ArrayList<>();
            for (Plan plan : plans(random, 2 + random.nextInt(12))) {
                int outcome = random.nextInt(10);
                OpType type = outcome == 0 ? OpType.FAIL : outcome == 1 ? OpType.INFO : OpType.OK;
                boolean applied = type == OpType.OK || (type == OpType.INFO && random.nextBoolean());
                JsonNode value = run(plan, applied ? state : copy(state));
                ops.add(new Op(
                        ops.size(), 0, ops.size() % 4, type, "txn", value, 2L * ops.size(), 2L * ops.size() + 1, null));
            }
            ops.add(new Op(
                    ops.size(), 1, 0, OpType.OK, "txn", readAll(state), 2L * ops.size(), 2L * ops.size() + 1, null));

            CheckResult result = checker.check(ops);

            assertThat(result.valid())
                    .as("seed %s: %s", seed, result.witnesses())
                    .isTrue();
        }
    }

    @Test
    void shuffledCommitsAreInvalidExactlyWhenNoSerialOrderExists() {
        int invalid = 0;
        Map<Anomaly, Integer> seen = new EnumMap<>(Anomaly.class);
        for (int seed = 0; seed < 400; seed++) {
            Random random = new Random(seed);
            List<Plan> plans = plans(random, 5);
            List<Integer> events = new ArrayList<>();
            for (int t = 0; t < plans.size(); t++) {
                events.add(t);
                events.add(t);
            }
            Collections.shuffle(events, random); // a txn's first event starts it, the second commits it
            Map<String, List<Long>> committed = new HashMap<>();
            Map<Integer, Map<String, List<Long>>> snapshots = new HashMap<>();
            List<Op> ops = new ArrayList<>();
            for (int t : events) {
                if (!snapshots.containsKey(t)) {
                    snapshots.put(t, copy(committed));
                    continue;
                }
                JsonNode value = run(plans.get(t), snapshots.get(t));
                ops.add(new Op(ops.size(), 0, t, OpType.OK, "txn", value, ops.size(), ops.size(), null));
                for (Object[] m : plans.get(t).microOps()) {
                    if (m[0].equals("append")) {
                        committed
                                .computeIfAbsent((String) m[1], k -> new ArrayList<>())
                                .add((Long) m[2]);
                    }
                }
            }
            ops.add(new Op(ops.size(), 1, 0, OpType.OK, "txn", readAll(committed), ops.size(), ops.size(), null));

            CheckResult result = checker.check(ops);

            boolean serializable = serialOrderExists(ops);
            assertThat(result.valid())
                    .as("seed %s: %s", seed, result.witnesses())
                    .isEqualTo(serializable);
            invalid += serializable ? 0 : 1;
            result.anomalies().keySet().forEach(a -> seen.merge(a, 1, Integer::sum));
        }
        assertThat(invalid).as("histories with an anomaly").isGreaterThan(50);
        assertThat(seen).as("anomalies found").containsKeys(Anomaly.G_SINGLE, Anomaly.G2, Anomaly.INCOMPATIBLE_ORDER);
        assertThat(seen).as("snapshot-style execution commits whole txns").doesNotContainKeys(Anomaly.G1A, Anomaly.G1B);
    }

    /** Tries every order of the txns (the last, the final read, stays last). */
    private static boolean serialOrderExists(List<Op> ops) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ops.size() - 1; i++) {
            order.add(i);
        }
        return permute(order, 0, ops);
    }

    private static boolean permute(List<Integer> order, int from, List<Op> ops) {
        if (from == order.size()) {
            List<Integer> all = new ArrayList<>(order);
            all.add(ops.size() - 1);
            return reproduces(all, ops);
        }
        for (int i = from; i < order.size(); i++) {
            Collections.swap(order, from, i);
            if (permute(order, from + 1, ops)) {
                return true;
            }
            Collections.swap(order, from, i);
        }
        return false;
    }

    private static boolean reproduces(List<Integer> order, List<Op> ops) {
        Map<String, List<Long>> state = new HashMap<>();
        for (int i : order) {
            for (JsonNode m : ops.get(i).value()) {
                List<Long> list = state.computeIfAbsent(m.get(1).asText(), k -> new ArrayList<>());
                if (m.get(0).asText().equals("append")) {
                    list.add(m.get(2).asLong());
                } else {
                    List<Long> read = new ArrayList<>();
                    m.get(2).forEach(v -> read.add(v.asLong()));
                    if (!read.equals(list)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
