package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Atom;
import dev.synod.stm.Ref;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.CountingZooKeeper;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN 7: an update that keeps losing makes progress. A swap whose function is slow never wins a
 * plain compare-and-set race against clients that swap quickly (its value is stale by the time it
 * is written); after a few losses it claims a turn, the fast clients hold back, and it commits.
 */
class SlowUpdateProgressTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void aSlowSwapFinishesAgainstClientsSwappingFast() throws Exception {
        StmFixture fx = new StmFixture(zk);
        ZooKeeperStm slowStm = slowClient(fx);
        // a 40 ms function: the fast clients commit many times meanwhile
        slowSwapAgainstFastOnes(fx, "hot", slowStm, 40);
        assertThat(slowStm.metrics().atomConflicts()).as("losses before it did").isGreaterThanOrEqualTo(8);
    }

    @Test
    void aSwapSlowerThanTheLeastLeaseFinishesToo() throws Exception {
        StmFixture fx = new StmFixture(zk);
        // gives up after 8 lost races, so it claims after 4 (half)
        ZooKeeperStm slowStm = zk.track(ZooKeeperStm.builder()
                .client(zk.client(new RequestCounter()))
                .namespace(fx.namespace)
                .defaultOptions(TxnOptions.defaults().withMaxRetries(8).withTimeout(Duration.ofSeconds(60)))
                .build());
        // longer than a turn lasts for a fast holder (1 s): its turn must last longer
        slowSwapAgainstFastOnes(fx, "slower", slowStm, 1300);
    }

    /**
     * Three clients swap {@code name} as fast as they can while {@code slowStm} swaps it once
     * with a function taking {@code millis}: that swap must finish, under a turn, and no swap may
     * be lost.
     */
    private static void slowSwapAgainstFastOnes(StmFixture fx, String name, ZooKeeperStm slowStm, long millis)
            throws Exception {
        List<Atom<Long>> fast = new ArrayList<>();
        List<Client> fastClients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client c = fx.client();
            fastClients.add(c);
            fast.add(i == 0 ? c.stm().atom(name, LONG, 0L) : c.stm().atom(name, LONG));
        }
        Atom<Long> slow = slowStm.atom(name, LONG);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        long slowResult;
        long quietFast;
        long[] fastSwaps = new long[3];
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Atom<Long> atom = fast.get(i);
                int index = i;
                running.add(pool.submit(() -> {
                    while (!stop.get()) {
                        atom.swap(x -> x + 1);
                        fastSwaps[index]++;
                    }
                    return null;
                }));
            }
            StmFixture.await(() -> fast.get(0).get() > 100); // the race is on
            // fast clients 1 and 2 never read the atom: losing races to the others, they stop
            // watching it, and must still hear of the slow client's turn
            String cell = fx.namespace + "/cells/" + name;
            StmFixture.await(() -> fastClients.subList(1, 3).stream()
                    .noneMatch(c -> watchedPaths(c).contains(cell)));
            slowResult = slow.swap(x -> {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return x + 1_000_000;
            });
            quietFast = fastClients.subList(1, 3).stream()
                    .filter(c -> !watchedPaths(c).contains(cell))
                    .count();
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(slowResult).isGreaterThan(1_000_000L);
        assertThat(quietFast)
                .as("fast clients still not watching the atom after the turn")
                .isEqualTo(2);
        assertThat(slowStm.metrics().turnsClaimed()).as("it claimed a turn").isGreaterThanOrEqualTo(1);
        long expected = 1_000_000L + fastSwaps[0] + fastSwaps[1] + fastSwaps[2];
        StmFixture.await(() -> fast.get(0).get() == expected);
        StmFixture.await(() -> slow.get() == expected); // its cache, too, catches up
    }

    private static List<String> watchedPaths(Client c) {
        try {
            return ((CountingZooKeeper) c.curator().getZookeeperClient().getZooKeeper()).persistentWatchPaths();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSlowTransactionOverTwoRefsFinishesAgainstFastOnes() throws Exception {
        StmFixture fx = new StmFixture(zk);
        List<Client> clients = new ArrayList<>();
        List<Ref<Long>> left = new ArrayList<>();
        List<Ref<Long>> right = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client c = fx.client();
            clients.add(c);
            left.add(i == 0 ? c.stm().ref("left", LONG, 0L) : c.stm().ref("left", LONG));
            right.add(i == 0 ? c.stm().ref("right", LONG, 0L) : c.stm().ref("right", LONG));
        }
        ZooKeeperStm slowStm = slowClient(fx);
        Ref<Long> slowLeft = slowStm.ref("left", LONG);
        Ref<Long> slowRight = slowStm.ref("right", LONG);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        long[] fastCommits = new long[3];
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int index = i;
                Client c = clients.get(i);
                // each fast client increments one ref, or both
                running.add(pool.submit(() -> {
                    while (!stop.get()) {
                        c.stm().run(txn -> {
                            if (index != 1) {
                                left.get(index).alter(x -> x + 1);
                            }
                            if (index != 0) {
                                right.get(index).alter(x -> x + 1);
                            }
                        });
                        fastCommits[index]++;
                    }
                    return null;
                }));
            }
            StmFixture.await(() -> left.get(0).get() > 100 && right.get(1).get() > 100); // the race is on
            slowStm.run(txn -> {
                long l = slowLeft.get();
                long r = slowRight.get();
                Thread.sleep(40); // a slow body: the fast clients commit many times meanwhile
                slowLeft.set(l + 1_000_000);
                slowRight.set(r + 1_000_000);
            });
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(slowStm.metrics().turnsClaimed()).as("it claimed a turn").isGreaterThanOrEqualTo(1);
        assertThat(slowStm.metrics().retries())
                .as("attempts lost before it did")
                .isGreaterThanOrEqualTo(8);
        long expectedLeft = 1_000_000L + fastCommits[0] + fastCommits[2];
        long expectedRight = 1_000_000L + fastCommits[1] + fastCommits[2];
        StmFixture.await(() -> left.get(0).get() == expectedLeft && right.get(0).get() == expectedRight);
        StmFixture.await(() -> slowLeft.get() == expectedLeft); // its cache, too, catches up
    }

    @Test
    void aCommitWaitingForAnotherClientsTurnHoldsNoLocalRefLock() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Ref<Long> shared = a.stm().ref("shared", LONG, 0L);
        dev.synod.stm.LocalRef<Long> local = a.stm().localRef(0L);
        // another client (its own session) takes a turn on the shared ref and does not use it
        dev.synod.zookeeper.internal.ZkCoordinator other = zk.track(
                new dev.synod.zookeeper.internal.ZkCoordinator(zk.client(new RequestCounter()), true, fx.namespace));
        other.open("shared", null);
        dev.synod.stm.spi.Coordinator.Claim turn = other.claim(List.of("shared"), 0, Long.MAX_VALUE);
        Thread.sleep(200); // a learns of it from the notification
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = pool.submit(() -> a.stm().run(txn -> {
                local.set(1L);
                shared.set(1L); // its commit waits for the other client's turn (1 s at most)
            }));
            Thread.sleep(200);
            Future<Long> reader = pool.submit(() -> a.stm().atomically(txn -> local.get()));
            assertThat(reader.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            assertThat(writer)
                    .as("the reader did not wait for the writer's turn")
                    .isNotDone();
            writer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            turn.close();
        }
        assertThat(local.get()).isEqualTo(1L);
        StmFixture.await(() -> shared.get() == 1L);
    }

    /** A client of its own session that gives up after 60 lost races (the default is 10,000). */
    private static ZooKeeperStm slowClient(StmFixture fx) throws InterruptedException {
        return zk.track(ZooKeeperStm.builder()
                .client(zk.client(new RequestCounter()))
                .namespace(fx.namespace)
                .defaultOptions(TxnOptions.defaults().withMaxRetries(60).withTimeout(Duration.ofSeconds(60)))
                .build());
    }
}
