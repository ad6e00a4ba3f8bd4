package dev.synod.it.check;

import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plain-text summary of a run: operations by function and outcome with the p50 and p99
 * latency of the ok ones, anomalies by checker and type (0 for a valid checker), fenced
 * rejections, and any counts the run adds (such as connection states).
 *
 * <pre>{@code
 * String table = SummaryTable.of(history)
 *         .result(new BankChecker(initial).check(history))
 *         .count("SUSPENDED", suspended)
 *         .render();
 * log.info("\n{}", table);
 * }</pre>
 *
 * <p>A builder; not thread-safe. {@link #render()} returns the table and prints nothing.
 */
public final class SummaryTable {
    private final List<Op> ops;
    private final List<CheckResult> results = new ArrayList<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    private SummaryTable(List<Op> history) {
        this.ops = History.completions(history);
    }

    /** Starts the summary of {@code history} (invokes and completions, or completions alone). */
    public static SummaryTable of(List<Op> history) {
        return new SummaryTable(history);
    }

    /** Adds the result of a checker. */
    public SummaryTable result(CheckResult result) {
        results.add(result);
        return this;
    }

    /** Adds a named count, such as {@code SUSPENDED}; adding a name again adds to it. */
    public SummaryTable count(String name, long value) {
        counts.merge(name, value, Long::sum);
        return this;
    }

    /** Returns the table: three sections of fixed columns, each line ending in a line break. */
    public String render() {
        return operations() + "\n" + anomalies() + "\n" + counters();
    }

    private String operations() {
        Map<String, long[]> byF = new TreeMap<>();
        Map<String, List<Long>> latencies = new TreeMap<>();
        for (Op op : ops) {
            long[] row = byF.computeIfAbsent(op.f(), f -> new long[3]);
            row[op.type().ordinal() - OpType.OK.ordinal()]++;
            if (op.isOk()) {
                latencies.computeIfAbsent(op.f(), f -> new ArrayList<>()).add(op.latencyNanos());
            }
        }
        TextTable table = new TextTable("operation", "ok", "fail", "info", "p50 ms", "p99 ms");
        long[] total = new long[3];
        List<Long> all = new ArrayList<>();
        byF.forEach((f, row) -> {
            List<Long> okLatencies = latencies.getOrDefault(f, List.of());
            table.row(f, row[0], row[1], row[2], percentile(okLatencies, 50), percentile(okLatencies, 99));
            for (int i = 0; i < 3; i++) {
                total[i] += row[i];
            }
            all.addAll(okLatencies);
        });
        table.row("total", total[0], total[1], total[2], percentile(all, 50), percentile(all, 99));
        return table.render();
    }

    private String anomalies() {
        TextTable table = new TextTable("checker", "anomaly", "count").textColumns(2);
        for (CheckResult result : results) {
            if (result.valid()) {
                table.row(result.checker(), "-", 0);
            }
            result.anomalies().forEach((anomaly, count) -> table.row(result.checker(), anomaly.label(), count));
        }
        return table.render();
    }

    private String counters() {
        long fenced = ops.stream()
                .filter(op -> op.type() == OpType.FAIL && "fenced".equals(op.error()))
                .count();
        TextTable table = new TextTable("counter", "count");
        table.row("fenced rejections", fenced);
        counts.forEach(table::row);
        return table.render();
    }

    /** The nearest-rank percentile in milliseconds with two decimals, or "-" when empty. */
    static String percentile(List<Long> nanos, int percent) {
        if (nanos.isEmpty()) {
            return "-";
        }
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        long value = sorted.get(Math.max(0, rank - 1));
        return String.format(Locale.ROOT, "%.2f", value / 1e6);
    }
}
