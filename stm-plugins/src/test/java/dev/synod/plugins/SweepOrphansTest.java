package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.mongo.InProcessMongo;
import dev.synod.plugins.mongo.MongoVersionedStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.spi.VersionedStateContainer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A writer that crashes between staging a value and committing leaves a version nothing points at;
 * {@link Stm#sweepOrphans} deletes it once it is older than the grace period and keeps every
 * referenced version and every version young enough to belong to a commit in flight. The crash is
 * simulated by staging versions directly in the store, as the writer would have.
 */
class SweepOrphansTest {
    private static final String REF = "sweep/accounts";

    @Test
    void sweepsCrashedWritersVersionsFromH2() {
        JdbcVersionedStateContainer<String> container = JdbcVersionedStateContainer.builder(
                        TestStores.h2("sweep"), REF, String.class)
                .table(TestStores.uniqueTable("synod_sweep"))
                .build();
        sweep(container);
    }

    @Test
    void sweepsCrashedWritersVersionsFromPostgres() throws Exception {
        DataSource postgres = TestStores.postgres();
        String table = TestStores.uniqueTable("synod_sweep");
        try {
            sweep(JdbcVersionedStateContainer.builder(postgres, REF, String.class)
                    .table(table)
                    .build());
        } finally {
            TestStores.dropTable(postgres, table);
        }
    }

    @Test
    void sweepsCrashedWritersVersionsFromMongo() {
        try (InProcessMongo mongo = new InProcessMongo()) {
            sweep(MongoVersionedStateContainer.create(mongo.database("synod"), REF, String.class));
        }
    }

    @Test
    void sweepsCrashedWritersVersionsFromRedis() {
        TestStores.requireRedis();
        try (RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
            RedisVersionedStateContainer<String> container = RedisVersionedStateContainer.builder(
                            redis, REF, String.class)
                    .prefix(TestStores.uniquePrefix("sweep"))
                    .build();
            sweep(container);
        }
    }

    private static void sweep(VersionedStateContainer<String> container) {
        try (Stm stm = Stm.inMemory()) {
            Ref<String> ref = stm.ref(REF, container, "v0");
            for (int i = 1; i <= 3; i++) {
                String next = "v" + i;
                stm.run(txn -> ref.set(next));
            }
            Set<String> live = new HashSet<>(container.versions());
            assertThat(live).hasSize(2); // the current value and one history entry
            String crashed = "v" + (System.currentTimeMillis() - 600_000) + "-0123456789abcdef0123456789abcdef-0";
            String inFlight = "v" + System.currentTimeMillis() + "-fedcba9876543210fedcba9876543210-0";
            container.setAt("half-committed", crashed);
            container.setAt("maybe-committing", inFlight);

            assertThat(stm.sweepOrphans(ref, Duration.ofMinutes(5))).isEqualTo(1);
            Set<String> after = new HashSet<>(container.versions());
            assertThat(after).containsAll(live).contains(inFlight).doesNotContain(crashed);

            assertThat(ref.get()).isEqualTo("v3");
            stm.run(txn -> ref.set("v4"));
            assertThat(ref.get()).isEqualTo("v4");
        } finally {
            container.destroy();
        }
    }
}
