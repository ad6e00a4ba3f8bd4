package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.synod.it.check.SubsetSums.Vec;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a counter atom: {@code incr} ops whose value is the delta (1 when null) and {@code read}
 * ops whose value is the counter.
 *
 * <p>The final read (the ok read that completed last) must equal the initial value plus every
 * ok increment that completed before it was invoked plus some subset of the increments that may
 * or may not be in it: {@code info} ones and ok ones concurrent with it; otherwise {@link
 * Anomaly#COUNTER_MISMATCH}. Every other ok read must lie in the range those increments allow
 * ({@link Anomaly#COUNTER_READ_OUT_OF_RANGE}). Stateless and thread-safe.
 */
public final class CounterChecker implements Checker {
    /** The function name of an increment. */
    public static final String INCR = "incr";
    /** The function name of a read. */
    public static final String READ = "read";

    private final long initial;

    /** A checker for a counter that starts at {@code initial}. */
    public CounterChecker(long initial) {
        this.initial = initial;
    }

    /** The value of an increment by {@code delta}. */
    public static JsonNode delta(long delta) {
        return LongNode.valueOf(delta);
    }

    @Override
    public CheckResult check(List<Op> history) {
        CheckResult.Builder result = CheckResult.builder("counter");
        List<Op> ops = History.completions(history);
        List<Op> increments = new ArrayList<>();
        Op finalRead = null;
        for (Op op : ops) {
            if (op.f().equals(INCR) && op.type() != OpType.FAIL) {
                increments.add(op);
            } else if (op.f().equals(READ) && op.isOk()) {
                if (finalRead == null || op.endNanos() >= finalRead.endNanos()) {
                    finalRead = op;
                }
            }
        }
        for (Op op : ops) {
            if (op.f().equals(READ) && op.isOk() && op != finalRead) {
                checkRange(op, increments, result);
            }
        }
        if (finalRead != null) {
            checkFinal(finalRead, increments, result);
        }
        return result.stat("increments", increments.size()).build();
    }

    private void checkRange(Op read, List<Op> increments, CheckResult.Builder result) {
        long low = initial;
        long high = initial;
        for (Op incr : increments) {
            long delta = delta(incr);
            if (incr.isOk() && incr.endNanos() < read.startNanos()) {
                low += delta;
                high += delta;
            } else if (incr.startNanos() <= read.endNanos()) {
                low += Math.min(0, delta);
                high += Math.max(0, delta);
            }
        }
        long value = read.value().asLong();
        if (value < low || value > high) {
            result.anomaly(
                    Anomaly.COUNTER_READ_OUT_OF_RANGE,
                    "read #" + read.index() + " = " + value + " outside [" + low + ", " + high + "]");
        }
    }

    private void checkFinal(Op read, List<Op> increments, CheckResult.Builder result) {
        long certain = initial;
        List<Vec> uncertain = new ArrayList<>();
        for (Op incr : increments) {
            if (incr.isOk() && incr.endNanos() < read.startNanos()) {
                certain += delta(incr);
            } else if (incr.startNanos() <= read.endNanos()) {
                uncertain.add(new Vec(new long[] {delta(incr)}));
            }
        }
        long value = read.value().asLong();
        Vec rest = new Vec(new long[] {value - certain});
        boolean unit = uncertain.stream().allMatch(v -> v.get(0) == 1);
        Optional<Set<Vec>> sums = unit ? Optional.empty() : SubsetSums.of(uncertain, 1);
        // with unit steps every value in the range is a subset sum
        boolean explained = sums.map(s -> s.contains(rest)).orElseGet(() -> inRange(rest.get(0), uncertain));
        if (!explained) {
            result.anomaly(
                    Anomaly.COUNTER_MISMATCH,
                    "final read #" + read.index() + " = " + value + " but the "
                            + "certain increments give " + certain + " and " + uncertain.size()
                            + " uncertain ones cannot add " + (value - certain));
        }
    }

    private static boolean inRange(long rest, List<Vec> uncertain) {
        long low = uncertain.stream().mapToLong(v -> Math.min(0, v.get(0))).sum();
        long high = uncertain.stream().mapToLong(v -> Math.max(0, v.get(0))).sum();
        return rest >= low && rest <= high;
    }

    private static long delta(Op incr) {
        JsonNode value = incr.value();
        return value.isNull() ? 1 : value.asLong();
    }
}
