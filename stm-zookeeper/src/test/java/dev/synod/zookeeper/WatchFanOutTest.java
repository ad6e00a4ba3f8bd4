package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.CountingZooKeeper;
import dev.synod.zookeeper.testing.ZkHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A commit is announced only to the clients that opened the ref it wrote (one persistent watch per
 * opened ref), never to every client of the namespace; the watches go when the client closes.
 */
class WatchFanOutTest {
    private static ZkHarness zk;

    @BeforeAll
    static void startServer() throws Exception {
        zk = ZkHarness.start();
    }

    @AfterAll
    static void stopServer() {
        zk.close();
    }

    @Test
    void aCommitIsAnnouncedOnlyToTheClientsThatOpenedItsRef() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Client c = fx.client();
        Ref<Long> ofA = a.stm().ref("fan-a", LONG, 0L);
        Ref<Long> ofB = b.stm().ref("fan-b", LONG, 0L);
        Ref<Long> ofAatC = c.stm().ref("fan-a", LONG);
        a.requests().reset();
        b.requests().reset();
        c.requests().reset();

        for (int i = 0; i < 20; i++) {
            a.stm().run(txn -> ofA.alter(x -> x + 1));
        }
        // a notification of a change reaches a client before the reply to any later request of it,
        // and both are handled on its one event thread: when a commit returns, every notification
        // sent to that client before it has been counted
        assertThat(a.requests().notifications()).as("a: its own 20 commits").isEqualTo(20);
        b.stm().run(txn -> ofB.alter(x -> x + 1));
        assertThat(b.requests().notifications())
                .as("b never opened fan-a: only its own commit")
                .isEqualTo(1);
        StmFixture.await(() -> ofAatC.get() == 20L);
        c.stm().run(txn -> ofAatC.alter(x -> x + 1));
        assertThat(c.requests().notifications())
                .as("c opened fan-a: 20 of a's and its own")
                .isEqualTo(21);
        a.stm().run(txn -> ofA.alter(x -> x + 1));
        assertThat(a.requests().notifications()).as("a: 21 own commits and c's").isEqualTo(22);
        assertThat(b.requests().notifications()).isEqualTo(1);
        assertThat(ofA.get()).isEqualTo(22L);
    }

    @Test
    void closingRemovesTheWatchesFromACallerOwnedClient() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        for (int i = 0; i < 5; i++) {
            a.stm().ref("w" + i, LONG, 0L);
        }
        CountingZooKeeper handle =
                (CountingZooKeeper) a.curator().getZookeeperClient().getZooKeeper();
        assertThat(handle.persistentWatchPaths()).hasSize(5).allMatch(p -> p.startsWith(fx.namespace + "/cells/w"));
        assertThat(handle.persistentRecursiveWatchPaths()).isEmpty();

        a.stm().close();
        assertThat(handle.persistentWatchPaths()).isEmpty();
        // and the server no longer announces commits to the client that stays open
        Client b = fx.client();
        Ref<Long> w0 = b.stm().ref("w0", LONG);
        a.requests().reset();
        b.stm().run(txn -> w0.alter(x -> x + 1));
        a.curator().checkExists().forPath(fx.namespace); // a reply after any notification
        Thread.sleep(50); // let the event thread hand on what it got
        assertThat(a.requests().notifications()).isZero();
    }
}
