package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read-point contract broken on purpose: the watches of two cells are removed from the server
 * behind the cache's back, so their changes are never announced while the read point keeps rising
 * with the other cells. The engine's read-atomic check catches one of them in a transaction;
 * before the retry, the coordinator watches every opened cell again and refreshes them all, so
 * the retry also reads the current state of the other one, which nothing it read pointed at.
 */
class LostNotificationTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void aCacheCaughtTrailingIsWatchedAgainAndRefreshedBeforeTheRetry() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Stm stmA = Stm.create(a.coordinator(), TxnOptions.defaults());
        Stm stmB = Stm.create(b.coordinator(), TxnOptions.defaults());
        Ref<Long> x = stmA.ref("x", LONG, 10L);
        Ref<Long> y = stmA.ref("y", LONG, 0L);
        Ref<Long> z = stmA.ref("z", LONG, 5L);
        long before = stmA.atomically(t -> x.get() + y.get() + z.get());
        assertThat(before).isEqualTo(15L);
        Ref<Long> bx = stmB.ref("x", LONG);
        Ref<Long> by = stmB.ref("y", LONG);
        Ref<Long> bz = stmB.ref("z", LONG);

        // lose the notifications of x and z: their watches go, on the server and in A's client
        ZooKeeper handle = a.curator().getZookeeperClient().getZooKeeper();
        CellPaths paths = new CellPaths(fx.namespace);
        for (String name : List.of("x", "z")) {
            handle.removeAllWatches(paths.pathOf(name), WatcherType.Persistent, false);
        }
        stmB.run(t -> bz.alter(v -> v + 100)); // z alone: no ref that A reads names it
        stmB.run(t -> {
            bx.alter(v -> v - 3);
            by.alter(v -> v + 3);
        });
        long transfer = b.coordinator().current("y").stamp();
        a.coordinator().fetch(List.of("y")); // its reply takes A's read point past the transfer
        CoordinatorFixture.await(() -> a.coordinator().readPoint() >= transfer);
        assertThat(a.coordinator().current("x").stamp())
                .as("the precondition: A's cache missed the transfer on x")
                .isLessThan(transfer);
        assertThat(z.get()).as("and missed the change of z").isEqualTo(5L);

        long total = stmA.atomically(t -> y.get() + x.get() + z.get());
        assertThat(total)
                .as("y and x of the transfer, and z as changed before it")
                .isEqualTo(115L);
        assertThat(stmA.metrics().staleCacheRetries()).isEqualTo(1);
        assertThat(x.get()).isEqualTo(7L);
        assertThat(z.get()).isEqualTo(105L);

        // watched again: later changes of x and z are heard, no transaction needs to trip on them
        stmB.run(t -> {
            bx.set(50L);
            bz.set(60L);
        });
        CoordinatorFixture.await(() -> x.get() == 50L && z.get() == 60L);
        long after = stmA.atomically(t -> y.get() + x.get() + z.get());
        assertThat(after).isEqualTo(113L);
        assertThat(stmA.metrics().staleCacheRetries()).isEqualTo(1);
        stmA.close();
        stmB.close();
    }
}
