package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.jdbc.JdbcStateContainer;
import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.mongo.InProcessMongo;
import dev.synod.plugins.mongo.MongoStateContainer;
import dev.synod.plugins.mongo.MongoVersionedStateContainer;
import dev.synod.plugins.redis.RedisStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Codec;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/**
 * Every store, versioned and plain, against what it must refuse or report: bytes another writer
 * left that the codec cannot read ({@link CorruptRecordException} naming the store), a value the
 * codec cannot encode ({@link IllegalArgumentException}, nothing stored), invalid version keys
 * ({@link IllegalArgumentException}), and a client closed under it ({@link StateStoreException}
 * naming the store). PostgreSQL and Redis are skipped when absent (a failure under {@code
 * CI=true}); H2 and MongoDB run in this JVM.
 */
class StoreBadInputTest {
    private static final Codec<String> TEXT = Codec.json(String.class);
    private static final Codec<Long> NUMBER = Codec.json(Long.class);
    /** JSON for strings, refusing the value "unencodable" as a codec for an unsupported type would. */
    private static final Codec<String> PICKY = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            if (value.equals("unencodable")) {
                throw new IllegalStateException("no encoding for this value");
            }
            return TEXT.encode(value);
        }

        @Override
        public String decode(byte[] bytes) {
            return TEXT.decode(bytes);
        }
    };

    /** The containers of one store on one client, which {@link #closeClient} closes. */
    interface Store {
        <T> VersionedStateContainer<T> versioned(String name, Codec<T> codec);

        <T> StateContainer<T> plain(String name, Codec<T> codec);

        void closeClient();
    }

    static Stream<String> stores() {
        return Stream.of("h2", "postgres", "mariadb", "redis", "mongo");
    }

    private Runnable cleanup = () -> {};

    @AfterEach
    void cleanUp() {
        cleanup.run();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void bytesTheCodecCannotReadAreACorruptRecordNamingTheStore(String kind) {
        Store store = open(kind);
        String name = "corrupt-" + UUID.randomUUID().toString().substring(0, 8);
        VersionedStateContainer<String> writer = store.versioned(name, TEXT);
        writer.init();
        writer.setAt("not a number", "v1");
        VersionedStateContainer<Long> reader = store.versioned(name, NUMBER);
        assertThatThrownBy(() -> reader.getAt("v1"))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(reader.describe());
        assertThat(writer.getAt("v1")).contains("not a number"); // the store itself is fine

        StateContainer<String> plainWriter = store.plain(name, TEXT);
        plainWriter.init();
        plainWriter.set("not a number");
        StateContainer<Long> plainReader = store.plain(name, NUMBER);
        assertThatThrownBy(plainReader::get).isInstanceOf(CorruptRecordException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aValueTheCodecCannotEncodeIsAnIllegalArgumentAndNothingIsStored(String kind) {
        Store store = open(kind);
        String name = "unencodable-" + UUID.randomUUID().toString().substring(0, 8);
        VersionedStateContainer<String> versioned = store.versioned(name, PICKY);
        versioned.init();
        assertThatThrownBy(() -> versioned.setAt("unencodable", "v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode");
        assertThat(versioned.getAt("v1")).isEmpty();
        assertThat(versioned.versions()).isEmpty();

        StateContainer<String> plain = store.plain(name, PICKY);
        plain.init();
        assertThatThrownBy(() -> plain.set("unencodable")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(plain::get).isInstanceOf(NoSuchRefException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void invalidVersionKeysAreRejectedBeforeTheStoreIsAsked(String kind) {
        Store store = open(kind);
        VersionedStateContainer<String> versioned =
                store.versioned("keys-" + UUID.randomUUID().toString().substring(0, 8), TEXT);
        versioned.init();
        assertThatThrownBy(() -> versioned.setAt("x", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version key");
        assertThatThrownBy(() -> versioned.setAt("x", "k".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 200");
        assertThatThrownBy(() -> versioned.getAt("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versioned.deleteAt("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versioned.setAt("x", null)).isInstanceOf(NullPointerException.class);
        versioned.setAt("x", "k".repeat(200)); // the longest accepted
        assertThat(versioned.getAt("k".repeat(200))).contains("x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aClosedClientIsAStoreFailureNamingTheStore(String kind) {
        Store store = open(kind);
        String name = "closed-" + UUID.randomUUID().toString().substring(0, 8);
        VersionedStateContainer<String> versioned = store.versioned(name, TEXT);
        StateContainer<String> plain = store.plain(name, TEXT);
        versioned.init();
        plain.init();
        versioned.setAt("kept", "v1");
        store.closeClient();
        assertThatThrownBy(() -> versioned.getAt("v1"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining(versioned.describe());
        assertThatThrownBy(() -> versioned.setAt("more", "v2")).isInstanceOf(StateStoreException.class);
        assertThatThrownBy(() -> plain.set("value")).isInstanceOf(StateStoreException.class);
        assertThatThrownBy(plain::get).isInstanceOf(StateStoreException.class);
    }

    private Store open(String kind) {
        return switch (kind) {
            case "h2" -> {
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL("jdbc:h2:mem:bad-input-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                yield jdbc(JdbcConnectionPool.create(ds), ds);
            }
            case "postgres" -> {
                DataSource admin = TestStores.postgres(); // skips (fails under CI=true) when absent
                yield jdbc(TestStores.newPostgresPool(), admin);
            }
            case "mariadb" -> {
                DataSource admin = TestStores.mariadb(); // skips (fails under CI=true) when absent
                yield jdbc(TestStores.newMariadbPool(""), admin);
            }
            case "redis" -> {
                TestStores.requireRedis();
                RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                String prefix = TestStores.uniquePrefix("synod-bad");
                cleanup = () -> {
                    redis.close();
                    try (RedisClient admin = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT)) {
                        admin.keys(prefix + "*").forEach(admin::del);
                    }
                };
                yield new Store() {
                    @Override
                    public <T> VersionedStateContainer<T> versioned(String name, Codec<T> codec) {
                        return RedisVersionedStateContainer.builder(redis, name, codec)
                                .prefix(prefix)
                                .build();
                    }

                    @Override
                    public <T> StateContainer<T> plain(String name, Codec<T> codec) {
                        return RedisStateContainer.builder(redis, name, codec)
                                .prefix(prefix)
                                .build();
                    }

                    @Override
                    public void closeClient() {
                        redis.close();
                    }
                };
            }
            case "mongo" -> {
                InProcessMongo mongo = new InProcessMongo();
                cleanup = mongo::close;
                yield new Store() {
                    @Override
                    public <T> VersionedStateContainer<T> versioned(String name, Codec<T> codec) {
                        return MongoVersionedStateContainer.create(mongo.database("synod"), "versions", name, codec);
                    }

                    @Override
                    public <T> StateContainer<T> plain(String name, Codec<T> codec) {
                        return MongoStateContainer.create(mongo.database("synod"), "values", name, codec);
                    }

                    @Override
                    public void closeClient() {
                        mongo.closeClient();
                    }
                };
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Containers on {@code pool} (which a test may dispose); {@code admin} drops their tables. */
    private Store jdbc(JdbcConnectionPool pool, DataSource admin) {
        String versions = TestStores.uniqueTable("synod_bad_v");
        String values = TestStores.uniqueTable("synod_bad_s");
        cleanup = () -> {
            pool.dispose();
            try {
                TestStores.dropTable(admin, versions);
                TestStores.dropTable(admin, values);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("could not drop the test's tables", e);
            }
        };
        return new Store() {
            @Override
            public <T> VersionedStateContainer<T> versioned(String name, Codec<T> codec) {
                return JdbcVersionedStateContainer.builder(pool, name, codec)
                        .table(versions)
                        .build();
            }

            @Override
            public <T> StateContainer<T> plain(String name, Codec<T> codec) {
                return JdbcStateContainer.builder(pool, name, codec)
                        .table(values)
                        .build();
            }

            @Override
            public void closeClient() {
                pool.dispose();
            }
        };
    }
}
