package dev.synod.cli;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;

/**
 * ZooKeeper servers in this JVM on 127.0.0.1, for development and the demo: one server, or an
 * ensemble of three. Not for production (one JVM is one failure domain).
 */
final class LocalEnsemble implements Closeable {
    private final TestingServer single;
    private final TestingCluster cluster;
    private final String connectString;

    private LocalEnsemble(TestingServer single, TestingCluster cluster, String connectString) {
        this.single = single;
        this.cluster = cluster;
        this.connectString = connectString;
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
        if (servers == 1) {
            TestingServer server = new TestingServer(spec(port, dataDir, 1, tickMillis, fsync), true);
            return new LocalEnsemble(server, null, "127.0.0.1:" + server.getPort());
        }
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            File dir = dataDir == null ? null : new File(dataDir, "server-" + (i + 1));
            specs.add(spec(port == 0 ? 0 : port + i, dir, i + 1, tickMillis, fsync));
        }
        TestingCluster cluster = new TestingCluster(specs);
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalEnsemble(null, cluster, cluster.getConnectString());
    }

    private static InstanceSpec spec(int port, File dataDir, int serverId, int tickMillis, boolean fsync) {
        if (dataDir != null && !dataDir.isDirectory() && !dataDir.mkdirs()) {
            throw new Failure(Failure.USAGE, "cannot create data directory " + dataDir);
        }
        // port -1: a free port (election and quorum ports are always free ones); tick -1: ZooKeeper's default
        return new InstanceSpec(
                dataDir,
                port == 0 ? -1 : port,
                -1,
                -1,
                dataDir == null,
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
        if (single != null) {
            single.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
