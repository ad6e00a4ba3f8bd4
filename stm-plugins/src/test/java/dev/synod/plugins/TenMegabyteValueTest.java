package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.mongo.MongoVersionedStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.spi.VersionedStateContainer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * A 10 MB value commits through a ref over each external store, although the coordinator accepts
 * at most 1 MiB per ref: only the pointer goes to the coordinator. The inline ref next to it proves
 * the limit is real.
 */
class TenMegabyteValueTest {
    private static final Logger LOG = LoggerFactory.getLogger(TenMegabyteValueTest.class);
    private static final int TEN_MB = 10 * 1024 * 1024;
    private static final String BIG = "b".repeat(TEN_MB);
    private static Stm stm;

    @BeforeAll
    static void open() {
        stm = Stm.inMemory();
    }

    @AfterAll
    static void close() {
        stm.close();
    }

    @Test
    void inlineRefRejectsTenMegabytes() {
        Ref<String> inline = stm.ref("big/inline", Codec.json(String.class), "small");
        assertThatThrownBy(() -> stm.run(txn -> inline.set(BIG))).isInstanceOf(ValueTooLargeException.class);
        assertThat(inline.get()).isEqualTo("small");
    }

    @Test
    void h2() throws Exception {
        String table = TestStores.uniqueTable("synod_big");
        commitTenMegabytes(
                "H2",
                "big/h2",
                JdbcVersionedStateContainer.builder(TestStores.h2("big"), "big/h2", String.class)
                        .table(table)
                        .build());
    }

    @Test
    void postgres() throws Exception {
        String table = TestStores.uniqueTable("synod_big");
        try {
            commitTenMegabytes(
                    "PostgreSQL",
                    "big/pg",
                    JdbcVersionedStateContainer.builder(TestStores.postgres(), "big/pg", String.class)
                            .table(table)
                            .build());
        } finally {
            TestStores.dropTable(TestStores.postgres(), table);
        }
    }

    @Test
    void mariadb() throws Exception {
        String table = TestStores.uniqueTable("synod_big");
        try {
            commitTenMegabytes(
                    "MariaDB",
                    "big/mariadb",
                    JdbcVersionedStateContainer.builder(TestStores.mariadb(), "big/mariadb", String.class)
                            .table(table)
                            .build());
        } finally {
            TestStores.dropTable(TestStores.mariadb(), table);
        }
    }

    @Test
    void redis() {
        TestStores.requireRedis();
        try (RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
            commitTenMegabytes(
                    "Redis",
                    "big/redis",
                    RedisVersionedStateContainer.builder(redis, "big/redis", String.class)
                            .prefix(TestStores.uniquePrefix("synod-big"))
                            .build());
        }
    }

    @Test
    void mongo() {
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            commitTenMegabytes(
                    "MongoDB (in-process)",
                    "big/mongo",
                    MongoVersionedStateContainer.create(client.getDatabase("synod"), "big/mongo", String.class));
        } finally {
            server.shutdownNow();
        }
    }

    private static void commitTenMegabytes(String store, String refName, VersionedStateContainer<String> container) {
        try {
            Ref<String> ref = stm.ref(refName, container, "small");
            String big = BIG + store; // distinct per store
            long start = System.nanoTime();
            stm.run(txn -> ref.set(big));
            long commitMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(ref.get()).isEqualTo(big);
            long readMs = (System.nanoTime() - start) / 1_000_000 - commitMs;
            LOG.info("10 MB value through {}: commit {} ms, read {} ms", store, commitMs, readMs);
            assertThat(container.versions()).hasSize(2); // the value and one history entry
        } finally {
            container.destroy();
        }
    }
}
