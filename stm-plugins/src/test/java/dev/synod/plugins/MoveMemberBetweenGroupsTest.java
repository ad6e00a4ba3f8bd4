package dev.synod.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * Avout's example across stores: members move between a group kept in PostgreSQL, one kept in
 * Redis and one kept in memory, from 4 threads at once. Every transaction checks, on its snapshot,
 * that each member is in exactly one group; so does the end.
 */
class MoveMemberBetweenGroupsTest {
    static final Codec<TreeSet<Integer>> GROUP = Codec.json(new TypeReference<TreeSet<Integer>>() {});
    static final int MEMBERS = 12;
    private static final int THREADS = 4;
    private static final int MOVES_PER_THREAD = 40;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void memberIsNeverInTwoGroupsNorInNone() throws Exception {
        String table = TestStores.uniqueTable("synod_groups");
        try (RedisClient redis = redisClient();
                Stm stm = Stm.inMemory()) {
            var sqlGroup = JdbcVersionedStateContainer.builder(TestStores.postgres(), "groups/sql", GROUP)
                    .table(table)
                    .build();
            var redisGroup = RedisVersionedStateContainer.builder(redis, "groups/redis", GROUP)
                    .prefix(TestStores.uniquePrefix("synod-groups"))
                    .build();
            try {
                List<Ref<TreeSet<Integer>>> groups = List.of(
                        stm.ref("groups/sql", sqlGroup, members(0, MEMBERS / 2)),
                        stm.ref("groups/redis", redisGroup, members(MEMBERS / 2, MEMBERS)),
                        stm.ref("groups/memory", GROUP, new TreeSet<>()));
                runMoves(stm, groups);
                stm.run(txn -> assertEachMemberInExactlyOneGroup(groups));
                assertThat(sqlGroup.versions().size()).isLessThanOrEqualTo(11);
                assertThat(redisGroup.versions().size()).isLessThanOrEqualTo(11);
            } finally {
                sqlGroup.destroy();
                redisGroup.destroy();
                TestStores.dropTable(TestStores.postgres(), table);
            }
        }
    }

    private static RedisClient redisClient() {
        TestStores.requireRedis();
        return RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
    }

    private static void runMoves(Stm stm, List<Ref<TreeSet<Integer>>> groups) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < MOVES_PER_THREAD; i++) {
                        moveOne(stm, groups);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(110, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void moveOne(Stm stm, List<Ref<TreeSet<Integer>>> groups) {
        int member = ThreadLocalRandom.current().nextInt(MEMBERS);
        int shift = 1 + ThreadLocalRandom.current().nextInt(groups.size() - 1);
        stm.run(txn -> {
            int from = assertEachMemberInExactlyOneGroup(groups)[member];
            int to = (from + shift) % groups.size();
            groups.get(from).alter(g -> without(g, member));
            groups.get(to).alter(g -> with(g, member));
        });
    }

    /** Asserts the invariant on the transaction's snapshot; returns each member's group. */
    static int[] assertEachMemberInExactlyOneGroup(List<Ref<TreeSet<Integer>>> groups) {
        int[] groupOf = new int[MEMBERS];
        int[] count = new int[MEMBERS];
        for (int g = 0; g < groups.size(); g++) {
            for (int m : groups.get(g).get()) {
                groupOf[m] = g;
                count[m]++;
            }
        }
        for (int m = 0; m < MEMBERS; m++) {
            assertThat(count[m]).as("groups holding member %s", m).isEqualTo(1);
        }
        return groupOf;
    }

    static TreeSet<Integer> members(int from, int to) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int m = from; m < to; m++) {
            s.add(m);
        }
        return s;
    }

    private static TreeSet<Integer> with(Set<Integer> g, int m) {
        TreeSet<Integer> s = new TreeSet<>(g);
        s.add(m);
        return s;
    }

    private static TreeSet<Integer> without(Set<Integer> g, int m) {
        TreeSet<Integer> s = new TreeSet<>(g);
        s.remove(m);
        return s;
    }
}
