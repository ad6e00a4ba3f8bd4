package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Ref;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.Stm;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * When the store goes away (its port closes), a transaction writing a ref over it aborts with a
 * {@link StateStoreException} naming the store, and the coordinator still holds the previous
 * pointer: a second client that reaches the store directly reads the old value.
 */
class UnreachableStoreTest {

    @Test
    void postgresGoneAbortsTheTransactionAndLeavesTheRefUnchanged() throws Exception {
        TestStores.postgres();
        String table = TestStores.uniqueTable("synod_gone");
        try (TcpProxy proxy = new TcpProxy(TestStores.PG_HOST, TestStores.PG_PORT)) {
            Function<Integer, VersionedStateContainer<String>> at = port -> JdbcVersionedStateContainer.builder(
                            TestStores.postgresAt("127.0.0.1", port), "gone/pg", String.class)
                    .table(table)
                    .build();
            abortsAndLeavesRefUnchanged(proxy, at.apply(proxy.port()), at.apply(TestStores.PG_PORT), "synod_gone");
        } finally {
            TestStores.dropTable(TestStores.postgres(), table);
        }
    }

    @Test
    void redisGoneAbortsTheTransactionAndLeavesTheRefUnchanged() throws Exception {
        TestStores.requireRedis();
        String prefix = TestStores.uniquePrefix("synod-gone");
        try (TcpProxy proxy = new TcpProxy(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                RedisClient viaProxy = RedisClient.builder()
                        .hostAndPort(new HostAndPort("127.0.0.1", proxy.port()))
                        .clientConfig(DefaultJedisClientConfig.builder()
                                .connectionTimeoutMillis(1000)
                                .socketTimeoutMillis(2000)
                                .build())
                        .build();
                RedisClient direct = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
            abortsAndLeavesRefUnchanged(
                    proxy,
                    RedisVersionedStateContainer.builder(viaProxy, "gone/redis", String.class)
                            .prefix(prefix)
                            .label("127.0.0.1:" + proxy.port())
                            .build(),
                    RedisVersionedStateContainer.builder(direct, "gone/redis", String.class)
                            .prefix(prefix)
                            .build(),
                    prefix + "versions:gone/redis");
        }
    }

    private static void abortsAndLeavesRefUnchanged(
            TcpProxy proxy,
            VersionedStateContainer<String> viaProxy,
            VersionedStateContainer<String> direct,
            String storeNameFragment) {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults());
                Stm other = Stm.create(coordinator, TxnOptions.defaults())) {
            String name = viaProxy.describe().contains("redis") ? "gone/redis" : "gone/pg";
            Ref<String> ref = stm.ref(name, viaProxy, "before");
            stm.run(txn -> ref.set("committed"));
            long commits = stm.metrics().writeCommits();

            proxy.close();
            assertThatThrownBy(() -> stm.run(txn -> ref.set("never")))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageContaining(viaProxy.describe())
                    .hasMessageContaining(storeNameFragment);
            assertThat(stm.metrics().writeCommits()).isEqualTo(commits);

            Ref<String> seenDirectly = other.ref(name, direct, "ignored");
            assertThat(seenDirectly.get()).isEqualTo("committed");
            other.run(txn -> seenDirectly.set("after"));
            assertThat(seenDirectly.get()).isEqualTo("after");
            direct.destroy();
        }
    }
}
