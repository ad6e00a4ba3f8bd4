package dev.synod.plugins.redis;

import dev.synod.plugins.TestStores;
import dev.synod.stm.spi.VersionedStateContainer;
import dev.synod.stm.testkit.VersionedStateContainerCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** The compatibility kit against the real Redis, under a key prefix of its own. */
class RedisVersionedStateContainerTest extends VersionedStateContainerCompatibilityKit<String> {
    private static RedisClient redis;
    private static String prefix;

    @BeforeAll
    static void connect() {
        TestStores.requireRedis();
        redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
        prefix = TestStores.uniquePrefix("synod-kit");
    }

    @AfterAll
    static void close() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected VersionedStateContainer<String> newContainer(String name) {
        return RedisVersionedStateContainer.builder(redis, name, String.class)
                .prefix(prefix)
                .label(TestStores.REDIS_HOST + ":" + TestStores.REDIS_PORT)
                .build();
    }

    @Override
    protected String value(int i) {
        return "value-" + i;
    }

    @Override
    protected String valueOfSize(int bytes, int i) {
        return i + "-" + "x".repeat(bytes);
    }
}
