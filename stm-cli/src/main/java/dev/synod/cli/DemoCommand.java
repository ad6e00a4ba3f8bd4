package dev.synod.cli;

import dev.synod.stm.Codec;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.Ref;
import dev.synod.stm.spi.RecordView;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code synod demo}: Synod's main job in one command. Client processes, each with its own
 * ZooKeeper session, move money between accounts in ref transactions, swap an atom and commit
 * under a distributed lock; an auditor checks the total in read-only transactions meanwhile; the
 * summary checks that the total never changed, that the atom counted every swap and that every
 * lock-guarded commit is there.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Client processes move money between accounts in transactions, swap an atom and do"
                + " lock-guarded work; then the totals are checked. Without --connect, a three-server ZooKeeper"
                + " ensemble is started on 127.0.0.1 for the run.")
final class DemoCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemoCommand.class);

    private static final long INITIAL_BALANCE = 1_000;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--connect",
            paramLabel = "HOST:PORT",
            description = "run against this ensemble (default: start one on 127.0.0.1)")
    String connect;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "8",
            description = "how long the clients work (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--clients",
            paramLabel = "N",
            defaultValue = "3",
            description = "client processes (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--accounts",
            paramLabel = "N",
            defaultValue = "16",
            description = "accounts (default: ${DEFAULT-VALUE})")
    int accounts;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = Timeouts.class,
            description = "how long to wait for ZooKeeper and for the clients to start (default: ${DEFAULT-VALUE})")
    Duration timeout;

    private final List<ClientProcess> children = new ArrayList<>();
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private volatile LocalEnsemble ensemble;
    private volatile ZooKeeperStm stm;

    @Override
    public Integer call() throws Exception {
        if (connect != null) {
            Ensemble.checkConnectString(connect);
        }
        check(seconds >= 1 && seconds <= 3600, "--seconds must be between 1 and 3600 but was " + seconds);
        check(clients >= 1 && clients <= 16, "--clients must be between 1 and 16 but was " + clients);
        check(accounts >= 2 && accounts <= 1000, "--accounts must be between 2 and 1000 but was " + accounts);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Thread hook = new Thread(this::cleanUp, "synod-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runDemo(out, err);
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running
            }
        }
    }

    private int runDemo(PrintWriter out, PrintWriter err) throws Exception {
        long t0 = System.nanoTime();
        String where = connect;
        if (where == null) {
            out.println("starting a three-server ZooKeeper ensemble on 127.0.0.1 ...");
            out.flush();
            ensemble = LocalEnsemble.start(3, 0, null, 500, false);
            where = ensemble.connectString();
            out.printf(Locale.ROOT, "ensemble up at %s (%.1f s)%n", where, secondsSince(t0));
        }
        stm = connect(where);
        DemoNames names = new DemoNames(UUID.randomUUID().toString().substring(0, 8));
        List<Ref<Long>> refs = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            refs.add(stm.ref(names.account(i), Codec.json(Long.class), INITIAL_BALANCE));
        }
        stm.atom(names.swaps(), Codec.json(Long.class), 0L);
        stm.ref(names.guarded(), Codec.json(Long.class), 0L);
        long expected = INITIAL_BALANCE * accounts;
        out.printf(
                "demo %s: %d client processes move money between %d accounts (total %d) for %d s,"
                        + " swap atom %s and commit under lock %s%n",
                names.run(), clients, accounts, expected, seconds, names.swaps(), names.lock());
        out.flush();

        for (int i = 1; i <= clients; i++) {
            List<String> args = new ArrayList<>(
                    List.of("--connect", where, "--run", names.run(), "--accounts", Integer.toString(accounts)));
            if (Boolean.TRUE.equals(spec.findOption("--verbose").getValue())) {
                args.add("--verbose");
            }
            children.add(ClientProcess.start(i, args, err));
        }
        awaitReady();
        out.printf(Locale.ROOT, "clients ready (%.1f s since start); go%n", secondsSince(t0));
        out.flush();

        Auditor auditor = new Auditor(refs, expected);
        auditor.start();
        children.forEach(c -> c.send("go"));
        long start = System.nanoTime();
        boolean terminal = System.console() != null;
        DemoStats previous = DemoStats.ZERO;
        for (int s = 1; s <= seconds; s++) {
            long wakeAt = start + TimeUnit.SECONDS.toNanos(s);
            long sleep = wakeAt - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            DemoStats now = total(false);
            String line = String.format(
                    Locale.ROOT,
                    "%3d s  commits %,9d (%,6.0f/s)  transfers %,8d  swaps %,7d  locked %,6d  retries %,6d"
                            + "  conflicts %,6d",
                    s,
                    now.commits(),
                    (double) (now.commits() - previous.commits()),
                    now.transfers(),
                    now.swaps(),
                    now.locked(),
                    now.retries(),
                    now.conflicts());
            previous = now;
            if (terminal) {
                out.print("\r" + line);
            } else {
                out.println(line);
            }
            out.flush();
            for (ClientProcess c : children) {
                if (c.ended() && c.done() == null) {
                    if (terminal) {
                        out.println();
                    }
                    throw new Failure(
                            Failure.CHECK_FAILED,
                            "client " + c.index() + " stopped unexpectedly" + " (exit code " + c.awaitExit(5_000)
                                    + ", see its messages above)");
                }
            }
        }
        if (terminal) {
            out.println();
        }
        children.forEach(c -> c.send("stop"));
        DemoStats total = awaitDone();
        double elapsed = secondsSince(start);
        auditor.stop();

        long finalTotal = 0;
        for (int i = 0; i < accounts; i++) {
            finalTotal += readLong(names.account(i));
        }
        long atom = readLong(names.swaps());
        long guarded = readLong(names.guarded());
        boolean auditsOk = auditor.wrong.get() == 0 && auditor.audits.get() > 0;
        boolean totalOk = finalTotal == expected && auditsOk;
        boolean atomOk = atom == total.swaps();
        boolean guardedOk = guarded == total.locked();

        out.printf(Locale.ROOT, "%nsummary (%.1f s of work, %d client processes)%n", elapsed, clients);
        out.printf(
                Locale.ROOT,
                "  commits      %,d: %,d transfers, %,d lock-guarded (%,d gave up and changed nothing)%n",
                total.commits(),
                total.transfers(),
                total.locked(),
                total.failed());
        out.printf(Locale.ROOT, "  retries      %,d%n", total.retries());
        out.printf(
                Locale.ROOT,
                "  conflicts    %,d in transactions, %,d atom compare-and-set%n",
                total.conflicts(),
                total.atomConflicts());
        out.printf(
                Locale.ROOT,
                "  throughput   %,.0f commits/s, %,.0f swaps/s%n",
                total.commits() / elapsed,
                total.swaps() / elapsed);
        out.printf("  atom         %s = %d, sum of swaps %d: %s%n", names.swaps(), atom, total.swaps(), ok(atomOk));
        out.printf(
                "  lock-guarded %s = %d, guarded commits %d: %s%n",
                names.guarded(), guarded, total.locked(), ok(guardedOk));
        out.printf(
                "  audits       %d read-only transactions, %d saw a wrong total, %d failed: %s%n",
                auditor.audits.get(), auditor.wrong.get(), auditor.failures.get(), ok(auditsOk));
        out.printf("  invariant    total %d, expected %d: %s%n", finalTotal, expected, ok(finalTotal == expected));
        if (connect != null) {
            out.printf("inspect it: ./synod ls --connect %s%n", connect);
        }
        out.flush();
        if (!(totalOk && atomOk && guardedOk)) {
            throw new Failure(Failure.CHECK_FAILED, "demo check failed: see the summary");
        }
        return 0;
    }

    private static String ok(boolean ok) {
        return ok ? "OK" : "VIOLATED";
    }

    private ZooKeeperStm connect(String where) {
        try {
            return ZooKeeperStm.builder()
                    .connectString(where)
                    .connectionTimeout(timeout)
                    .sessionTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (CoordinationException e) {
            throw new Failure(
                    Failure.CANNOT_CONNECT,
                    "cannot connect to ZooKeeper at " + where + " within " + Timeouts.describe(timeout)
                            + " (is it running? set --connect and --timeout)",
                    e);
        }
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(timeout.toNanos(), TimeUnit.SECONDS.toNanos(60));
        while (!children.stream().allMatch(ClientProcess::ready)) {
            for (ClientProcess c : children) {
                if (c.ended() && !c.ready()) {
                    throw new Failure(
                            Failure.CHECK_FAILED,
                            "client " + c.index() + " exited before it was ready (exit code " + c.awaitExit(5_000)
                                    + ", see its messages above)");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new Failure(Failure.CHECK_FAILED, "the client processes did not start within 60 s");
            }
            Thread.sleep(20);
        }
    }

    private DemoStats awaitDone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ClientProcess c : children) {
            int code = c.awaitExit(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (code != 0 || c.done() == null) {
                throw new Failure(
                        Failure.CHECK_FAILED,
                        "client " + c.index()
                                + (code == -1 ? " did not stop within 30 s" : " failed (exit code " + code + ")")
                                + ", see its messages above");
            }
        }
        // the stdout readers see DONE before the process exits
        return total(true);
    }

    private DemoStats total(boolean done) {
        DemoStats sum = DemoStats.ZERO;
        for (ClientProcess c : children) {
            sum = sum.plus(done ? c.done() : c.latest());
        }
        return sum;
    }

    /** Reads a long value straight from its znode, after a sync: the clients' last commits included. */
    private long readLong(String name) throws Exception {
        String path = stm.namespacePath() + "/cells/" + name.replace('/', ':');
        ZooKeeper zk = stm.curator().getZookeeperClient().getZooKeeper();
        CountDownLatch synced = new CountDownLatch(1);
        AtomicInteger syncResult = new AtomicInteger();
        zk.sync(
                path,
                (rc, p, ctx) -> {
                    syncResult.set(rc);
                    synced.countDown();
                },
                null);
        if (!synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Failure(Failure.CANNOT_CONNECT, "no answer from ZooKeeper within " + Timeouts.describe(timeout));
        }
        // an unsynced read could come from a server that trails the clients' last commits
        KeeperException.Code code = KeeperException.Code.get(syncResult.get());
        if (code != KeeperException.Code.OK) {
            throw new Failure(
                    Failure.CANNOT_CONNECT,
                    "cannot read '" + name + "' for the final check: ZooKeeper's sync failed (" + code + ")");
        }
        byte[] bytes;
        try {
            bytes = stm.curator().getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            throw new Failure(Failure.UNKNOWN_REF, "'" + name + "' is gone (destroyed by someone else?)", e);
        } catch (KeeperException e) {
            throw new Failure(
                    Failure.CANNOT_CONNECT, "cannot read '" + name + "' for the final check: " + e.getMessage(), e);
        }
        try {
            RecordView view = RecordView.parse(path, bytes);
            return Json.MAPPER.readValue(view.value(), Long.class);
        } catch (CorruptRecordException | java.io.IOException e) {
            throw new Failure(Failure.CORRUPT, "corrupt data in '" + name + "': " + e.getMessage(), e);
        }
    }

    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        children.parallelStream().forEach(ClientProcess::kill);
        if (stm != null) {
            stm.close();
        }
        if (ensemble != null) {
            try {
                ensemble.close();
            } catch (java.io.IOException e) {
                // stopping anyway
            }
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new Failure(Failure.USAGE, message);
        }
    }

    /** Checks the total in read-only transactions while the clients work. */
    private final class Auditor {
        private final List<Ref<Long>> refs;
        private final long expected;
        private final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong audits = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        /** Audits that threw (each is retried after a pause): none completed means nothing was checked. */
        final AtomicLong failures = new AtomicLong();

        private final Thread thread;

        Auditor(List<Ref<Long>> refs, long expected) {
            this.refs = refs;
            this.expected = expected;
            this.thread = new Thread(this::loop, "synod-demo-auditor");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            while (!stop.get()) {
                try {
                    long total = stm.atomically(
                            txn -> refs.stream().mapToLong(Ref::get).sum());
                    audits.incrementAndGet();
                    if (total != expected) {
                        wrong.incrementAndGet();
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (stop.get()) {
                        return;
                    }
                    failures.incrementAndGet();
                    LOG.debug("demo audit failed; retrying", e);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.interrupt();
            thread.join(5_000);
        }
    }
}
