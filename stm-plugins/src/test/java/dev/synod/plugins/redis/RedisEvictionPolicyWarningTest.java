package dev.synod.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.synod.plugins.TestStores;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A Redis server that may evict keys ({@code allkeys-*}) can drop a version after a commit
 * published a pointer to it, leaving the ref unreadable: {@code init()} warns about it, once per
 * client. The policies are served by a client whose {@code INFO memory} reply is fixed, since
 * changing the policy of the shared test server would affect every other user of it.
 */
class RedisEvictionPolicyWarningTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RedisDurability.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void anEvictingServerIsWarnedAboutOncePerClient() {
        try (UnifiedJedis redis = withPolicy("allkeys-lru")) {
            RedisVersionedStateContainer.builder(redis, "a", String.class)
                    .build()
                    .init();
            RedisStateContainer.builder(redis, "b", String.class).build().init();
            assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                    .contains("maxmemory-policy is allkeys-lru")
                    .contains("redis/synod:versions:a")
                    .contains("noeviction"));
        }
    }

    @Test
    void policiesThatSpareKeysWithoutExpiryAreNotWarnedAbout() {
        for (String policy : List.of("noeviction", "volatile-lru", "volatile-ttl")) {
            try (UnifiedJedis redis = withPolicy(policy)) {
                RedisVersionedStateContainer.builder(redis, "a", String.class)
                        .build()
                        .init();
            }
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theRealServerIsReadWithoutError() {
        TestStores.requireRedis();
        try (RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
            String policy = RedisDurability.evictionPolicy(redis.info("memory"));
            RedisVersionedStateContainer.builder(redis, "a", String.class)
                    .build()
                    .init();
            assertThat(policy).isNotBlank();
            assertThat(warnings()).hasSize(policy.startsWith("allkeys-") ? 1 : 0);
        }
    }

    private List<String> warnings() {
        return log.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /**
     * A client (never connected) whose server reports {@code policy}. Jedis 7.2 deprecates the
     * constructors of {@code UnifiedJedis} for {@code RedisClient}, which cannot be subclassed.
     */
    @SuppressWarnings("deprecation")
    private static UnifiedJedis withPolicy(String policy) {
        return new UnifiedJedis(new HostAndPort("127.0.0.1", 1)) {
            @Override
            public String info(String section) {
                return "# Memory\r\nused_memory:1000\r\nmaxmemory_policy:" + policy
                        + "\r\nmem_fragmentation_ratio:1.0\r\n";
            }
        };
    }
}
