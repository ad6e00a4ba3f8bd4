package dev.synod.it.check;

import dev.synod.it.check.BankValues.Transfer;
import dev.synod.it.check.SubsetSums.Vec;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the bank workload: accounts with a fixed total, transfers between them, reads of all
 * balances.
 *
 * <p>Every ok read must add up to the total ({@link Anomaly#WRONG_TOTAL}) and have no negative
 * balance ({@link Anomaly#NEGATIVE_BALANCE}). The final read (the ok read that completed last)
 * must equal the initial balances plus every ok transfer that completed before it was invoked,
 * plus some subset of the transfers that may or may not be in it: {@code info} transfers invoked
 * before it completed and ok transfers concurrent with it. If no subset explains it, the checker
 * looks for one ok transfer that must be dropped ({@link Anomaly#LOST_TRANSFER}) or one transfer
 * that must be applied a second time ({@link Anomaly#DUPLICATED_TRANSFER}); failing both it
 * reports {@link Anomaly#UNEXPLAINED_BALANCES}. The subset search is exact up to {@value
 * SubsetSums#MAX_SUMS} distinct sums; past that, only balances outside the range the uncertain
 * transfers allow are reported, and the statistic {@code flow-check-bounded} is 1.
 */
public final class BankChecker implements Checker {
    private final Map<String, Long> initial;
    private final List<String> accounts;
    private final long total;

    /** A checker for accounts that start with {@code initialBalances}. */
    public BankChecker(Map<String, Long> initialBalances) {
        if (initialBalances.isEmpty()) {
            throw new IllegalArgumentException("initialBalances must not be empty");
        }
        this.initial = Map.copyOf(initialBalances);
        this.accounts = initialBalances.keySet().stream().sorted().toList();
        this.total =
                initialBalances.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public CheckResult check(List<Op> history) {
        CheckResult.Builder result = CheckResult.builder("bank");
        List<Op> ops = History.completions(history);
        Op finalRead = null;
        long reads = 0;
        for (Op op : ops) {
            if (op.isOk() && op.f().equals(BankValues.READ)) {
                reads++;
                checkRead(op, result);
                if (finalRead == null || op.endNanos() >= finalRead.endNanos()) {
                    finalRead = op;
                }
            }
        }
        result.stat("reads", reads);
        if (finalRead != null && isWellFormed(BankValues.parseBalances(finalRead.value()))) {
            checkFlows(ops, finalRead, result);
        }
        return result.build();
    }

    private void checkRead(Op read, CheckResult.Builder result) {
        Map<String, Long> balances = BankValues.parseBalances(read.value());
        long sum = sum(balances);
        if (!isWellFormed(balances)) {
            result.anomaly(
                    Anomaly.WRONG_TOTAL,
                    "read #" + read.index() + " totals " + sum + " over "
                            + balances.keySet().size() + " accounts, expected " + total + " over " + initial.size()
                            + ": " + balances);
        }
        balances.forEach((account, balance) -> {
            if (balance < 0) {
                result.anomaly(Anomaly.NEGATIVE_BALANCE, "read #" + read.index() + " has " + account + " = " + balance);
            }
        });
    }

    private void checkFlows(List<Op> ops, Op finalRead, CheckResult.Builder result) {
        Map<String, Long> balances = BankValues.parseBalances(finalRead.value());
        long[] net = new long[accounts.size()];
        for (int i = 0; i < net.length; i++) {
            net[i] = balances.get(accounts.get(i)) - initial.get(accounts.get(i));
        }
        Map<Op, Vec> certain = new LinkedHashMap<>();
        Map<Op, Vec> uncertain = new LinkedHashMap<>();
        for (Op op : ops) {
            if (!op.f().equals(BankValues.TRANSFER) || op.type() == OpType.FAIL) {
                continue;
            }
            if (op.startNanos() > finalRead.endNanos()) {
                continue; // invoked after the final read: cannot be in it
            }
            Vec delta = delta(Transfer.parse(op.value()));
            if (op.isOk() && op.endNanos() < finalRead.startNanos()) {
                certain.put(op, delta);
                for (int i = 0; i < net.length; i++) {
                    net[i] -= delta.get(i);
                }
            } else {
                uncertain.put(op, delta);
            }
        }
        result.stat("certain-transfers", certain.size()).stat("uncertain-transfers", uncertain.size());
        Vec unexplained = new Vec(net);
        Optional<Set<Vec>> sums = SubsetSums.of(List.copyOf(uncertain.values()), accounts.size());
        if (sums.isEmpty()) {
            result.stat("flow-check-bounded", 1);
            checkBounds(unexplained, uncertain.values(), finalRead, result);
            return;
        }
        Set<Vec> explainable = sums.get();
        if (explainable.contains(unexplained)) {
            return;
        }
        String where = "final read #" + finalRead.index() + ": ";
        List<Op> lost = new ArrayList<>();
        certain.forEach((op, delta) -> {
            if (explainable.contains(unexplained.plus(delta, 1))) {
                lost.add(op);
            }
        });
        if (!lost.isEmpty()) {
            result.anomaly(Anomaly.LOST_TRANSFER, where + describe("ok transfer", lost, " is missing"));
            return;
        }
        List<Op> duplicated = new ArrayList<>();
        Map<Op, Vec> all = new LinkedHashMap<>(certain);
        all.putAll(uncertain);
        all.forEach((op, delta) -> {
            if (explainable.contains(unexplained.plus(delta, -1))) {
                duplicated.add(op);
            }
        });
        if (!duplicated.isEmpty()) {
            result.anomaly(Anomaly.DUPLICATED_TRANSFER, where + describe("transfer", duplicated, " applied twice"));
            return;
        }
        result.anomaly(
                Anomaly.UNEXPLAINED_BALANCES,
                where + "after the certain transfers the balances change by " + diff(net)
                        + ", which no subset of the uncertain transfers explains");
    }

    private void checkBounds(Vec net, Iterable<Vec> uncertain, Op finalRead, CheckResult.Builder result) {
        for (int i = 0; i < accounts.size(); i++) {
            long low = 0;
            long high = 0;
            for (Vec delta : uncertain) {
                low += Math.min(0, delta.get(i));
                high += Math.max(0, delta.get(i));
            }
            if (net.get(i) < low || net.get(i) > high) {
                result.anomaly(
                        Anomaly.UNEXPLAINED_BALANCES,
                        "final read #" + finalRead.index() + ": " + accounts.get(i) + " is off by " + net.get(i)
                                + " but uncertain transfers allow only [" + low + ", " + high + "]");
            }
        }
    }

    private String describe(String what, List<Op> candidates, String verb) {
        Op first = candidates.get(0);
        String text = what + " #" + first.index() + " (" + Transfer.parse(first.value()) + ")" + verb;
        return candidates.size() == 1 ? text : text + " (or one of " + (candidates.size() - 1) + " others)";
    }

    private String diff(long[] net) {
        Map<String, Long> diff = new LinkedHashMap<>();
        for (int i = 0; i < net.length; i++) {
            if (net[i] != 0) {
                diff.put(accounts.get(i), net[i]);
            }
        }
        return diff.toString();
    }

    private Vec delta(Transfer transfer) {
        int from = accounts.indexOf(transfer.from());
        int to = accounts.indexOf(transfer.to());
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("transfer between unknown accounts: " + transfer);
        }
        long[] delta = new long[accounts.size()];
        delta[from] -= transfer.amount();
        delta[to] += transfer.amount();
        return new Vec(delta);
    }

    private boolean isWellFormed(Map<String, Long> balances) {
        return sum(balances) == total && balances.keySet().equals(initial.keySet());
    }

    private static long sum(Map<String, Long> balances) {
        return balances.values().stream().mapToLong(Long::longValue).sum();
    }
}
