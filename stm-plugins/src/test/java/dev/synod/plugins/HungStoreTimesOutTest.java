package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.synod.plugins.jdbc.JdbcStateContainer;
import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.mongo.MongoVersionedStateContainer;
import dev.synod.plugins.redis.RedisStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.Stm;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A store that stops answering (a proxy in front of it that keeps every connection open but
 * forwards nothing) makes an operation fail with a {@link StateStoreException} naming the store,
 * the operation and the timeout, instead of blocking its caller (a transaction holding locks, the
 * coordinator's notifier) forever. The bound asserted is the timeout plus 10 s (Redis's own
 * client timeout is 2 s, and a call may open a new connection first): the point is that the call
 * returns, not how precisely.
 */
class HungStoreTimesOutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BOUND = TIMEOUT.plusSeconds(10);

    /**
     * The pool's connections come from a driver without a socket timeout of its own (the
     * PostgreSQL default), so only the container's timeout can end the wait.
     */
    @Test
    void postgresThatStopsAnsweringTimesOut() throws Exception {
        TestStores.postgres();
        jdbcThatStopsAnsweringTimesOut(
                "pg", TestStores.PG_HOST, TestStores.PG_PORT, port -> TestStores.newPostgresPool("127.0.0.1", port));
    }

    /** As for PostgreSQL, on MariaDB (the MySQL dialect), whose driver has no socket timeout by default either. */
    @Test
    void mariadbThatStopsAnsweringTimesOut() throws Exception {
        TestStores.mariadb();
        jdbcThatStopsAnsweringTimesOut(
                "mariadb",
                TestStores.MARIADB_HOST,
                TestStores.MARIADB_PORT,
                port -> TestStores.newMariadbPool("127.0.0.1", port, ""));
    }

    private static void jdbcThatStopsAnsweringTimesOut(
            String store, String host, int port, IntFunction<JdbcConnectionPool> poolAt) throws Exception {
        String versions = TestStores.uniqueTable("synod_hung_v");
        String values = TestStores.uniqueTable("synod_hung_s");
        TcpProxy proxy = new TcpProxy(host, port);
        // a pool each: this simple pool hands out a connection again after the driver closed it
        JdbcConnectionPool pool = poolAt.apply(proxy.port());
        JdbcConnectionPool otherPool = poolAt.apply(proxy.port());
        JdbcConnectionPool admin = poolAt.apply(port);
        try {
            JdbcVersionedStateContainer<String> versioned = JdbcVersionedStateContainer.builder(
                            pool, "hung/" + store, String.class)
                    .table(versions)
                    .timeout(TIMEOUT)
                    .build();
            JdbcStateContainer<String> plain = JdbcStateContainer.builder(otherPool, "hung/" + store, String.class)
                    .table(values)
                    .timeout(TIMEOUT)
                    .build();
            versioned.init();
            plain.init();
            versioned.setAt("stored", "v1"); // the pools now hold open connections through the proxy
            plain.set("stored");
            assertThat(versioned.getAt("v1")).contains("stored"); // the timeout does not hurt a healthy call

            proxy.blackHole();
            timesOut(() -> versioned.getAt("v1"), versioned.describe(), "reading version 'v1'", "1000 ms");
            timesOut(() -> plain.set("never"), plain.describe(), "writing", "1000 ms");
        } finally {
            proxy.close(); // cuts the connections first, so that nothing waits on them
            pool.dispose();
            otherPool.dispose();
            TestStores.dropTable(admin, versions);
            TestStores.dropTable(admin, values);
            admin.dispose();
        }
    }

    @Test
    void aTransactionOverAHungPostgresAbortsInsteadOfWaiting() throws Exception {
        TestStores.postgres();
        String table = TestStores.uniqueTable("synod_hung_t");
        TcpProxy proxy = new TcpProxy(TestStores.PG_HOST, TestStores.PG_PORT);
        JdbcConnectionPool pool = TestStores.newPostgresPool("127.0.0.1", proxy.port());
        try (Stm stm = Stm.inMemory()) {
            JdbcVersionedStateContainer<String> container = JdbcVersionedStateContainer.builder(
                            pool, "hung/txn", String.class)
                    .table(table)
                    .timeout(TIMEOUT)
                    .build();
            Ref<String> ref = stm.ref("hung/txn", container, "before");
            proxy.blackHole();
            timesOut(() -> stm.run(txn -> ref.set("never")), container.describe(), "writing version", "1000 ms");
        } finally {
            proxy.close();
            pool.dispose();
            TestStores.dropTable(TestStores.postgres(), table);
        }
    }

    /** Jedis bounds every command by the client's socket timeout (2 s unless configured). */
    @Test
    void redisThatStopsAnsweringTimesOut() throws Exception {
        TestStores.requireRedis();
        String prefix = TestStores.uniquePrefix("synod-hung");
        try (TcpProxy proxy = new TcpProxy(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                RedisClient redis = RedisClient.builder()
                        .hostAndPort(new HostAndPort("127.0.0.1", proxy.port()))
                        .build()) {
            RedisVersionedStateContainer<String> versioned = RedisVersionedStateContainer.builder(
                            redis, "hung/redis", String.class)
                    .prefix(prefix)
                    .build();
            RedisStateContainer<String> plain = RedisStateContainer.builder(redis, "hung/redis", String.class)
                    .prefix(prefix)
                    .build();
            versioned.setAt("stored", "v1");
            proxy.blackHole();
            timesOut(() -> versioned.getAt("v1"), versioned.describe(), "reading version 'v1'", "socket timeout");
            timesOut(() -> plain.set("never"), plain.describe(), "writing", "socket timeout");
        } finally {
            try (RedisClient admin = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
                admin.keys(prefix + "*").forEach(admin::del);
            }
        }
    }

    /** The driver's operation timeout (timeoutMS) of the database handle bounds every operation. */
    @Test
    void mongoThatStopsAnsweringTimesOut() throws Exception {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", address.getPort());
                MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + proxy.port())) {
            MongoVersionedStateContainer<String> versioned = MongoVersionedStateContainer.create(
                    client.getDatabase("synod").withTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "versions",
                    "hung/mongo",
                    Codec.json(String.class));
            versioned.init();
            versioned.setAt("stored", "v1");
            assertThat(versioned.getAt("v1")).contains("stored");
            proxy.blackHole();
            timesOut(() -> versioned.getAt("v1"), versioned.describe(), "reading version 'v1'", "1000 ms");
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void aTimeoutMustBeAtLeastOneMillisecond() {
        var builder = JdbcVersionedStateContainer.builder(TestStores.h2("timeouts"), "t", String.class);
        assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder.timeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.timeout(Duration.ofDays(30))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbcStateContainer.builder(TestStores.h2("timeouts"), "t", String.class)
                        .timeout(Duration.ofNanos(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void timesOut(Executable call, String store, String operation, String limit) {
        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(call::execute)
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(store)
                .hasMessageContaining(operation)
                .hasMessageContaining("timed out (")
                .hasMessageContaining(limit));
    }
}
