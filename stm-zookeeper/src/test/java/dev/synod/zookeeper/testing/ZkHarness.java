package dev.synod.zookeeper.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.CloseableUtils;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server on 127.0.0.1 and the clients (each its own session) made for a test;
 * {@link #close()} closes them all. One server for a whole test class: {@code @RegisterExtension
 * static final ZkHarness zk = ZkHarness.perClass();} (started before the first test, closed after
 * the last); one per test: {@link #start()} and {@link #close()}.
 */
public final class ZkHarness implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    public static final int SESSION_TIMEOUT_MS = 10_000;
    public static final int CONNECTION_TIMEOUT_MS = 5_000;

    static {
        // tests measure behaviour, not the disk: no fsync per write in the test server
        System.setProperty("zookeeper.forceSync", "no");
    }

    private TestingServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private ZkHarness(TestingServer server) {
        this.server = server;
    }

    /** A started server, for one test (close it after). */
    public static ZkHarness start() throws Exception {
        return new ZkHarness(newServer());
    }

    /** A server for a test class, registered as an extension: started before all its tests. */
    public static ZkHarness perClass() {
        return new ZkHarness(null);
    }

    private static TestingServer newServer() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, null, "127.0.0.1");
        return new TestingServer(spec, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = newServer();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public TestingServer server() {
        if (server == null) {
            throw new IllegalStateException("the server is started before the first test of the class");
        }
        return server;
    }

    public String connectString() {
        return "127.0.0.1:" + server().getPort();
    }

    /** A started, connected client whose requests are counted. */
    public CuratorFramework client(RequestCounter counter) throws InterruptedException {
        return client(connectString(), counter);
    }

    /** A started client to the given address (e.g. a proxy), connected if possible. */
    public CuratorFramework client(String connectString, RequestCounter counter) throws InterruptedException {
        return client(connectString, counter, CONNECTION_TIMEOUT_MS, new RetryNTimes(20, 100));
    }

    /** A started, connected client with the given connection timeout and retry policy. */
    public CuratorFramework client(
            String connectString, RequestCounter counter, int connectionTimeoutMs, RetryPolicy retryPolicy)
            throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(connectionTimeoutMs)
                .retryPolicy(retryPolicy)
                .zookeeperFactory(countingFactory(counter))
                .build();
        client.start();
        closeables.add(client);
        if (!client.blockUntilConnected(CONNECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("test client did not connect to " + connectString);
        }
        return client;
    }

    public static ZookeeperFactory countingFactory(RequestCounter counter) {
        return new ZookeeperFactory() {
            @Override
            public ZooKeeper newZooKeeper(String cs, int timeout, Watcher watcher, boolean readOnly) throws Exception {
                return new CountingZooKeeper(cs, timeout, watcher, readOnly, new ZKClientConfig(), counter);
            }

            @Override
            public ZooKeeper newZooKeeper(
                    String cs, int timeout, Watcher watcher, boolean readOnly, ZKClientConfig config) throws Exception {
                return new CountingZooKeeper(cs, timeout, watcher, readOnly, config, counter);
            }
        };
    }

    /** Registers something to close with the harness (closed in reverse order, before the server). */
    public <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /**
     * Expires the client's session on the server: a second handle attaches to the same session
     * and closes it, so the server ends the session and the client learns it on reconnection.
     */
    public void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(
                connectString(),
                SESSION_TIMEOUT_MS,
                e -> {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                zk.getSessionId(),
                zk.getSessionPasswd());
        try {
            if (!connected.await(CONNECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("could not attach to the session to expire it");
            }
        } finally {
            twin.close();
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = closeables.get(i);
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
        closeables.clear();
        CloseableUtils.closeQuietly(server);
    }
}
