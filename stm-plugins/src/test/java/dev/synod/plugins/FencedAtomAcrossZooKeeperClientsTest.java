package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.jdbc.JdbcStateContainer;
import dev.synod.plugins.redis.RedisStateContainer;
import dev.synod.stm.Atom;
import dev.synod.stm.LockLostException;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.spi.StateContainer;
import dev.synod.zookeeper.ZooKeeperStm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * An atom kept in a real store, updated by two clients on their own ZooKeeper sessions: the slow
 * client's store write is sent and then held in the network (a proxy between it and the store)
 * past its lease; the other client takes the claim over and its update is acknowledged; the held
 * write then reaches the store and is refused there by the later claim's fencing token, so the
 * acknowledged update stands and the slow client learns that nothing was stored.
 */
class FencedAtomAcrossZooKeeperClientsTest {
    private static final Duration LEASE = Duration.ofMillis(1500);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb", "redis"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aStoreWriteHeldPastTheLeaseIsRefusedByTheStore(String store) throws Exception {
        IntFunction<StateContainer<Long>> containerAt = containers(store);
        TcpProxy proxy = new TcpProxy("127.0.0.1", storePort(store));
        closeables.add(proxy);
        TestingServer zk =
                new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, null, "127.0.0.1"), true);
        closeables.add(zk);
        ZooKeeperStm slow = client(zk, LEASE);
        ZooKeeperStm fast = client(zk, Duration.ofSeconds(30));
        Atom<Long> stalled = slow.atom("fenced/" + store, containerAt.apply(proxy.port()), 1L);
        Atom<Long> other = fast.atom("fenced/" + store, containerAt.apply(storePort(store)), 1L);

        // the function runs after the store was read: the write that follows is held in the network
        CountDownLatch claimed = new CountDownLatch(1);
        CompletableFuture<Long> slowUpdate = CompletableFuture.supplyAsync(() -> stalled.swap(x -> {
            proxy.hold();
            claimed.countDown();
            return x + 100;
        }));
        assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
        // the other client waits out the lease, takes the claim over and its update is acknowledged
        assertThat(other.swap(x -> x + 1)).isEqualTo(2L);
        proxy.release(); // the late write reaches the store now
        assertThatThrownBy(() -> slowUpdate.get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(LockLostException.class)
                .hasMessageContaining("fenced off");
        assertThat(other.get()).as("the acknowledged update stands").isEqualTo(2L);
        assertThat(stalled.get()).isEqualTo(2L);
        assertThat(stalled.swap(x -> x + 1)).isEqualTo(3L);
        assertThat(other.get()).isEqualTo(3L);
        other.destroy();
    }

    private ZooKeeperStm client(TestingServer zk, Duration timeout) {
        ZooKeeperStm stm = ZooKeeperStm.builder()
                .connectString("127.0.0.1:" + zk.getPort())
                .sessionTimeout(Duration.ofSeconds(10))
                .defaultOptions(TxnOptions.defaults().withTimeout(timeout))
                .build();
        closeables.add(stm);
        return stm;
    }

    private static int storePort(String store) {
        return switch (store) {
            case "postgres" -> TestStores.PG_PORT;
            case "mariadb" -> TestStores.MARIADB_PORT;
            default -> TestStores.REDIS_PORT;
        };
    }

    /** Containers of one atom on {@code store}, each on a connection to the given port. */
    private IntFunction<StateContainer<Long>> containers(String store) throws Exception {
        switch (store) {
            case "postgres", "mariadb" -> {
                boolean pg = store.equals("postgres");
                javax.sql.DataSource admin = pg ? TestStores.postgres() : TestStores.mariadb();
                String table = TestStores.uniqueTable("synod_fenced");
                closeables.add(() -> TestStores.dropTable(admin, table));
                return port -> {
                    JdbcConnectionPool pool = pg
                            ? TestStores.newPostgresPool("127.0.0.1", port)
                            : TestStores.newMariadbPool("127.0.0.1", port, "");
                    closeables.add(pool::dispose);
                    return JdbcStateContainer.builder(pool, "fenced", Long.class)
                            .table(table)
                            .build();
                };
            }
            case "redis" -> {
                TestStores.requireRedis();
                String prefix = TestStores.uniquePrefix("synod-fenced");
                return port -> {
                    // a socket timeout longer than the write is held
                    RedisClient redis = RedisClient.builder()
                            .hostAndPort(new HostAndPort("127.0.0.1", port))
                            .clientConfig(DefaultJedisClientConfig.builder()
                                    .socketTimeoutMillis(30_000)
                                    .build())
                            .build();
                    closeables.add(redis);
                    return RedisStateContainer.builder(redis, "fenced", Long.class)
                            .prefix(prefix)
                            .build();
                };
            }
            default -> throw new IllegalArgumentException(store);
        }
    }
}
