package dev.synod.locks;

import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real ZooKeeper server per test class on 127.0.0.1 (tick 250 ms; sessions of 0.5 to 60 s
 * are allowed) and as many Curator clients, each its own session, as a test asks for.
 */
public abstract class ZkTestSupport {
    protected static TestingServer server;
    private final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestingServer(newSpec(), true);
    }

    static InstanceSpec newSpec() {
        // sessions from 0.5 s (2 ticks) up to 60 s, for a test whose session must outlive an outage
        return new InstanceSpec(
                null, -1, -1, -1, true, -1, 250, -1, java.util.Map.of("maxSessionTimeout", "60000"), "127.0.0.1");
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeClients() {
        for (CuratorFramework client : clients) {
            client.close();
        }
        clients.clear();
    }

    /** A started, connected client with a 5 s session. */
    protected CuratorFramework newClient() {
        return newClient(5000, null);
    }

    /** A started, connected client; {@code requests} (if not null) counts its ZooKeeper requests. */
    protected CuratorFramework newClient(int sessionTimeoutMs, RequestCounter requests) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(3000)
                .retryPolicy(new ExponentialBackoffRetry(50, 5));
        if (requests != null) {
            builder.zookeeperFactory(ZkHarness.countingFactory(requests));
        }
        return started(builder);
    }

    /**
     * A started, connected client on {@code connectString} (a proxy, say) with a 1 s connection
     * timeout and few retries, so that an unreachable server shows quickly; closed after the test.
     */
    protected CuratorFramework newClientVia(String connectString, int sessionTimeoutMs) {
        return started(CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(1000)
                .retryPolicy(new ExponentialBackoffRetry(50, 3)));
    }

    /**
     * A started, connected client on {@code connectString} (a proxy) whose session (60 s) outlives an
     * outage and whose retry policy keeps a blocking request going for minutes (60 retries a second
     * apart, each waiting up to the 5 s connection timeout): a call that waits on it shows.
     * {@code requests} (if not null) counts its ZooKeeper requests.
     */
    protected CuratorFramework newPatientClientVia(String connectString, RequestCounter requests) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(60_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryNTimes(60, 1_000));
        if (requests != null) {
            builder.zookeeperFactory(ZkHarness.countingFactory(requests));
        }
        return started(builder);
    }

    private CuratorFramework started(CuratorFrameworkFactory.Builder builder) {
        CuratorFramework client = builder.build();
        clients.add(client);
        client.start();
        try {
            if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "no connection to " + client.getZookeeperClient().getCurrentConnectionString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return client;
    }

    /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after 20 s. */
    protected static void eventually(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * In another thread: takes {@code lock}, waits on its condition {@code condition} for up to 20
     * s and lets go; completes with whether a signal (not the timeout) ended the wait.
     */
    protected static java.util.concurrent.CompletableFuture<Boolean> awaitSignal(
            DistributedLock lock, String condition) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            lock.lock();
            try {
                return lock.newCondition(condition).await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Runs {@code body} in a new thread and returns its result; fails instead of hanging after 20 s. */
    protected static <T> T inOneThread(Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(body);
        Thread thread = new Thread(task, "lock-user");
        thread.setDaemon(true); // left waiting if the lock hangs; the clients' closing ends its wait
        thread.start();
        try {
            return task.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // an assertion made in the thread
            }
            throw e;
        }
    }

    /** A lock name unique to one test. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Expires {@code client}'s session on the server: a second handle joins the session with its id
     * and password and closes it, so the server deletes the session's ephemeral nodes at once.
     */
    protected static void expireOnServer(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(
                server.getConnectString(),
                5000,
                event -> {
                    if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                zk.getSessionId(),
                zk.getSessionPasswd());
        try {
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not join the session to expire it");
            }
        } finally {
            twin.close();
        }
    }

    /** The lock-node children of a lock root (names containing '~'). */
    protected static List<String> lockNodes(CuratorFramework client, String lockName) throws Exception {
        String root = "/synod/locks/" + lockName;
        if (client.checkExists().forPath(root) == null) {
            return List.of();
        }
        return client.getChildren().forPath(root).stream()
                .filter(n -> n.contains("~"))
                .toList();
    }

    /** A listener that adds "uncertain", "lost" and "restored" to {@code events} as they happen. */
    protected static LockListener recording(BlockingQueue<String> events) {
        return new LockListener() {
            @Override
            public void onUncertain(String lock) {
                events.add("uncertain");
            }

            @Override
            public void onLost(String lock) {
                events.add("lost");
            }

            @Override
            public void onRestored(String lock) {
                events.add("restored");
            }
        };
    }
}
