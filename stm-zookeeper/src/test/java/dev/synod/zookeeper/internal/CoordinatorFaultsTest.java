package dev.synod.zookeeper.internal;

import static dev.synod.zookeeper.internal.CoordinatorFixture.bytes;
import static dev.synod.zookeeper.internal.CoordinatorFixture.text;
import static dev.synod.zookeeper.internal.CoordinatorFixture.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.internal.CoordinatorFixture.Recorder;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session expiry and a server that goes away, at the coordinator level. */
class CoordinatorFaultsTest {
    private ZkHarness zk;

    @BeforeEach
    void startServer() throws Exception {
        zk = ZkHarness.start();
    }

    @AfterEach
    void stopServer() {
        zk.close();
    }

    /**
     * A watch removal still unanswered when the connection is lost fails with a connection loss,
     * and ZooKeeper's client then reports that as an event of its own whose state is Disconnected,
     * before the connection event, which it then drops as a repeat. Changes made while the
     * connection was down are not announced after it comes back (a persistent watch re-registered
     * on the same session does not replay them): the cache must still learn that it has to read
     * every watched cell again before the read point passes them.
     */
    @Test
    void aWatchRemovalLostWithTheConnectionStillMakesTheCacheReadWhatItMissed() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        dev.synod.zookeeper.testing.TcpProxy proxy =
                zk.track(new dev.synod.zookeeper.testing.TcpProxy(zk.server().getPort(), 1));
        Client reader = fx.client(proxy.connectString());
        Client writer = fx.client();
        for (String n : List.of("watched", "quieted")) {
            writer.coordinator().open(n, bytes("0"));
            reader.coordinator().open(n, null);
        }
        long session = reader.curator().getZookeeperClient().getZooKeeper().getSessionId();
        // the removal sent by the hint never reaches the server: the connection is cut instead
        proxy.dropOnNextRequest(20, false);
        assertThat(reader.coordinator().updatesOnly("quieted")).isTrue();
        CoordinatorFixture.await(() -> proxy.drops() > 0);
        CommitResult.Committed c = (CommitResult.Committed)
                writer.coordinator().commit(writes(writer.coordinator().current("watched")));
        CoordinatorFixture.await(() -> reader.curator().getZookeeperClient().isConnected());
        assertThat(reader.curator().getZookeeperClient().getZooKeeper().getSessionId())
                .as("the same session, reconnected")
                .isEqualTo(session);
        assertThat(reader.coordinator().awaitReadPoint(c.stamp(), 10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(text(reader.coordinator().current("watched")))
                .as("the read point covers the commit made while disconnected: so must the cache")
                .isEqualTo("0+");
    }

    @Test
    void afterAnExpiredSessionEveryVersionIsNotifiedAtMostOnceAndTheWatchIsNotDuplicated() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client writer = fx.client();
        Client reader = fx.client();
        for (String n : List.of("e1", "e2")) {
            writer.coordinator().open(n, bytes("0"));
            reader.coordinator().open(n, null);
        }
        Recorder heard = new Recorder();
        reader.coordinator().subscribe(heard);
        long session = reader.curator().getZookeeperClient().getZooKeeper().getSessionId();

        zk.expireSession(reader.curator());
        CommitResult.Committed c = (CommitResult.Committed) writer.coordinator()
                .commit(writes(
                        writer.coordinator().current("e1"), writer.coordinator().current("e2")));
        assertThat(reader.coordinator().awaitReadPoint(c.stamp(), 10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(text(reader.coordinator().current("e1"))).isEqualTo("0+");
        assertThat(text(reader.coordinator().current("e2"))).isEqualTo("0+");
        assertThat(reader.curator().getZookeeperClient().getZooKeeper().getSessionId())
                .isNotEqualTo(session);
        CoordinatorFixture.await(() -> heard.changes.size() == 2);

        CommitResult.Committed again = (CommitResult.Committed)
                writer.coordinator().commit(writes(writer.coordinator().current("e1")));
        assertThat(reader.coordinator().awaitReadPoint(again.stamp(), 10, TimeUnit.SECONDS))
                .isTrue();
        CoordinatorFixture.await(() -> heard.changes.size() == 3);
        Thread.sleep(200);
        assertThat(heard.changes).hasSize(3);
        Set<String> seen = new HashSet<>();
        for (Versioned[] change : heard.changes) {
            assertThat(seen.add(change[1].name() + "@" + change[1].stamp()))
                    .as("notified once")
                    .isTrue();
        }
    }

    @Test
    void whileTheServerIsDownCallsFailClearlyAndAllRecoversAfter() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client writer = fx.client();
        CuratorFramework impatient = zk.client(zk.connectString(), new RequestCounter(), 1000, new RetryOneTime(10));
        ZkCoordinator reader = zk.track(new ZkCoordinator(impatient, false, fx.namespace));
        writer.coordinator().open("d", bytes("0"));
        Versioned seen = reader.open("d", null);

        zk.server().stop();
        CoordinatorFixture.await(() -> !impatient.getZookeeperClient().isConnected());
        assertThatThrownBy(() -> reader.commit(writes(seen)))
                .isInstanceOf(CoordinationException.class)
                .hasMessageContaining(zk.connectString())
                .hasMessageContaining("not connected")
                .hasMessageContaining("Nothing was sent");
        assertThatThrownBy(() -> reader.fetch(List.of("d")))
                .isInstanceOf(CoordinationException.class)
                .hasMessageContaining(zk.connectString());
        assertThat(text(reader.current("d"))).isEqualTo("0"); // the cache still serves

        zk.server().restart();
        CommitResult.Committed c = (CommitResult.Committed) writer.coordinator().commit(writes(seen));
        assertThat(reader.awaitReadPoint(c.stamp(), 10, TimeUnit.SECONDS)).isTrue();
        assertThat(text(reader.current("d"))).isEqualTo("0+");
        CommitResult r = reader.commit(writes(reader.current("d")));
        assertThat(r).isInstanceOf(CommitResult.Committed.class);
    }
}
