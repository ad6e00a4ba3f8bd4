package dev.synod.it.workload;

import dev.synod.it.fault.JavaProcess;
import dev.synod.it.history.History;
import dev.synod.it.history.HistoryJson;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of every workload client process: connects a {@link ZooKeeperStm}, runs the workload's
 * worker threads until the run's duration is over, writes the history and exits.
 *
 * <p>It talks to the test over its stdout, one event a line (prefix {@value
 * JavaProcess#EVENT_PREFIX}): {@code SESSION <id> <password>} whenever it (re)connects (so the
 * test can expire the session on the server), {@code STATE <state>} for every Curator connection
 * state change, {@code READY} once connected and set up (it then waits for {@code GO} on its stdin), {@code
 * DONE <ops>} at the end; workloads add theirs through {@link #event}. Logs
 * go through SLF4J (to stderr).
 */
final class ClientRuntime {
    private static final Logger log = LoggerFactory.getLogger(ClientRuntime.class);
    private static final PrintStream EVENTS = System.out;

    private ClientRuntime() {}

    /** Sends an event line to the test. */
    static void event(String line) {
        synchronized (EVENTS) {
            EVENTS.println(JavaProcess.EVENT_PREFIX + line);
            EVENTS.flush();
        }
    }

    /** Runs a client with {@code args}, building its workload with {@code factory}, and exits. */
    static void main(String[] rawArgs, Function<ClientContext, Workload> factory) {
        int status = 0;
        try {
            run(ClientArgs.parse(rawArgs), factory);
        } catch (Throwable t) {
            log.error("client failed", t);
            status = 1;
        }
        Runtime.getRuntime().halt(status); // do not wait for non-daemon threads of libraries
    }

    private static void run(ClientArgs args, Function<ClientContext, Workload> factory) throws InterruptedException {
        int process = args.getInt(ClientArgs.PROCESS);
        Duration opTimeout = args.millis(ClientArgs.OP_TIMEOUT_MS, Duration.ofSeconds(8));
        ZooKeeperStm stm = ZooKeeperStm.builder()
                .connectString(args.get(ClientArgs.CONNECT))
                .namespace(args.get(ClientArgs.NAMESPACE))
                .sessionTimeout(args.millis(ClientArgs.SESSION_TIMEOUT_MS, Duration.ofSeconds(4)))
                .connectionTimeout(Duration.ofSeconds(5))
                .defaultOptions(TxnOptions.defaults().withTimeout(opTimeout))
                .build();
        CuratorFramework curator = stm.curator();
        curator.getConnectionStateListenable().addListener((client, state) -> {
            event("STATE " + state.name());
            if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                reportSession(client);
            }
        });
        reportSession(curator);
        Path historyFile = Path.of(args.get(ClientArgs.HISTORY));
        // streamed as recorded: a client keeps no op in memory, however long the run
        BufferedWriter historyOut;
        try {
            if (historyFile.getParent() != null) {
                Files.createDirectories(historyFile.getParent());
            }
            historyOut = Files.newBufferedWriter(historyFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + historyFile, e);
        }
        History history = History.streaming(op -> {
            try {
                historyOut.write(HistoryJson.toLine(op));
                historyOut.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the history to " + historyFile, e);
            }
        });
        Workload workload = factory.apply(new ClientContext(stm, args, history, process));
        event("READY");
        awaitGo();
        long deadline = System.nanoTime()
                + args.millis(ClientArgs.DURATION_MS, Duration.ofSeconds(10)).toNanos();
        List<Thread> workers = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(process * 7919L + System.nanoTime());
        for (int t = 0; t < args.getInt(ClientArgs.THREADS, 3); t++) {
            int thread = t;
            SplittableRandom random = seeds.split();
            Thread worker = new Thread(
                    () -> {
                        try {
                            while (System.nanoTime() < deadline) {
                                workload.step(thread, random);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            log.error("worker {} stopped", thread, e);
                        }
                    },
                    "worker-" + thread);
            worker.start();
            workers.add(worker);
        }
        long joinDeadline = deadline + opTimeout.plusSeconds(10).toNanos();
        for (Thread worker : workers) {
            worker.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
            if (worker.isAlive()) {
                log.warn("{} is still running at the end; its open op counts as info", worker.getName());
            }
        }
        synchronized (history) { // the history's own lock: no op is being written
            try {
                historyOut.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the history to " + historyFile, e);
            }
        }
        event("METRIC stale-cache-retries " + stm.metrics().staleCacheRetries());
        event("METRIC atoms-unwatched " + stm.metrics().atomsUnwatched());
        event("METRIC refs-unwatched " + stm.metrics().refsUnwatched());
        event("DONE " + history.size());
        Thread closer = new Thread(stm::close, "close");
        closer.setDaemon(true);
        closer.start();
        closer.join(5_000);
    }

    /** Blocks until the test writes {@code GO} to stdin, so that all clients start together. */
    private static void awaitGo() {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.trim().equals("GO")) {
                    return;
                }
            }
            throw new IllegalStateException("stdin closed before GO");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin", e);
        }
    }

    private static void reportSession(CuratorFramework client) {
        try {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            event("SESSION " + Long.toHexString(zk.getSessionId()) + " "
                    + HexFormat.of().formatHex(zk.getSessionPasswd()));
        } catch (Exception e) {
            log.warn("cannot read the session", e);
        }
    }
}
