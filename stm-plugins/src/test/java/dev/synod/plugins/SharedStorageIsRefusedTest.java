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
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/**
 * A container holds the values of one ref or atom: everything else in it counts as an orphan, so
 * two refs sharing the storage would sweep or destroy each other's live versions. Two containers
 * built separately over the same storage (client, table or key prefix or collection, and name) are
 * equal, so a {@code Stm} refuses to open a second ref or atom over the second one; containers
 * that differ in any of these open side by side.
 */
class SharedStorageIsRefusedTest {
    private static final Codec<String> TEXT = Codec.json(String.class);

    /** Builds containers of one store; {@code place} stands for the table, key prefix or collection. */
    interface Store {
        VersionedStateContainer<String> versioned(String place, String name, Codec<String> codec);

        StateContainer<String> plain(String place, String name);

        /**
         * A container like {@code versioned(place, name, ...)} on another client object; empty
         * where the store's containers cannot tell clients apart.
         */
        Optional<VersionedStateContainer<String>> versionedOnAnotherClient(String place, String name);
    }

    static Stream<String> stores() {
        return Stream.of("jdbc", "redis", "mongo");
    }

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanup.forEach(Runnable::run);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void twoRefsOverEqualContainersAreRefused(String kind) {
        Store store = open(kind);
        String place = place();
        VersionedStateContainer<String> first = store.versioned(place, "shared", TEXT);
        VersionedStateContainer<String> second = store.versioned(place, "shared", Codec.json(String.class));
        assertThat(second).isNotSameAs(first).isEqualTo(first).hasSameHashCodeAs(first);
        try (Stm stm = Stm.inMemory()) {
            Ref<String> a = stm.ref("a", first, "a0");
            assertThatThrownBy(() -> stm.ref("b", second, "b0"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already holds the values of 'a'");
            assertThatThrownBy(() -> stm.atom("c", second, "c0")).isInstanceOf(IllegalArgumentException.class);
            // the same storage through another container object, whose value type the Stm cannot
            // check: refused rather than handing back a ref that may be of another type
            assertThatThrownBy(() -> stm.ref("a", second, "ignored"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("same container object");
            assertThat(stm.ref("a", first, "ignored")).isSameAs(a);
            stm.run(txn -> a.set("a1"));
            assertThat(a.get()).isEqualTo("a1");
        } finally {
            first.destroy();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void twoAtomsOverEqualPlainContainersAreRefused(String kind) {
        Store store = open(kind);
        String place = place();
        StateContainer<String> first = store.plain(place, "shared");
        StateContainer<String> second = store.plain(place, "shared");
        assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
        try (Stm stm = Stm.inMemory()) {
            stm.atom("a", first, "a0");
            assertThatThrownBy(() -> stm.atom("b", second, "b0"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already holds the values of 'a'");
        } finally {
            first.destroy();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void containersOverDifferentStorageOpenSideBySide(String kind) {
        Store store = open(kind);
        String place = place();
        List<VersionedStateContainer<String>> distinct = new ArrayList<>(List.of(
                store.versioned(place, "one", TEXT),
                store.versioned(place, "two", TEXT),
                store.versioned(place(), "one", TEXT)));
        store.versionedOnAnotherClient(place, "one").ifPresent(distinct::add);
        try (Stm stm = Stm.inMemory()) {
            for (int i = 0; i < distinct.size(); i++) {
                for (int j = 0; j < i; j++) {
                    assertThat(distinct.get(i)).isNotEqualTo(distinct.get(j));
                }
                String name = "ref" + i;
                stm.ref(name, distinct.get(i), name);
            }
        } finally {
            distinct.forEach(VersionedStateContainer::destroy);
        }
    }

    private static String place() {
        return "p" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Store open(String kind) {
        return switch (kind) {
            case "jdbc" -> {
                var ds = TestStores.h2("shared-" + UUID.randomUUID());
                var otherDs = TestStores.h2("shared-" + UUID.randomUUID());
                yield new Store() {
                    @Override
                    public VersionedStateContainer<String> versioned(String place, String name, Codec<String> codec) {
                        return JdbcVersionedStateContainer.builder(ds, name, codec)
                                .table("synod_" + place)
                                .build();
                    }

                    @Override
                    public StateContainer<String> plain(String place, String name) {
                        // unquoted SQL names ignore case: the same table
                        return JdbcStateContainer.builder(ds, name, TEXT)
                                .table("SYNOD_" + place.toUpperCase(java.util.Locale.ROOT))
                                .build();
                    }

                    @Override
                    public Optional<VersionedStateContainer<String>> versionedOnAnotherClient(
                            String place, String name) {
                        return Optional.of(JdbcVersionedStateContainer.builder(otherDs, name, TEXT)
                                .table("synod_" + place)
                                .build());
                    }
                };
            }
            case "redis" -> {
                TestStores.requireRedis();
                RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                RedisClient other = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                String run = TestStores.uniquePrefix("synod-shared");
                cleanup.add(() -> {
                    redis.keys(run + "*").forEach(redis::del);
                    redis.close();
                    other.close();
                });
                yield new Store() {
                    @Override
                    public VersionedStateContainer<String> versioned(String place, String name, Codec<String> codec) {
                        return RedisVersionedStateContainer.builder(redis, name, codec)
                                .prefix(run + place + ":")
                                .build();
                    }

                    @Override
                    public StateContainer<String> plain(String place, String name) {
                        return RedisStateContainer.builder(redis, name, TEXT)
                                .prefix(run + place + ":")
                                .build();
                    }

                    @Override
                    public Optional<VersionedStateContainer<String>> versionedOnAnotherClient(
                            String place, String name) {
                        return Optional.of(RedisVersionedStateContainer.builder(other, name, TEXT)
                                .prefix(run + place + ":")
                                .build());
                    }
                };
            }
            case "mongo" -> {
                InProcessMongo mongo = new InProcessMongo();
                cleanup.add(mongo::close);
                yield new Store() {
                    @Override
                    public VersionedStateContainer<String> versioned(String place, String name, Codec<String> codec) {
                        // a fresh MongoDatabase object each time, as client.getDatabase returns
                        return MongoVersionedStateContainer.create(mongo.database("synod"), place, name, codec);
                    }

                    @Override
                    public StateContainer<String> plain(String place, String name) {
                        return MongoStateContainer.create(mongo.database("synod"), place, name, TEXT);
                    }

                    @Override
                    public Optional<VersionedStateContainer<String>> versionedOnAnotherClient(
                            String place, String name) {
                        return Optional.empty(); // a MongoDatabase does not reveal its client: names alone count
                    }
                };
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
