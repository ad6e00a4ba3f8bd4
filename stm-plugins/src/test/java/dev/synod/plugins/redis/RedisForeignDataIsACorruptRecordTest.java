package dev.synod.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.TestStores;
import dev.synod.stm.Atom;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.Stm;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Data that Synod did not write, left in the real Redis by another client, is a {@link
 * CorruptRecordException} naming the key and what was found: a key of another type (Redis answers
 * {@code WRONGTYPE}) and a fencing token that is not 16 hex digits. Nothing is stored over it by a
 * fenced write; {@code destroy()} (and, for a plain container, an unfenced {@code set}) clears it.
 * A server that cannot be reached stays a {@link StateStoreException}. Skipped when Redis is absent
 * (a failure under {@code CI=true}).
 */
class RedisForeignDataIsACorruptRecordTest {
    private static RedisClient redis;
    private static String prefix;

    @BeforeAll
    static void connect() {
        TestStores.requireRedis();
        redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
        prefix = TestStores.uniquePrefix("synod-corrupt");
    }

    @AfterAll
    static void close() {
        if (redis != null) {
            redis.keys(prefix + "*").forEach(redis::del);
            redis.close();
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"not-a-number", "abc", "", "80000000000000050", "8000000000000005 ", "800000000000000g"})
    void aGarbledFencingTokenIsACorruptRecordAndTheFencedWriteStoresNothing(String garbled) {
        RedisStateContainer<String> container = plain();
        String fenceKey = RedisKeys.fenceKey(valueKey(container));
        assertThat(container.set("first", 5)).isTrue();
        redis.set(fenceKey, garbled);

        assertThatThrownBy(() -> container.set("second", 7))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(container.describe())
                .hasMessageContaining("'" + fenceKey + "'")
                .hasMessageContaining("'" + garbled + "'")
                .hasMessageContaining("not 16 hex digits");
        assertThat(container.get()).isEqualTo("first");
        assertThat(redis.get(fenceKey)).isEqualTo(garbled);

        container.set("unfenced"); // documented to clear the token
        assertThat(container.set("third", 7)).isTrue();
        assertThat(container.get()).isEqualTo("third");
        assertThat(container.set("stale", 6)).isFalse();
        container.destroy();
    }

    @Test
    void aLongGarbledTokenIsQuotedCutShort() {
        RedisStateContainer<String> container = plain();
        String fenceKey = RedisKeys.fenceKey(valueKey(container));
        redis.set(fenceKey, "x".repeat(1000) + "\n");
        assertThatThrownBy(() -> container.set("value", 1))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("'" + "x".repeat(40) + "'...")
                .hasMessageContaining("(1001 bytes)")
                .hasMessageNotContaining("x".repeat(41));
        container.destroy();
        assertThat(redis.exists(fenceKey)).isFalse();
        assertThat(container.set("value", 1)).isTrue();
        container.destroy();
    }

    @Test
    void aFencingTokenKeyOfAnotherTypeIsACorruptRecordNamingTheKeyAndType() {
        RedisStateContainer<String> container = plain();
        String fenceKey = RedisKeys.fenceKey(valueKey(container));
        container.set("first", 5);
        redis.del(fenceKey);
        redis.lpush(fenceKey, "pushed");

        assertThatThrownBy(() -> container.set("second", 7))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(container.describe())
                .hasMessageContaining("Redis key '" + fenceKey + "' holds a list, not the string")
                .hasMessageContaining("WRONGTYPE");
        assertThat(container.get()).isEqualTo("first");

        container.destroy(); // documented to remove the token whatever it holds
        assertThat(redis.exists(fenceKey)).isFalse();
        assertThatThrownBy(container::get).isInstanceOf(NoSuchRefException.class);
        assertThat(container.set("again", 7)).isTrue();
        assertThat(container.get()).isEqualTo("again");
        container.destroy();
    }

