package dev.synod.it.run;

import dev.synod.it.fault.ClientNetwork;
import dev.synod.it.fault.Ensemble;
import dev.synod.it.fault.JavaProcess;
import dev.synod.it.workload.ClientArgs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A workload client JVM with its own network ({@link ClientNetwork}) and what it reported on its
 * control channel: its current session, its connection state changes, and whether one of its
 * workers holds the lock. Thread-safe.
 */
public final class ClientProcess implements AutoCloseable {
    private final int number;
    private final String workload;
    private final Duration sessionTimeout;
    private final ClientNetwork network;
    private final Path history;
    private final Map<String, AtomicLong> states = new ConcurrentHashMap<>();
    private final Map<String, Long> metrics = new ConcurrentHashMap<>();
    private volatile long sessionId;
    private volatile byte[] password;
    private volatile boolean holding;
    private final AtomicLong holds = new AtomicLong();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final JavaProcess process;

    ClientProcess(
            int number,
            String workload,
            Class<?> mainClass,
            Map<String, String> args,
            Duration sessionTimeout,
            Ensemble ensemble,
            Path dir) {
        this.number = number;
        this.workload = workload;
        this.sessionTimeout = sessionTimeout;
        this.network = new ClientNetwork(ensemble);
        this.history = dir.resolve("histories").resolve(workload + "-p" + number + ".jsonl");
        Map<String, String> all = new LinkedHashMap<>(args);
        all.put(ClientArgs.CONNECT, network.connectString());
        all.put(ClientArgs.PROCESS, Integer.toString(number));
        all.put(ClientArgs.HISTORY, history.toString());
        all.put(ClientArgs.SESSION_TIMEOUT_MS, Long.toString(sessionTimeout.toMillis()));
        this.process = JavaProcess.start(
                workload + "-p" + number,
                mainClass.getName(),
                List.of(
                        "-Xmx" + heapMegabytes() + "m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Xss512k",
                        "-XX:+HeapDumpOnOutOfMemoryError",
                        "-XX:HeapDumpPath=" + dir.resolve("logs"),
                        // one clock for every process of the run: their histories are merged by time
                        "-D" + dev.synod.it.history.History.CLOCK_BASE_PROPERTY + "="
                                + dev.synod.it.history.History.clockBase()),
                ClientArgs.format(all),
                dir.resolve("logs").resolve(workload + "-p" + number + ".log"),
                this::onEvent);
    }

    /**
     * The client's heap: 160 MB for the bounded runs, more for longer ones ({@code
     * synod.faults.scale}). Clients stream their history to disk, so this is headroom for longer
     * lists and histories in the cache, not for the history itself.
     */
    static int heapMegabytes() {
        double scale = Double.parseDouble(System.getProperty("synod.faults.scale", "1"));
        return (int) Math.max(160, Math.ceil(64 * scale));
    }

    private void onEvent(String line) {
        String[] parts = line.split(" ");
        switch (parts[0]) {
            case "SESSION" -> {
                password = HexFormat.of().parseHex(parts[2]);
                sessionId = Long.parseUnsignedLong(parts[1], 16);
            }
            case "STATE" ->
                states.computeIfAbsent(parts[1], s -> new AtomicLong()).incrementAndGet();
            case "HOLD" -> {
                holding = true;
                holds.incrementAndGet();
            }
            case "RELEASED" -> holding = false;
            case "METRIC" -> metrics.put(parts[1], Long.parseLong(parts[2]));
            case "READY" -> ready.countDown();
            default -> {}
        }
    }

    /** Waits until the client reported READY; false on timeout or if it exited. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (ready.await(100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Lets the client's workers start. */
    void go() {
        process.send("GO");
    }

    /** The process number in the histories. */
    public int number() {
        return number;
    }

    /** The workload's name. */
    public String workload() {
        return workload;
    }

    /** The session timeout the client asked for. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** The client's network, for cuts, freezes and delays. */
    public ClientNetwork network() {
        return network;
    }

    /** The JVM, for pauses. */
    public JavaProcess jvm() {
        return process;
    }

    /** The file the client writes its history to when it ends. */
    public Path historyFile() {
        return history;
    }

    /** The last session id the client reported (0 before any). */
    public long sessionId() {
        return sessionId;
    }

    /** The password of the last session reported. */
    public byte[] password() {
        return password;
    }

    /** Whether a worker of this client reported holding the lock and not yet releasing it. */
    public boolean holding() {
        return holding;
    }

    /** How many acquisitions the client reported so far. */
    public long holds() {
        return holds.get();
    }

    /** A counter the client reported at its end ({@code METRIC <name> <value>}), or 0. */
    public long metric(String name) {
        return metrics.getOrDefault(name, 0L);
    }

    /** Whether the client reported counter {@code name} at its end. */
    public boolean hasMetric(String name) {
        return metrics.containsKey(name);
    }

    /** How often the client entered connection state {@code state} (e.g. SUSPENDED). */
    public long stateCount(String state) {
        AtomicLong count = states.get(state);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        process.close();
        network.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
