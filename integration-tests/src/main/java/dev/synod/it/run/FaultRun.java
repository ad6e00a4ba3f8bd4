package dev.synod.it.run;

import dev.synod.it.check.CheckResult;
import dev.synod.it.check.SummaryTable;
import dev.synod.it.fault.Ensemble;
import dev.synod.it.history.History;
import dev.synod.it.history.HistoryJson;
import dev.synod.it.history.Op;
import dev.synod.it.workload.ClientArgs;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jepsen-style run: sets up the workloads' state in a fresh namespace, starts their client
 * JVMs (each behind its own proxies), lets a {@link Nemesis} inject one {@link FaultMix} until a
 * quiet tail before the end, heals, waits for the clients to write their histories, makes a final
 * read of each workload, merges and checks the histories, and renders the summary table (also
 * written to {@code summary.txt} in the run directory, with the histories and client logs).
 *
 * <pre>{@code
 * RunReport report = FaultRun.builder("bank-leader-kill", ensemble)
 *         .mix(FaultMix.LEADER_KILL)
 *         .duration(Duration.ofSeconds(20))
 *         .workload(Workloads.bank(2, 3))
 *         .run();
 * }</pre>
 *
 * <p>Not thread-safe: one run at a time per ensemble.
 */
public final class FaultRun {
    private static final Logger log = LoggerFactory.getLogger(FaultRun.class);
    private static final List<String> STATES = List.of("SUSPENDED", "LOST", "RECONNECTED");

    /**
     * The count of transactions retried by the engine's read-atomic safety net (StmMetrics): a
     * read point ahead of the cache, caught. It should be zero.
     */
    public static final String STALE_CACHE_RETRIES = "stale-cache retries";

    /**
     * Times a client stopped watching the counter atom because it only updated it (StmMetrics):
     * shows that the runs exercised that mode.
     */
    public static final String ATOMS_UNWATCHED = "atoms unwatched";

    /**
     * Times a client stopped watching a ref because it only wrote it (StmMetrics): shows whether
     * the runs exercised that mode.
     */
    public static final String REFS_UNWATCHED = "refs unwatched";

    /** The count of clients that ended without reporting their metrics: should be zero. */
    public static final String UNREPORTED_METRICS = "clients without metrics";

    private final String name;
    private final Ensemble ensemble;
    private final FaultMix mix;
    private final Duration duration;
    private final Duration quietTail;
    private final Duration opTimeout;
    private final Path baseDir;
    private final List<WorkloadSpec> workloads;

