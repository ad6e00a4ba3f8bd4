package dev.synod.cli;

import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.zookeeper.internal.CellPaths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to an ensemble shares ({@code --connect}, {@code
 * --namespace}, {@code --timeout}), and the connection they open. Used as a picocli mixin.
 */
final class Ensemble {
    static final String DEFAULT_CONNECT = "127.0.0.1:2181";

    @Option(
            names = "--connect",
            paramLabel = "HOST:PORT",
            defaultValue = DEFAULT_CONNECT,
            description = "ZooKeeper connect string (default: ${DEFAULT-VALUE})")
    String connect;

    @Option(
            names = "--namespace",
            paramLabel = "PATH",
            defaultValue = "/synod",
            description = "znode path under which Synod keeps refs, atoms and locks (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = Timeouts.class,
            description = "how long to wait for a connection, e.g. 500ms, 5s (default: ${DEFAULT-VALUE})")
    Duration timeout;

    /**
     * A started client connected to the ensemble, without a Curator namespace (paths are absolute).
     *
     * @throws Failure with {@link Failure#CANNOT_CONNECT} naming the connect string and the timeout
     */
    CuratorFramework open() {
        checkConnectString(connect);
        cellPaths(); // a bad namespace is reported before any wait for a connection
        CuratorFramework client;
        try {
            client = CuratorFrameworkFactory.builder()
                    .connectString(connect)
                    .connectionTimeoutMs((int) timeout.toMillis())
                    .sessionTimeoutMs((int) Math.max(timeout.toMillis(), 10_000))
                    .retryPolicy(new RetryOneTime(100))
                    .build();
            client.start();
        } catch (IllegalArgumentException e) {
            throw new Failure(Failure.USAGE, "bad connect string '" + connect + "': " + e.getMessage(), e);
        }
        try {
            if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                client.close();
                throw cannotConnect(null);
            }
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new Failure(Failure.CANNOT_CONNECT, "interrupted while connecting to ZooKeeper at " + connect);
        }
        return client;
    }

    /**
     * Where Synod keeps the cells under {@code --namespace}.
     *
     * @throws Failure with {@link Failure#BAD_NAME} if the namespace breaks the naming rules
     */
    CellPaths cellPaths() {
        try {
            return new CellPaths(namespace);
        } catch (IllegalArgumentException e) {
            throw new Failure(Failure.BAD_NAME, "bad namespace: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code host:port[,host:port...][/chroot]} before connecting: ZooKeeper's client only
     * logs a malformed address and keeps trying, which would look like a server that is down.
     *
     * @throws Failure with {@link Failure#USAGE} naming the bad part
     */
    static void checkConnectString(String connect) {
        String hosts = connect.indexOf('/') >= 0 ? connect.substring(0, connect.indexOf('/')) : connect;
        if (hosts.isBlank()) {
            throw new Failure(Failure.USAGE, "bad connect string '" + connect + "': no host:port");
        }
        for (String entry : hosts.split(",", -1)) {
            String e = entry.trim();
            int colon = e.lastIndexOf(':');
            String host = colon < 0 ? e : e.substring(0, colon);
            String port = colon < 0 ? "2181" : e.substring(colon + 1);
            boolean portOk = port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
            if (host.isEmpty() || !portOk) {
                throw new Failure(
                        Failure.USAGE,
                        "bad connect string '" + connect + "': '" + e + "' is not host:port (port 1-65535)");
            }
        }
    }

    Failure cannotConnect(Throwable cause) {
        return new Failure(
                Failure.CANNOT_CONNECT,
                "cannot connect to ZooKeeper at " + connect + " within " + Timeouts.describe(timeout)
                        + " (is it running? set --connect and --timeout)",
                cause);
    }

    /**
     * Maps what a ZooKeeper call threw to a {@link Failure}: a lost connection is {@link
     * Failure#CANNOT_CONNECT}; other errors are rethrown as they are.
     */
    RuntimeException translate(Exception e) {
        if (e instanceof Failure f) {
            return f;
        }
        if (e instanceof CommitOutcomeUnknownException unknown) {
            // the change may have applied: running the command again could apply it twice
            return new Failure(
                    Failure.OUTCOME_UNKNOWN,
                    unknown.getMessage() + "; check the value (synod get NAME) before running this again",
                    e);
        }
        if (e instanceof KeeperException.ConnectionLossException
                || e instanceof KeeperException.SessionExpiredException
                || e instanceof CoordinationException) {
            return cannotConnect(e);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new Failure(Failure.CHECK_FAILED, "interrupted");
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(e.getMessage(), e);
    }
}
