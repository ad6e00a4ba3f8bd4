package dev.synod.it.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper ensemble of child JVMs running {@code QuorumPeerMain} on 127.0.0.1 with free ports
 * and data directories under one directory; servers can be killed ({@code SIGKILL}), restarted
 * with their data, paused and resumed. Tick time 500 ms: sessions may time out after 1 to 20 s.
 *
 * <p>Thread-safe; {@link #close()} kills every server and deletes the data directories.
 */
public final class Ensemble implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ensemble.class);
    private static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private final Path dir;
    private final List<Integer> clientPorts;
    private final JavaProcess[] servers;
    private final boolean[] paused;

    private Ensemble(Path dir, int size) {
        this.dir = dir;
        List<Integer> ports = Ports.free(size * 3);
        this.clientPorts = ports.subList(0, size);
        this.servers = new JavaProcess[size];
        this.paused = new boolean[size];
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < size; i++) {
            peers.append("server.")
                    .append(i + 1)
                    .append("=127.0.0.1:")
                    .append(ports.get(size + i))
                    .append(':')
                    .append(ports.get(2 * size + i))
                    .append('\n');
        }
        for (int i = 0; i < size; i++) {
            writeConfig(i, peers.toString());
        }
    }

    /** Starts a {@code size}-server ensemble in {@code dir} and waits until it serves. */
    public static Ensemble start(Path dir, int size, Duration timeout) {
        Ensemble ensemble = new Ensemble(dir, size);
        try {
            for (int i = 0; i < size; i++) {
                ensemble.restart(i);
            }
            ensemble.awaitServing(timeout);
            return ensemble;
        } catch (RuntimeException e) {
            ensemble.close();
            throw e;
        }
    }

    private void writeConfig(int i, String peers) {
        Path data = dir.resolve("zk" + (i + 1));
        String config = "tickTime=500\ninitLimit=20\nsyncLimit=10\n"
                + "dataDir=" + data + "\n"
                + "clientPort=" + clientPorts.get(i) + "\n"
                + "clientPortAddress=127.0.0.1\n"
                + "minSessionTimeout=1000\nmaxSessionTimeout=20000\n"
                + "preAllocSize=1024\nadmin.enableServer=false\n"
                + "4lw.commands.whitelist=srvr,ruok\n"
                + peers;
        try {
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
            Files.writeString(dir.resolve("zoo" + (i + 1) + ".cfg"), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config of server " + (i + 1), e);
        }
    }

    /** The number of servers. */
    public int size() {
        return servers.length;
    }

    /** The connect string of every server, direct (no proxy). */
    public String connectString() {
        return clientPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The client port of server {@code i} (0-based). */
    public int clientPort(int i) {
        return clientPorts.get(i);
    }

    /** Starts server {@code i} again (after {@link #kill}), keeping its data. */
    public synchronized void restart(int i) {
        if (servers[i] != null && servers[i].isAlive()) {
            throw new IllegalStateException("server " + (i + 1) + " is running");
        }
        servers[i] = JavaProcess.start(
                "zk" + (i + 1),
                MAIN,
                List.of(
                        "-Xmx192m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dzookeeper.admin.enableServer=false",
                        "-Dzookeeper.4lw.commands.whitelist=srvr,ruok"),
                List.of(dir.resolve("zoo" + (i + 1) + ".cfg").toString()),
                dir.resolve("logs").resolve("zk" + (i + 1) + ".log"),
                line -> {});
        paused[i] = false;
        log.info("server {} started (pid {})", i + 1, servers[i].pid());
    }

    /** Kills server {@code i} with {@code SIGKILL}. */
    public synchronized void kill(int i) {
        JavaProcess server = servers[i];
        if (server != null) {
            server.close();
            log.info("server {} killed", i + 1);
        }
    }

    /** Freezes server {@code i} ({@code SIGSTOP}). */
    public synchronized void pause(int i) {
        servers[i].pause();
        paused[i] = true;
    }

    /** Resumes server {@code i} ({@code SIGCONT}). */
    public synchronized void resume(int i) {
        servers[i].resume();
        paused[i] = false;
    }

    /** Whether server {@code i} runs. */
    public synchronized boolean isRunning(int i) {
        return servers[i] != null && servers[i].isAlive();
    }

    /** The index of the leader, or -1 if no running server says it leads. */
    public int leader() {
        for (int i = 0; i < servers.length; i++) {
            if (isRunning(i) && mode(i).equals("leader")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The mode of server {@code i} from the {@code srvr} command: {@code leader}, {@code follower},
     * or {@code down} when it does not answer or does not serve.
     */
    public String mode(int i) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPorts.get(i)), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : reply.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring("Mode: ".length()).trim();
                }
            }
            return "down";
        } catch (IOException e) {
            return "down";
        }
    }

    /** Waits until every running, unpaused server serves and one of them leads. */
    public void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ready = leader() >= 0;
            for (int i = 0; ready && i < servers.length; i++) {
                synchronized (this) {
                    if (paused[i] || !isRunning(i)) {
                        continue;
                    }
                }
                ready = !mode(i).equals("down");
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ensemble does not serve after " + timeout + ": " + modes());
            }
            sleep(100);
        }
    }

    /** The modes of all servers, for messages. */
    public String modes() {
        List<String> modes = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            modes.add("zk" + (i + 1) + "=" + (isRunning(i) ? mode(i) : "killed"));
        }
        return String.join(", ", modes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills every server and deletes the data directories. */
    @Override
    public synchronized void close() {
        for (JavaProcess server : servers) {
            if (server != null) {
                server.close();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .filter(p -> !p.startsWith(dir.resolve("logs")))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot delete {}", dir, e);
        }
    }
}