    private FaultRun(Builder b) {
        this.name = b.name;
        this.ensemble = b.ensemble;
        this.mix = b.mix;
        this.duration = b.duration;
        this.quietTail = b.quietTail;
        this.opTimeout = b.opTimeout;
        this.baseDir = b.baseDir;
        this.workloads = List.copyOf(b.workloads);
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one workload");
        }
    }

    /** A run named {@code name} (letters, digits and '-') against {@code ensemble}. */
    public static Builder builder(String name, Ensemble ensemble) {
        return new Builder(name, ensemble);
    }

    /** Runs, checks and reports. */
    public RunReport run() throws Exception {
        Path dir = baseDir.resolve("fault-runs").resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String namespace = "/it-" + name + "-" + Long.toString(System.currentTimeMillis(), 36);
        ensemble.awaitServing(Duration.ofSeconds(30));
        try (ZooKeeperStm setup = connect(namespace)) {
            workloads.forEach(w -> w.setup(setup));
        }
        long runStartMs = System.currentTimeMillis();
        long startNanos;
        Map<WorkloadSpec, List<ClientProcess>> clients = new LinkedHashMap<>();
        List<ClientProcess> all = new ArrayList<>();
        Nemesis nemesis = null;
        try {
            int number = 1;
            for (WorkloadSpec w : workloads) {
                Map<String, String> args = new LinkedHashMap<>(w.args());
                args.put(ClientArgs.NAMESPACE, namespace);
                args.put(ClientArgs.THREADS, Integer.toString(w.threads()));
                args.put(ClientArgs.DURATION_MS, Long.toString(duration.toMillis()));
                args.put(ClientArgs.OP_TIMEOUT_MS, Long.toString(opTimeout.toMillis()));
                args.put(ClientArgs.RUN_START_MS, Long.toString(runStartMs));
                List<ClientProcess> processes = new ArrayList<>();
                for (int p = 0; p < w.processes(); p++) {
                    processes.add(
                            new ClientProcess(number++, w.name(), w.client(), args, w.sessionTimeout(), ensemble, dir));
                }
                clients.put(w, processes);
                all.addAll(processes);
            }
            for (ClientProcess client : all) {
                if (!client.awaitReady(Duration.ofSeconds(90))) {
                    throw new IllegalStateException(
                            client + " did not get ready; see its log under " + dir.resolve("logs"));
                }
            }
            startNanos = System.nanoTime();
            all.forEach(ClientProcess::go);
            nemesis = new Nemesis(mix, ensemble, all, runStartMs);
            Thread thread = new Thread(nemesis, "nemesis-" + name);
            thread.start();
            sleepUntil(startNanos + duration.minus(quietTail).toNanos());
            nemesis.stop();
            thread.join();
            nemesis.heal();
            awaitClients(all, startNanos);
        } finally {
            if (nemesis != null) {
                nemesis.stop();
            }
            all.forEach(ClientProcess::close);
        }
        ensemble.awaitServing(Duration.ofSeconds(30));
        log.info("{}: clients ended, final reads", name);
        Duration elapsed = Duration.ofMillis(System.currentTimeMillis() - runStartMs);
        Map<String, History> finals = new LinkedHashMap<>();
        try (ZooKeeperStm reader = connect(namespace)) {
            sync(reader);
            for (WorkloadSpec w : workloads) {
                History history = History.create();
                w.finalRead(reader, history, elapsed);
                finals.put(w.name(), history);
            }
        }
        log.info("{}: checking", name);
        return report(dir, clients, finals, nemesis.injected());
    }

    private RunReport report(
            Path dir,
            Map<WorkloadSpec, List<ClientProcess>> clients,
            Map<String, History> finals,
            Map<String, Long> faults) {
        Map<String, List<Op>> histories = new LinkedHashMap<>();
        Map<String, List<CheckResult>> results = new LinkedHashMap<>();
        List<Op> combined = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        STATES.forEach(s -> counts.put(s, 0L));
        counts.put(STALE_CACHE_RETRIES, 0L);
        counts.put(UNREPORTED_METRICS, 0L);
        counts.put(ATOMS_UNWATCHED, 0L);
        counts.put(REFS_UNWATCHED, 0L);
        clients.forEach((w, processes) -> {
            List<List<Op>> parts = new ArrayList<>();
            for (ClientProcess p : processes) {
                parts.add(HistoryJson.read(p.historyFile()));
                STATES.forEach(s -> counts.merge(s, p.stateCount(s), Long::sum));
                if (p.hasMetric("stale-cache-retries")) {
                    counts.merge(STALE_CACHE_RETRIES, p.metric("stale-cache-retries"), Long::sum);
                    counts.merge(ATOMS_UNWATCHED, p.metric("atoms-unwatched"), Long::sum);
                    counts.merge(REFS_UNWATCHED, p.metric("refs-unwatched"), Long::sum);
                } else {
                    counts.merge(UNREPORTED_METRICS, 1L, Long::sum);
                }
            }
            parts.add(finals.get(w.name()).ops());
            List<Op> merged = History.merge(parts);
            HistoryJson.write(merged, dir.resolve(w.name() + ".jsonl"));
            histories.put(w.name(), merged);
            // named after the workload: two workloads may share a checker
            results.put(
                    w.name(),
                    w.check(merged).stream()
                            .map(r -> new CheckResult(w.name(), r.valid(), r.anomalies(), r.witnesses(), r.stats()))
                            .toList());
            merged.stream().map(op -> prefixed(w.name(), op)).forEach(combined::add);
        });
        faults.forEach((k, v) -> counts.put("fault: " + k, v));
        SummaryTable table = SummaryTable.of(combined);
        results.values().forEach(list -> list.forEach(table::result));
        counts.forEach(table::count);
        StringBuilder text =
                new StringBuilder("run " + name + " (" + mix.label() + ", " + duration.toSeconds() + " s)\n");
        text.append(table.render());
        results.values().forEach(list -> list.stream().filter(r -> !r.valid()).forEach(r -> text.append('\n')
                .append(r.table())));
        String summary = text.toString();
        try {
            Files.writeString(dir.resolve("summary.txt"), summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.info("\n{}", summary);
        return new RunReport(name, dir, histories, results, counts, summary);
    }

    private static Op prefixed(String workload, Op op) {
        return new Op(
                op.index(),
                op.process(),
                op.thread(),
                op.type(),
                workload + ":" + op.f(),
                op.value(),
                op.startNanos(),
                op.endNanos(),
                op.error());
    }

    private void awaitClients(List<ClientProcess> clients, long startNanos) throws InterruptedException {
        long deadline = startNanos + duration.plus(opTimeout).plusSeconds(30).toNanos();
        for (ClientProcess client : clients) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            int exit = client.jvm().waitFor(left);
            if (exit != 0 || !Files.exists(client.historyFile())) {
                throw new IllegalStateException(client + " did not end cleanly (exit " + exit + ", history "
                        + client.historyFile() + "); see its log under "
                        + client.historyFile().getParent().resolveSibling("logs"));
            }
        }
    }

    private ZooKeeperStm connect(String namespace) {
        return ZooKeeperStm.builder()
                .connectString(ensemble.connectString())
                .namespace(namespace)
                .sessionTimeout(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(15))
                .build();
    }

    /** Makes the server of {@code stm}'s session catch up with the leader before final reads. */
    private static void sync(ZooKeeperStm stm) throws Exception {
        ZooKeeper zk = stm.curator().getZookeeperClient().getZooKeeper();
        CountDownLatch done = new CountDownLatch(1);
        zk.sync("/", (rc, path, ctx) -> done.countDown(), null);
        if (!done.await(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sync did not complete");
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Configures a {@link FaultRun}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Ensemble ensemble;
        private FaultMix mix = FaultMix.NONE;
        private Duration duration = Duration.ofSeconds(20);
        private Duration quietTail = Duration.ofSeconds(5);
        private Duration opTimeout = Duration.ofSeconds(8);
        private Path baseDir = Path.of("target");
        private final List<WorkloadSpec> workloads = new ArrayList<>();

        private Builder(String name, Ensemble ensemble) {
            if (!name.matches("[A-Za-z0-9-]+")) {
                throw new IllegalArgumentException("name must be letters, digits and '-' but was " + name);
            }
            this.name = name;
            this.ensemble = Objects.requireNonNull(ensemble, "ensemble");
        }

        /** The faults (default none). */
        public Builder mix(FaultMix mix) {
            this.mix = Objects.requireNonNull(mix, "mix");
            return this;
        }

        /** How long the clients issue operations (default 20 s). */
        public Builder duration(Duration duration) {
            this.duration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /** The fault-free tail before the end, for recovery (default 5 s). */
        public Builder quietTail(Duration quietTail) {
            this.quietTail = Objects.requireNonNull(quietTail, "quietTail");
            return this;
        }

        /** The transaction timeout of the clients (default 8 s). */
        public Builder opTimeout(Duration opTimeout) {
            this.opTimeout = Objects.requireNonNull(opTimeout, "opTimeout");
            return this;
        }

        /** Where {@code fault-runs/<name>} is written (default {@code target}). */
        public Builder baseDir(Path baseDir) {
            this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
            return this;
        }

        /** Adds a workload. */
        public Builder workload(WorkloadSpec workload) {
            workloads.add(Objects.requireNonNull(workload, "workload"));
            return this;
        }

        /** Builds the run. */
        public FaultRun build() {
            return new FaultRun(this);
        }

        /** Builds and runs. */
        public RunReport run() throws Exception {
            return build().run();
        }
    }
}
