package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one lock and the set it guards (values built by {@link LockValues}).
 *
 * <p>A tenure starts when an ok {@code acquire} completes and, conservatively, ends when its
 * holder invokes {@code release}; without a release it ends at the holder's last {@code add}
 * invocation in the tenure (the last moment it certainly believed it held the lock). A holder that
 * learned it had lost the lock (a fenced add, or a release that failed with {@value
 * LockValues#LOST}) held it, as far as its effects go, only until the invocation of its last
 * add that may have taken effect before it learned so (or the acquisition): an {@code ok} add, or an
 * {@code info} add whose element the final read holds (adds are never undone, so one that the
 * final read lacks never took effect); its later calls and its failed adds changed nothing. Two
 * tenures
 * of different holders that overlap are {@link Anomaly#OVERLAPPING_HOLDERS}: B's acquire completed
 * before A's release was invoked, so no ordering of the unknown moments inside the calls avoids
 * two holders. A holder that acquires after another's release completed must get a greater
 * fencing token ({@link Anomaly#NON_MONOTONIC_TOKEN}). Against the final read (the ok read that
 * completed last): an ok add that completed before it was invoked must be present ({@link
 * Anomaly#LOST_ADD}), and every element must come from an ok or info add ({@link
 * Anomaly#UNEXPECTED_ELEMENT}: a failed or fenced add took effect). The statistic {@code
 * fenced-rejections} counts {@code fail} ops with error {@value LockValues#FENCED}. Stateless and
 * thread-safe.
 */
public final class LockChecker implements Checker {

    private record Tenure(String holder, Long token, Op acquire, Op release, long endNanos) {
        long startNanos() {
            return acquire.endNanos();
        }

        String describe() {
            return holder + " (token " + token + ", acquired #" + acquire.index()
                    + (release == null ? ", not released" : ", released #" + release.index()) + ")";
        }
    }

    @Override
    public CheckResult check(List<Op> history) {
        CheckResult.Builder result = CheckResult.builder("locks");
        List<Op> ops = History.completions(history);
        Op finalRead = finalRead(ops);
        List<Tenure> tenures = tenures(ops, finalRead == null ? null : elements(finalRead));
        checkOverlaps(tenures, result);
        checkTokens(tenures, result);
        if (finalRead != null) {
            checkFinalRead(ops, finalRead, result);
        }
        long fenced = ops.stream()
                .filter(op -> op.type() == OpType.FAIL && LockValues.FENCED.equals(op.error()))
                .count();
        return result.stat("tenures", tenures.size())
                .stat("fenced-rejections", fenced)
                .build();
    }

    /** The tenures; {@code observed} is the final read's elements, or null without a final read. */
    private static List<Tenure> tenures(List<Op> ops, Set<Long> observed) {
        List<Op> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Op::startNanos).thenComparingLong(Op::index));
        Map<String, Op> acquired = new HashMap<>();
        Map<String, Long> lastAdd = new HashMap<>();
        Map<String, Long> lastEffectiveAdd = new HashMap<>();
        Set<String> lost = new HashSet<>();
        List<Tenure> tenures = new ArrayList<>();
        for (Op op : sorted) {
            String f = op.f();
            if (!f.equals(LockValues.ACQUIRE) && !f.equals(LockValues.RELEASE) && !f.equals(LockValues.ADD)) {
                continue;
            }
            String holder = LockValues.holderOf(op.value());
            Op acquire = acquired.get(holder);
            if (acquire != null && op.startNanos() < acquire.endNanos()) {
                continue; // invoked before this tenure began
            }
            if (f.equals(LockValues.ADD) && acquire != null) {
                if (lost.contains(holder)) {
                    continue;
                }
                if (op.type() == OpType.FAIL && LockValues.FENCED.equals(op.error())) {
                    lost.add(holder);
                    continue;
                }
                lastAdd.put(holder, op.startNanos());
                if (op.isOk()
                        || (op.type() == OpType.INFO
                                && (observed == null || observed.contains(LockValues.elementOf(op.value()))))) {
                    lastEffectiveAdd.put(holder, op.startNanos());
                }
            } else if (f.equals(LockValues.RELEASE) && acquire != null) {
                if (op.type() == OpType.FAIL && LockValues.LOST.equals(op.error())) {
                    lost.add(holder);
                }
                long end =
                        lost.contains(holder) ? effectiveEnd(acquire, lastEffectiveAdd.get(holder)) : op.startNanos();
                tenures.add(new Tenure(holder, LockValues.tokenOf(acquire.value()), acquire, op, end));
                forget(holder, acquired, lastAdd, lastEffectiveAdd, lost);
            } else if (f.equals(LockValues.ACQUIRE) && op.isOk()) {
                close(holder, acquired, lastAdd, lastEffectiveAdd, lost, tenures);
                acquired.put(holder, op);
            }
        }
        for (String holder : List.copyOf(acquired.keySet())) {
            close(holder, acquired, lastAdd, lastEffectiveAdd, lost, tenures);
        }
        tenures.sort(Comparator.comparingLong(Tenure::startNanos));
        return tenures;
    }

    private static long effectiveEnd(Op acquire, Long lastEffectiveAdd) {
        return lastEffectiveAdd == null ? acquire.endNanos() : Math.max(lastEffectiveAdd, acquire.endNanos());
    }

    private static void close(
            String holder,
            Map<String, Op> acquired,
            Map<String, Long> lastAdd,
            Map<String, Long> lastEffectiveAdd,
            Set<String> lost,
            List<Tenure> out) {
        Op acquire = acquired.get(holder);
        if (acquire != null) {
            long endNanos = lost.contains(holder)
                    ? effectiveEnd(acquire, lastEffectiveAdd.get(holder))
                    : effectiveEnd(acquire, lastAdd.get(holder));
            out.add(new Tenure(holder, LockValues.tokenOf(acquire.value()), acquire, null, endNanos));
        }
        forget(holder, acquired, lastAdd, lastEffectiveAdd, lost);
    }

    private static void forget(
            String holder,
            Map<String, Op> acquired,
            Map<String, Long> lastAdd,
            Map<String, Long> lastEffectiveAdd,
            Set<String> lost) {
        acquired.remove(holder);
        lastAdd.remove(holder);
        lastEffectiveAdd.remove(holder);
        lost.remove(holder);
    }

    private static void checkOverlaps(List<Tenure> tenures, CheckResult.Builder result) {
        for (int i = 0; i < tenures.size(); i++) {
            Tenure a = tenures.get(i);
            for (int j = i + 1; j < tenures.size() && tenures.get(j).startNanos() < a.endNanos(); j++) {
                Tenure b = tenures.get(j);
                if (!a.holder().equals(b.holder()) && a.startNanos() < b.endNanos()) {
                    result.anomaly(
                            Anomaly.OVERLAPPING_HOLDERS,
                            a.describe() + " and " + b.describe() + " held the lock at the same time");
                }
            }
        }
    }

    private static void checkTokens(List<Tenure> tenures, CheckResult.Builder result) {
        for (Tenure a : tenures) {
            if (a.release() == null || !a.release().isOk() || a.token() == null) {
                continue;
            }
            for (Tenure b : tenures) {
                if (b.token() != null && b.acquire().startNanos() > a.release().endNanos() && b.token() <= a.token()) {
                    result.anomaly(
                            Anomaly.NON_MONOTONIC_TOKEN,
                            b.describe() + " acquired after " + a.describe() + " but got no greater token");
                }
            }
        }
    }

    private static Op finalRead(List<Op> ops) {
        Op finalRead = null;
        for (Op op : ops) {
            if (op.isOk()
                    && op.f().equals(LockValues.READ)
                    && (finalRead == null || op.endNanos() >= finalRead.endNanos())) {
                finalRead = op;
            }
        }
        return finalRead;
    }

    private static Set<Long> elements(Op read) {
        Set<Long> elements = new HashSet<>();
        for (JsonNode element : read.value()) {
            elements.add(element.asLong());
        }
        return elements;
    }

    private static void checkFinalRead(List<Op> ops, Op finalRead, CheckResult.Builder result) {
        Set<Long> present = elements(finalRead);
        Set<Long> possible = new HashSet<>();
        Map<Long, Op> rejected = new HashMap<>();
        for (Op op : ops) {
            if (!op.f().equals(LockValues.ADD) || op.startNanos() > finalRead.endNanos()) {
                continue;
            }
            long element = LockValues.elementOf(op.value());
            if (op.type() == OpType.FAIL) {
                rejected.putIfAbsent(element, op);
                continue;
            }
            possible.add(element);
            if (op.isOk() && op.endNanos() < finalRead.startNanos() && !present.contains(element)) {
                result.anomaly(
                        Anomaly.LOST_ADD,
                        "ok add #" + op.index() + " of " + element + " by " + LockValues.holderOf(op.value())
                                + " is missing from final read #" + finalRead.index());
            }
        }
        present.stream().sorted().filter(e -> !possible.contains(e)).forEach(e -> {
            Op failed = rejected.get(e);
            result.anomaly(
                    Anomaly.UNEXPECTED_ELEMENT,
                    "final read #" + finalRead.index() + " holds " + e
                            + (failed == null
                                    ? ", which no add added"
                                    : ", whose add #" + failed.index() + " failed (" + failed.error() + ")"));
        });
    }
}
