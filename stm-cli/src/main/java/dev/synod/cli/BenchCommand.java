package dev.synod.cli;

import dev.synod.bench.SynodBenchmark;
import dev.synod.stm.CoordinationException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code synod bench}: the benchmark suite, a markdown table of ratios and an SVG chart. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark Synod against raw ZooKeeper multi, Curator's DistributedAtomicLong and a raw CAS"
                + " loop on one ZooKeeper server; print the table and write a chart.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "5",
            description = "measured seconds per system and row, split over the rounds (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "" + SynodBenchmark.DEFAULT_ROUNDS,
            description = "alternating rounds per comparison, so that neither side always runs second"
                    + " (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "2",
            description = "warm-up seconds before each round (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--threads",
            paramLabel = "N,N",
            split = ",",
            defaultValue = "1,8",
            description = "client threads per scenario (default: ${DEFAULT-VALUE})")
    int[] threads;

    @Option(
            names = "--only",
            paramLabel = "TEXT",
            description = "run only the scenarios whose name contains TEXT, e.g. counter or \"3 refs\"")
    String only;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            defaultValue = "docs/benchmark.svg",
            description = "the chart (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--cpu",
            description = "also print the CPU time per operation of each thread group (clients, server)")
    boolean cpu;

    @Option(
            names = "--connect",
            paramLabel = "HOST:PORT",
            description = "benchmark this ensemble (default: start one server on 127.0.0.1)")
    String connect;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1
                || warmup < 0
                || rounds < 1
                || rounds > 10
                || Arrays.stream(threads).anyMatch(t -> t < 1 || t > 64)) {
            throw new Failure(
                    Failure.USAGE,
                    "--seconds must be >= 1, --warmup >= 0, --rounds between 1 and 10 and --threads between 1 and 64");
        }
        if (connect != null) {
            Ensemble.checkConnectString(connect);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        LocalEnsemble server = null;
        String where = connect;
        try {
            if (where == null) {
                server = LocalEnsemble.start(1, 0, null, -1, true);
                where = server.connectString();
            }
            // each row is measured for its seconds in rounds, each round after a warm-up and about
            // a second of setup
            long rowsMeasured = Arrays.stream(threads)
                    .map(SynodBenchmark::rowsPerThreadCount)
                    .sum();
            stderr.printf(
                    "synod bench: %d rows, about %d s%n",
                    rowsMeasured, rowsMeasured * (seconds + (long) rounds * (warmup + 1)) + 4L * warmup + 2);
            stderr.flush();
            PrintStream log = new PrintStream(new WriterOutputStream(stderr), true, StandardCharsets.UTF_8);
            List<SynodBenchmark.Row> rows;
            try {
                rows = SynodBenchmark.run(
                        where, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), rounds, only, threads, log);
            } catch (CoordinationException e) {
                // setting up a scenario failed: at the start, a server not running
                throw new Failure(Failure.CANNOT_CONNECT, e.getMessage(), e);
            }
            if (rows.isEmpty()) {
                throw new Failure(Failure.USAGE, "--only '" + only + "' matches no scenario (see: synod bench --help)");
            }
            String table = SynodBenchmark.markdown(
                    rows, where, server != null, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), rounds);
            stdout.println(table);
            if (cpu) {
                stdout.println(SynodBenchmark.cpuMarkdown(rows));
            }
            if (only != null && !spec.commandLine().getParseResult().hasMatchedOption("--out")) {
                // a partial run does not replace the chart of a full one unless asked to
                stdout.println("chart not written for a run with --only (pass --out FILE to write one)");
                stdout.flush();
                return 0;
            }
            String title = "Synod vs raw ZooKeeper and Curator (" + LocalDate.now() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, "
                    + (server != null ? "one embedded server" : where) + ")";
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(out, SvgChart.render(rows, title), StandardCharsets.UTF_8);
            stdout.println("chart written to " + out);
            stdout.flush();
            return 0;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Passes the benchmark's progress log (a PrintStream) on to the command's stderr writer. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final PrintWriter target;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(PrintWriter target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public synchronized void flush() {
            target.print(line.toString(StandardCharsets.UTF_8));
            target.flush();
            line.reset();
        }
    }
}
