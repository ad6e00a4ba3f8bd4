package dev.synod.plugins;

import static dev.synod.plugins.MoveMemberBetweenGroupsTest.GROUP;
import static dev.synod.plugins.MoveMemberBetweenGroupsTest.MEMBERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.plugins.jdbc.JdbcVersionedStateContainer;
import dev.synod.plugins.redis.RedisVersionedStateContainer;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.zookeeper.ZooKeeperStm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * Avout's example with 4 clients, each its own ZooKeeper session and its own store connections:
 * members move between a group in a ZooKeeper ref, one in PostgreSQL and one in Redis. A member is
 * never in two groups and never in none, in any transaction's snapshot or at the end.
 */
class MoveMemberAcrossZooKeeperClientsTest {
    private static final int CLIENTS = 4;
    private static final int MOVES_PER_CLIENT = 30;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void memberIsNeverInTwoGroupsNorInNone() throws Exception {
        TestStores.requireRedis();
        String table = TestStores.uniqueTable("synod_zk_groups");
        String prefix = TestStores.uniquePrefix("synod-zk-groups");
        List<AutoCloseable> closeables = new ArrayList<>();
        try (TestingServer zk =
                new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, null, "127.0.0.1"), true)) {
            List<Stm> clients = new ArrayList<>();
            List<List<Ref<TreeSet<Integer>>>> groupsOf = new ArrayList<>();
            List<JdbcVersionedStateContainer<TreeSet<Integer>>> sqlStores = new ArrayList<>();
            List<RedisVersionedStateContainer<TreeSet<Integer>>> redisStores = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                ZooKeeperStm stm = ZooKeeperStm.builder()
                        .connectString("127.0.0.1:" + zk.getPort())
                        .sessionTimeout(Duration.ofSeconds(10))
                        .build();
                closeables.add(stm);
                RedisClient redis = RedisClient.create(TestStores.REDIS_HOST, TestStores.REDIS_PORT);
                closeables.add(redis);
                var sql = JdbcVersionedStateContainer.builder(TestStores.postgres(), "groups/sql", GROUP)
                        .table(table)
                        .build();
                sqlStores.add(sql);
                var red = RedisVersionedStateContainer.builder(redis, "groups/redis", GROUP)
                        .prefix(prefix)
                        .build();
                redisStores.add(red);
                clients.add(stm);
                groupsOf.add(List.of(
                        stm.ref("groups/zk", GROUP, MoveMemberBetweenGroupsTest.members(0, MEMBERS / 3)),
                        stm.ref("groups/sql", sql, MoveMemberBetweenGroupsTest.members(MEMBERS / 3, 2 * MEMBERS / 3)),
                        stm.ref("groups/redis", red, MoveMemberBetweenGroupsTest.members(2 * MEMBERS / 3, MEMBERS))));
            }
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Stm stm = clients.get(c);
                    List<Ref<TreeSet<Integer>>> groups = groupsOf.get(c);
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < MOVES_PER_CLIENT; i++) {
                            MoveMemberBetweenGroupsTest.moveOne(stm, groups);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(170, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int c = 0; c < CLIENTS; c++) {
                List<Ref<TreeSet<Integer>>> groups = groupsOf.get(c);
                clients.get(c).run(txn -> MoveMemberBetweenGroupsTest.assertEachMemberInExactlyOneGroup(groups));
            }
            long commits =
                    clients.stream().mapToLong(s -> s.metrics().writeCommits()).sum();
            assertThat(commits).isEqualTo((long) CLIENTS * MOVES_PER_CLIENT);
            sqlStores.get(0).destroy();
            redisStores.get(0).destroy();
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            TestStores.dropTable(TestStores.postgres(), table);
        }
    }
}
