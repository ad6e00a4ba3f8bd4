package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Atom;
import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.CountingZooKeeper;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** A session expired by the server: a new session, the cache restored, watches not duplicated. */
class SessionExpiryTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void afterExpiryTheCacheCatchesUpAndEachChangeIsHeardOnce() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> r1 = a.stm().ref("r1", LONG, 0L);
        Ref<Long> r2 = a.stm().ref("r2", LONG, 0L);
        Ref<Long> r1b = b.stm().ref("r1", LONG);
        Ref<Long> r2b = b.stm().ref("r2", LONG);
        List<long[]> heard = new CopyOnWriteArrayList<>();
        r1b.addWatch("k", (key, ref, o, n) -> heard.add(new long[] {o, n}));

        for (int r = 1; r <= 2; r++) {
            int round = r;
            long before = b.curator().getZookeeperClient().getZooKeeper().getSessionId();
            zk.expireSession(b.curator());
            long v = round * 10L;
            a.stm()
                    .run(
                            txn -> { // most likely while b has no session: b misses the notification
                                r1.set(v);
                                r2.set(v + 1);
                            });
            StmFixture.await(() -> r1b.get() == v && r2b.get() == v + 1);
            StmFixture.await(() -> heard.size() == 2 * round - 1);
            assertThat(b.curator().getZookeeperClient().getZooKeeper().getSessionId())
                    .isNotEqualTo(before);
            assertThat(heard.get(heard.size() - 1)[1]).isEqualTo(v);
            // the new session watches exactly the opened cells, each once
            CountingZooKeeper handle =
                    (CountingZooKeeper) b.curator().getZookeeperClient().getZooKeeper();
            assertThat(handle.persistentWatchPaths())
                    .containsExactlyInAnyOrder(fx.namespace + "/cells/r1", fx.namespace + "/cells/r2");

            // the watch was added again exactly once: one commit, one callback
            a.stm().run(txn -> r1.set(v + 5));
            StmFixture.await(() -> r1b.get() == v + 5);
            StmFixture.await(() -> heard.size() == 2 * round);
            Thread.sleep(200);
            assertThat(heard).hasSize(2 * round);
        }
        long previous = 0;
        for (long[] change : heard) {
            assertThat(change[0]).isEqualTo(previous);
            previous = change[1];
        }

        // b commits on its new session, a sees it
        b.stm().run(txn -> r2b.alter(x -> x + 1));
        StmFixture.await(() -> r2.get() == 22L);
    }

    @Test
    void atomSwapsAcrossRepeatedExpiriesLoseAndDoubleNothing() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atomA = a.stm().atom("swapped", LONG, 0L);
        Atom<Long> atomB = b.stm().atom("swapped", LONG);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger expiries = new java.util.concurrent.atomic.AtomicInteger();
        Thread expirer = new Thread(() -> {
            try {
                while (!stop.get() && expiries.get() < 3) {
                    Thread.sleep(150);
                    zk.expireSession(b.curator());
                    expiries.incrementAndGet();
                }
            } catch (Exception e) {
                // the test below notices too few expiries
            }
        });
        expirer.start();
        Thread other = new Thread(() -> {
            for (int i = 0; i < 300; i++) {
                atomA.swap(x -> x + 1);
            }
        });
        other.start();
        int unknown = 0;
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    atomB.swap(x -> x + 1);
                } catch (CommitOutcomeUnknownException e) {
                    // possible and honest: the session went while the swap was in flight, and the
                    // atom moved on past the writer ids it keeps before b could read it back
                    unknown++;
                }
            }
        } finally {
            other.join(60_000);
            stop.set(true);
            expirer.join(30_000);
        }
        assertThat(expiries.get()).as("sessions expired under the swaps").isPositive();
        // every swap that returned applied exactly once; one whose outcome is unknown, at most once
        int known = 600 - unknown;
        int unknownSwaps = unknown;
        StmFixture.await(() -> atomA.get() >= known && atomA.get() <= 600L);
        long settled = atomA.get();
        StmFixture.await(() -> atomB.get() == settled);
        LoggerFactory.getLogger(SessionExpiryTest.class)
                .info(
                        "atom swaps across {} expiries: {} of b's outcomes unknown, final {}",
                        expiries,
                        unknownSwaps,
                        settled);
        assertThat(unknown).as("outcomes left unknown").isLessThanOrEqualTo(expiries.get());
    }
}
