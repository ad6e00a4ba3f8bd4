package dev.synod.bench;

import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Synod against raw ZooKeeper and Curator's recipes, in one run against the same ZooKeeper
 * server. A plain harness rather than JMH: every operation is a network round trip of 100+ µs, so
 * what matters is fair setup (each thread its own client and session) and the same server, and
 * the ratios are computed within one run. Each comparison runs in alternating rounds (baseline
 * then Synod, Synod then baseline, ...), each with its own clients and warm-up, and sums them, so
 * that neither side gains from running second (a warmer JIT) or from a quiet moment of a noisy
 * machine.
 *
 * <p>Usage: {@code SynodBenchmark [--seconds N] [--warmup N] [--rounds N] [--threads 1,8] [--only
 * TEXT] [--out FILE] [--connect HOST:PORT] [--cpu true]}: {@code --seconds} is the measured time per system and row, split
 * over {@code --rounds} (default 3). Without {@code --connect} an embedded server on 127.0.0.1 is started.
 * {@code --cpu true} adds the CPU per operation of each thread group (see {@link #cpuMarkdown}).
 */
public final class SynodBenchmark {
    private final String connectString;
    private final Duration warmup;
    private final Duration measure;
    private final int rounds;
    private final String only;
    private final PrintStream log;
    private final List<Row> rows = new ArrayList<>();

    /**
     * One line of the report: a system's result and its ratio to the scenario's baseline, the
     * operations of its slowest thread as a share of the mean per thread, and the CPU microseconds
     * per operation that this JVM's threads used, by thread group, largest first (an embedded
     * server's threads included; garbage collection and JIT compilation are not).
     */
    public record Row(
            String scenario,
            int threads,
            String system,
            double opsPerSecond,
            double p50,
            double p99,
            double slowestThreadShare,
            String ratio,
            Map<String, Double> cpuMicrosPerOp) {
        public Row {
            cpuMicrosPerOp = Collections.unmodifiableMap(Runner.largestFirst(cpuMicrosPerOp));
        }
    }

    /** Rounds per comparison unless told otherwise. */
    public static final int DEFAULT_ROUNDS = 3;

    SynodBenchmark(String connectString, Duration warmup, Duration measure, int rounds, String only, PrintStream log) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1 but was " + rounds);
        }
        this.connectString = connectString;
        this.warmup = warmup;
        this.measure = measure;
        this.rounds = rounds;
        this.only = only;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Duration warmup = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("--warmup", "2")));
        Duration measure = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("--seconds", "5")));
        int rounds = Integer.parseInt(opts.getOrDefault("--rounds", String.valueOf(DEFAULT_ROUNDS)));
        int[] threads = java.util.Arrays.stream(
                        opts.getOrDefault("--threads", "1,8").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String out = opts.get("--out");
        TestingServer server = null;
        String connect = opts.get("--connect");
        if (connect == null) {
            server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, null, "127.0.0.1"), true);
            connect = "127.0.0.1:" + server.getPort();
        }
        try {
            SynodBenchmark bench = new SynodBenchmark(connect, warmup, measure, rounds, opts.get("--only"), System.err);
            List<Row> rows = bench.runAll(threads);
            String table = markdown(rows, connect, server != null, warmup, measure, rounds);
            if (Boolean.parseBoolean(opts.getOrDefault("--cpu", "false"))) {
                table += System.lineSeparator() + cpuMarkdown(rows);
            }
            System.out.println(table);
            if (out != null) {
                Files.writeString(Path.of(out), table, StandardCharsets.UTF_8);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /**
     * Runs every scenario against {@code connectString} and returns the rows in the order of the
     * report (for tools that chart or store them). Progress goes to {@code log}. Blocks for about
     * {@code rounds * warmup + measure} per row ({@link #rowsPerThreadCount}).
     *
     * @param measure measured time per system and row, split over the rounds
     * @param rounds alternating rounds per comparison (at least 1)
     * @param only if not null, runs only the scenarios whose name contains it (e.g. {@code
     *     "counter"})
     * @param threadCounts client threads per scenario, e.g. {@code {1, 8}}
     */
    public static List<Row> run(
            String connectString,
            Duration warmup,
            Duration measure,
            int rounds,
            String only,
            int[] threadCounts,
            PrintStream log)
            throws Exception {
        return new SynodBenchmark(connectString, warmup, measure, rounds, only, log).runAll(threadCounts);
    }

    /**
     * The rows a full run reports per thread count (none skipped with {@code only}): with one
     * thread 5 Synod/baseline pairs and 2 single rows, with more 9 pairs and 2 single rows (see
     * {@code runAll}).
     */
    public static int rowsPerThreadCount(int threads) {
        return threads > 1 ? 20 : 12;
    }

    private boolean skipped(String scenario) {
        return only != null && !scenario.contains(only);
    }

    List<Row> runAll(int[] threadCounts) throws Exception {
        warmUp(java.util.Arrays.stream(threadCounts).max().orElse(1));
        for (int threads : threadCounts) {
            compare(
                    "write txn, 1 ref",
                    threads,
                    "raw ZooKeeper multi",
                    s -> s.rawMulti(1),
                    "Synod",
                    s -> s.synodTxn(1));
            compare(
                    "write txn, 3 refs",
                    threads,
                    "raw ZooKeeper multi",
                    s -> s.rawMulti(3),
                    "Synod",
                    s -> s.synodTxn(3));
            compare(
                    "write txn, 1 ref",
                    threads,
                    "raw multi + watch on its znodes",
                    s -> s.rawMultiWatched(1),
                    "Synod",
                    s -> s.synodTxn(1));
            compare(
                    "write txn, 3 refs",
                    threads,
                    "raw multi + watch on its znodes",
                    s -> s.rawMultiWatched(3),
                    "Synod",
                    s -> s.synodTxn(3));
            if (threads > 1) {
                compare(
                        "write txn, 1 ref, one client",
                        threads,
                        "raw ZooKeeper multi",
                        s -> s.rawMultiShared(1),
                        "Synod",
                        s -> s.synodTxnShared(1));
                compare(
                        "write txn, 3 refs, one client",
                        threads,
                        "raw ZooKeeper multi",
                        s -> s.rawMultiShared(3),
                        "Synod",
                        s -> s.synodTxnShared(3));
                compare(
                        "write txn, 3 refs, one client",
                        threads,
                        "raw multi + watch on its znodes",
                        s -> s.rawMultiWatchedShared(3),
                        "Synod",
                        s -> s.synodTxnShared(3));
            }
            String counter = "counter-" + threads;
            compare(
                    "counter +1 (shared)",
                    threads,
                    "Curator DistributedAtomicLong",
                    s -> s.curatorIncrement("/dal/" + counter),
                    "Synod atom swap",
                    s -> s.synodSwap("atom-" + counter));
            if (threads > 1) {
                compare(
                        "counter +1 (shared), one client",
                        threads,
                        "Curator DistributedAtomicLong",
                        s -> s.curatorIncrementShared("/dal/shared-" + counter),
                        "Synod atom swap",
                        s -> s.synodSwapShared("atom-shared-" + counter));
            }
            compare(
                    "counter +1 (shared)",
                    threads,
                    "raw setData CAS loop",
                    s -> s.rawCas("/cas/" + counter),
                    null,
                    null);
            deref(threads);
        }
        return rows;
    }

    /**
     * Runs both kinds of write for a while, unreported, so that the first rows do not pay for a cold
     * JIT (client and embedded server) and a fresh transaction log.
     */
    private void warmUp(int threads) throws Exception {
        Duration each = warmup.multipliedBy(2).plusSeconds(1);
        log.printf(Locale.ROOT, "warming up (%d s)%n", 2 * each.toSeconds());
        try (Scenarios s = new Scenarios(connectString)) {
            Runner.run("warm-up", "raw", threads, Duration.ZERO, each, i -> s.rawMulti(1));
            Runner.run("warm-up", "Synod", threads, Duration.ZERO, each, i -> s.synodTxn(1));
        }
    }

    interface Setup {
        Runner.Op create(Scenarios s) throws Exception;
    }

    private void compare(String scenario, int threads, String baseName, Setup base, String synodName, Setup synod)
            throws Exception {
        if (skipped(scenario)) {
            return;
        }
        Duration slice = measure.dividedBy(rounds);
        Runner.Result b = null;
        Runner.Result s = null;
        for (int round = 0; round < rounds; round++) {
            boolean baseFirst = round % 2 == 0 || synod == null;
            if (baseFirst) {
                b = Runner.Result.merge(b, measure(scenario, baseName, threads, base, slice));
            }
            if (synod != null) {
                s = Runner.Result.merge(s, measure(scenario, synodName, threads, synod, slice));
            }
            if (!baseFirst) {
                b = Runner.Result.merge(b, measure(scenario, baseName, threads, base, slice));
            }
        }
        add(b, "baseline");
        if (s != null) {
            add(s, String.format(Locale.ROOT, "%.2fx", s.opsPerSecond() / b.opsPerSecond()));
        }
    }

    private void deref(int threads) throws Exception {
        if (skipped("cached deref")) {
            return;
        }
        try (Scenarios shared = new Scenarios(connectString)) {
            ZooKeeperStm stm = shared.stm();
            Ref<Long> ref = stm.ref("deref-" + threads, Codec.json(Long.class), 42L);
            ref.get();
            Runner.Result r =
                    Runner.run("cached deref", "Synod", threads, warmup, measure, i -> shared.cachedDeref(ref));
            add(r, "-");
        }
    }

    private Runner.Result measure(String scenario, String system, int threads, Setup setup, Duration slice)
            throws Exception {
        log.printf(Locale.ROOT, "running %-22s %-30s threads=%d%n", scenario, system, threads);
        try (Scenarios s = new Scenarios(connectString)) {
            return Runner.run(scenario, system, threads, warmup, slice, i -> setup.create(s));
        }
    }

    private void add(Runner.Result r, String ratio) {
        rows.add(new Row(
                r.scenario(),
                r.threads(),
                r.system(),
                r.opsPerSecond(),
                r.percentileMicros(0.5),
                r.percentileMicros(0.99),
                r.slowestThreadShare(),
                ratio,
                r.cpuMicrosPerOp()));
    }

    /** The report: a heading line naming the setup, then a markdown table of {@code rows}. */
    public static String markdown(
            List<Row> rows, String connect, boolean embedded, Duration warmup, Duration measure, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Synod benchmark, %s, ZooKeeper %s (%s), %d cores, measured %d s per row in %d alternating rounds"
                        + " (each after a %d s warm-up)%n%n",
                LocalDate.now(),
                connect,
                embedded ? "embedded, one server" : "external",
                Runtime.getRuntime().availableProcessors(),
                measure.toSeconds(),
                rounds,
                warmup.toSeconds()));
        sb.append("| scenario | threads | system | ops/s | p50 µs | p99 µs | slowest thread | Synod / baseline |\n");
        sb.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %,.0f | %s | %s | %s | %s |%n",
                    r.scenario(),
                    r.threads(),
                    r.system(),
                    r.opsPerSecond(),
                    micros(r.p50()),
                    micros(r.p99()),
                    share(r),
                    r.ratio()));
        }
        return sb.toString();
    }

    /**
     * The CPU report: per row, the CPU microseconds per operation of this JVM's thread groups that
     * used at least 1 µs per operation, largest first. Thread CPU time as the JVM reports it;
     * garbage collection and JIT compilation are not in it, and on a shared machine it moves less
     * than throughput does.
     */
    public static String cpuMarkdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | threads | system | CPU µs per operation, by thread group |\n");
        sb.append("| --- | ---: | --- | --- |\n");
        for (Row r : rows) {
            if (r.cpuMicrosPerOp().isEmpty()) {
                continue;
            }
            double total = r.cpuMicrosPerOp().values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            StringBuilder groups = new StringBuilder(String.format(Locale.ROOT, "total %.0f", total));
            r.cpuMicrosPerOp().entrySet().stream()
                    .filter(e -> e.getValue() >= 1)
                    .forEach(e -> groups.append(String.format(Locale.ROOT, "; %s %.0f", e.getKey(), e.getValue())));
            sb.append(String.format(
                    Locale.ROOT, "| %s | %d | %s | %s |%n", r.scenario(), r.threads(), r.system(), groups));
        }
        return sb.toString();
    }

    /** The slowest thread's share of the mean, as a percentage; "-" for one thread. */
    private static String share(Row r) {
        return r.threads() < 2 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.slowestThreadShare());
    }

    private static String micros(double v) {
        return v < 1 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static Map<String, String> parse(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "usage: SynodBenchmark [--seconds N] [--warmup N] [--rounds N] [--threads 1,8] [--only TEXT]"
                                + " [--out FILE] [--connect HOST:PORT] [--cpu true]; bad argument '" + args[i] + "'");
            }
            opts.put(args[i], args[++i]);
        }
        return opts;
    }
}