    @Test
    void aValueKeyOfAnotherTypeIsACorruptRecordAndAnUnfencedSetOverwritesIt() {
        RedisStateContainer<String> container = plain();
        String key = valueKey(container);
        redis.sadd(key, "member");

        assertThatThrownBy(container::get)
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(container.describe())
                .hasMessageContaining("Redis key '" + key + "' holds a set, not the string");

        container.set("overwritten");
        assertThat(container.get()).isEqualTo("overwritten");
        redis.del(key);
        redis.sadd(key, "member");
        container.destroy();
        assertThat(redis.exists(key)).isFalse();
    }

    @Test
    void aVersionsKeyOfAnotherTypeIsACorruptRecordForEveryCallButDestroy() {
        String name = "versions-" + UUID.randomUUID().toString().substring(0, 8);
        RedisVersionedStateContainer<String> container = RedisVersionedStateContainer.builder(redis, name, String.class)
                .prefix(prefix)
                .label("test")
                .build();
        container.init();
        container.setAt("kept", "v1");
        String key = prefix + "versions:" + name;
        redis.del(key);
        redis.set(key, "a plain string");

        String typeFound = "Redis key '" + key + "' holds a string, not the hash";
        assertThatThrownBy(() -> container.getAt("v1"))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("reading version 'v1' in " + container.describe())
                .hasMessageContaining(typeFound);
        assertThatThrownBy(() -> container.setAt("new", "v2"))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(typeFound);
        assertThatThrownBy(() -> container.deleteAt("v1"))
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(typeFound);
        assertThatThrownBy(container::versions)
                .isExactlyInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(typeFound);
        assertThat(redis.get(key)).isEqualTo("a plain string"); // nothing written over it

        container.destroy();
        assertThat(container.versions()).isEmpty();
        container.setAt("fresh", "v1");
        assertThat(container.getAt("v1")).contains("fresh");
        container.destroy();
    }

    @Test
    void anAtomWhoseTokenWasGarbledReportsItAndCanBeDestroyed() {
        RedisStateContainer<String> container = plain();
        String fenceKey = RedisKeys.fenceKey(valueKey(container));
        String name = "atom-" + UUID.randomUUID().toString().substring(0, 8);
        try (Stm stm = Stm.inMemory()) {
            Atom<String> atom = stm.atom(name, container, "initial");
            atom.reset("written");
            redis.set(fenceKey, "garbage");

            assertThatThrownBy(() -> atom.swap(v -> v + "!"))
                    .isExactlyInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("'" + fenceKey + "'");
            assertThat(container.get()).isEqualTo("written");

            atom.destroy(); // documented to remove an atom whose data is corrupt
            assertThat(redis.exists(fenceKey)).isFalse();
            Atom<String> again = stm.atom(name, container, "recreated");
            assertThat(again.swap(v -> v + "!")).isEqualTo("recreated!");
            again.destroy();
        }
    }

    @Test
    void aServerThatCannotBeReachedStaysAStoreFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RedisClient nowhere = RedisClient.create(TestStores.REDIS_HOST, closedPort)) {
            RedisStateContainer<String> plain =
                    RedisStateContainer.builder(nowhere, "gone", String.class).build();
            RedisVersionedStateContainer<String> versioned = RedisVersionedStateContainer.builder(
                            nowhere, "gone", String.class)
                    .build();
            assertThatThrownBy(plain::get)
                    .isExactlyInstanceOf(StateStoreException.class)
                    .hasMessageContaining(plain.describe());
            assertThatThrownBy(() -> plain.set("value", 1)).isExactlyInstanceOf(StateStoreException.class);
            assertThatThrownBy(versioned::versions)
                    .isExactlyInstanceOf(StateStoreException.class)
                    .hasMessageContaining(versioned.describe());
        }
    }

    private static RedisStateContainer<String> plain() {
        RedisStateContainer<String> container = RedisStateContainer.builder(
                        redis, "value-" + UUID.randomUUID().toString().substring(0, 8), String.class)
                .prefix(prefix)
                .build();
        container.init();
        return container;
    }

    /** The value's key: the prefix, {@code value:}, the name (what {@code describe()} ends with). */
    private static String valueKey(RedisStateContainer<?> container) {
        String describe = container.describe();
        return describe.substring(describe.indexOf('/') + 1);
    }
}
