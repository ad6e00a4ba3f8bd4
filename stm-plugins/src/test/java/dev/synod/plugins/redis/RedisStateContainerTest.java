package dev.synod.plugins.redis;

import dev.synod.plugins.TestStores;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.testkit.StateContainerCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;

/** The compatibility kit against the real Redis, under a key prefix of its own. */
class RedisStateContainerTest extends StateContainerCompatibilityKit<String> {
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
    protected StateContainer<String> newContainer(String name) {
        return RedisStateContainer.builder(redis, name, String.class)
                .prefix(prefix)
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
