package dev.synod.cli;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

/**
 * ZooKeeper servers in this JVM on 127.0.0.1, for development and the demo: one server, or an
 * ensemble of three. Not for production (one JVM is one failure domain).
 */
final class LocalEnsemble implements Closeable {
    private volatile TestingServer single;
    private volatile TestingCluster cluster;
    private volatile String connectString;
    /**
     * The temporary directory holding every server's data, or null for a caller's directory (or
     * before it is created, which is after the shutdown hook is in place).
     */
    private volatile Path temporary;
    /** Stops the servers and deletes {@link #temporary} if the JVM ends before {@link #close()}. */
    private final Thread hook;

    /** A start takes a second or two; ZooKeeper ending the JVM during one would never finish it. */
    private static final int START_WAIT_ON_EXIT_SECONDS = 10;

    /** Open until {@link #start} has returned or failed. */
    private final CountDownLatch starting = new CountDownLatch(1);

    private boolean closed;

    private LocalEnsemble() {
        this.hook = new Thread(this::closeOnExit, "synod-local-ensemble-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts the servers and returns when they serve clients.
     *
     * @param servers 1 or 3
     * @param port the first client port (the others follow), or 0 for free ports
     * @param dataDir where to keep data (kept on close), or null for temporary directories (deleted)
     * @param tickMillis ZooKeeper's tick (sessions may last 2 to 20 ticks), or -1 for the default
     * @param fsync whether the servers fsync their transaction log (off only for throwaway data)
     */
    static LocalEnsemble start(int servers, int port, File dataDir, int tickMillis, boolean fsync) throws Exception {
        // ZooKeeper's admin HTTP server would take port 8080: not wanted for a development server.
        System.setProperty("zookeeper.admin.enableServer", "false");
        // Temporary data lives under one directory of ours, known (and deleted by the shutdown
        // hook) before any server starts: a Ctrl-C during the start leaves nothing behind.
        LocalEnsemble ensemble = new LocalEnsemble();
        File root = dataDir;
        try {
            if (dataDir == null) {
                ensemble.temporary = Files.createTempDirectory("synod-zookeeper-");
                root = ensemble.temporary.toFile();
            }
            if (servers == 1) {
                // in a directory of its own: ZooKeeper writes its configuration file beside it
                File dir = dataDir == null ? new File(root, "server-1") : dataDir;
                TestingServer server =
                        new TestingServer(spec(port == 0 ? -1 : port, -1, -1, dir, 1, tickMillis, fsync), false);
                ensemble.single = server;
                server.start();
                ensemble.connectString = "127.0.0.1:" + server.getPort();
            } else {
                // Every port of the ensemble is chosen here, all at once: left to ZooKeeper's test
                // classes, each port is picked on its own and two of them may be the same one.
                List<Integer> free = freePorts(port == 0 ? 3 * servers : 2 * servers, port, servers);
                List<InstanceSpec> specs = new ArrayList<>();
                for (int i = 0; i < servers; i++) {
                    File dir = new File(root, "server-" + (i + 1));
                    int clientPort = port == 0 ? free.get(2 * servers + i) : port + i;
                    specs.add(spec(clientPort, free.get(2 * i), free.get(2 * i + 1), dir, i + 1, tickMillis, fsync));
                }
                TestingCluster cluster = new TestingCluster(specs);
                ensemble.cluster = cluster;
                cluster.start();
                ensemble.connectString = cluster.getConnectString();
            }
            return ensemble;
        } catch (Exception | Error e) {
            try {
                ensemble.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        } finally {
            ensemble.starting.countDown();
        }
    }

    /**
     * Returns {@code count} distinct ports, free a moment ago, none of them one of the {@code
     * taken} client ports starting at {@code first} (none when {@code first} is 0). The sockets are
     * all open together while their ports are chosen, so no port is handed out twice.
     */
    static List<Integer> freePorts(int count, int first, int taken) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < count) {
                if (sockets.size() > count + 1000) {
                    throw new IOException("no " + count + " free ports outside " + first + "-" + (first + taken - 1));
                }
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int p = socket.getLocalPort();
                if (first == 0 || p < first || p >= first + taken) {
                    ports.add(p);
                }
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Ports -1: a free one, chosen by ZooKeeper's test classes; tick -1: ZooKeeper's default. */
    private static InstanceSpec spec(
            int clientPort,
            int electionPort,
            int quorumPort,
            File dataDir,
            int serverId,
            int tickMillis,
            boolean fsync) {
        if (dataDir != null && !dataDir.isDirectory() && !dataDir.mkdirs()) {
            throw new Failure(Failure.USAGE, "cannot create data directory " + dataDir);
        }
        return new InstanceSpec(
                dataDir,
                clientPort,
                electionPort,
                quorumPort,
                false, // a temporary directory is deleted by close(), as a whole
                serverId,
                tickMillis,
                -1,
                fsync ? null : Map.<String, Object>of("forceSync", "no"),
                "127.0.0.1");
    }

    String connectString() {
        return connectString;
    }

    /** Stops the servers; deletes temporary data directories. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (single != null) {
                single.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            try {
                if (temporary != null) {
                    deleteTree(temporary);
                    deleteAgainIfRecreated(temporary);
                }
            } finally {
                if (Thread.currentThread() != hook) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is shutting down: the hook runs anyway and finds us closed
                    }
                }
            }
        }
    }

    /**
     * The shutdown hook: lets a start in progress finish first (the JVM runs on while hooks run),
     * since a server stopped before it started would leave its configuration file behind.
     */
    private void closeOnExit() {
        try {
            starting.await(START_WAIT_ON_EXIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            close();
        } catch (IOException e) {
            // shutting down: nothing else to do
        }
    }

    /** The temporary directory of the servers' data, or null when the caller gave one. */
    Path temporaryDirectory() {
        return temporary;
    }

    /**
     * Deletes {@code root} and everything in it. A server thread still winding down (during a
     * shutdown, say) may add or remove a file while the tree is walked, which makes one pass fail;
     * so it tries a few times, briefly apart, before giving up.
     */
    private static void deleteTree(Path root) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTreeOnce(root);
                return;
            } catch (IOException | java.io.UncheckedIOException e) {
                if (attempt >= DELETE_ATTEMPTS) {
                    throw e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while deleting " + root, e);
            }
        }
    }

    private static final int DELETE_ATTEMPTS = 20;

    /**
     * A server stopped during its own start may still have a thread that creates its data
     * directories (parents included) after {@link #close()} deleted them: watches {@code root}
     * for a moment and deletes it again until it stays gone for three checks in a row, 100 ms
     * apart (two seconds at most).
     */
    private static void deleteAgainIfRecreated(Path root) throws IOException {
        int absent = 0;
        boolean interrupted = false;
        for (int check = 0; check < 20 && absent < 3; check++) {
            // not interruptible: a caller interrupted while closing still wants the data gone
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (Files.exists(root)) {
                absent = 0;
                deleteTree(root);
            } else {
                absent++;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTreeOnce(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
