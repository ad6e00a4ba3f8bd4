package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.CountingZooKeeper;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A commit is announced only to the clients that opened the ref it wrote (one persistent watch per
 * opened ref), never to every client of the namespace; the watches go, on the server too, when the
 * client closes or an open fails. The server is asked which watches it holds ({@code wchp}).
 */
class WatchFanOutTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

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

        // fewer than 16 commits in a row: a ref a client only writes stops being watched after 16
        for (int i = 0; i < 10; i++) {
            a.stm().run(txn -> ofA.alter(x -> x + 1));
        }
        // a notification of a change reaches a client before the reply to any later request of it,
        // and both are handled on its one event thread: when a commit returns, every notification
        // sent to that client before it has been counted
        assertThat(a.requests().notifications()).as("a: its own 10 commits").isEqualTo(10);
        b.stm().run(txn -> ofB.alter(x -> x + 1));
        assertThat(b.requests().notifications())
                .as("b never opened fan-a: only its own commit")
                .isEqualTo(1);
        StmFixture.await(() -> ofAatC.get() == 10L);
        c.stm().run(txn -> ofAatC.alter(x -> x + 1));
        assertThat(c.requests().notifications())
                .as("c opened fan-a: 10 of a's and its own")
                .isEqualTo(11);
        a.stm().run(txn -> ofA.alter(x -> x + 1));
        assertThat(a.requests().notifications()).as("a: 11 own commits and c's").isEqualTo(12);
        assertThat(b.requests().notifications()).isEqualTo(1);
        assertThat(ofA.get()).isEqualTo(12L);
    }

    @Test
    void closingRemovesTheWatchesFromTheServerForACallerOwnedClient() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        for (int i = 0; i < 5; i++) {
            a.stm().ref("w" + i, LONG, 0L);
        }
        CountingZooKeeper handle =
                (CountingZooKeeper) a.curator().getZookeeperClient().getZooKeeper();
        long session = handle.getSessionId();
        assertThat(handle.persistentWatchPaths()).hasSize(5).allMatch(p -> p.startsWith(fx.namespace + "/cells/w"));
        assertThat(handle.persistentRecursiveWatchPaths()).isEmpty();
        assertThat(watchedOnServer(fx, session)).hasSize(5);

        a.stm().close();
        StmFixture.await(() -> handle.persistentWatchPaths().isEmpty());
        StmFixture.await(() -> watchedOnServer(fx, session).isEmpty());
        // and commits are no longer sent to the client that stays open
        Client b = fx.client();
        Ref<Long> w0 = b.stm().ref("w0", LONG);
        a.requests().reset();
        b.stm().run(txn -> w0.alter(x -> x + 1));
        assertThat(watchedOnServer(fx, session)).isEmpty();
        assertThat(a.requests().notifications()).isZero();
    }

    @Test
    void aFailedOpenLeavesNoWatch() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        long session = a.curator().getZookeeperClient().getZooKeeper().getSessionId();
        assertThatThrownBy(() -> a.stm().ref("absent", LONG)).isInstanceOf(NoSuchRefException.class);
        StmFixture.await(() -> watchedOnServer(fx, session).isEmpty());
        a.stm().ref("present", LONG, 1L);
        assertThat(watchedOnServer(fx, session)).containsExactly(fx.namespace + "/cells/present");
    }

    @Test
    void twoStmsOnOneClientAndNamespaceKeepTheirWatchesApart() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        ZooKeeperStm second = ZooKeeperStm.builder()
                .client(a.curator())
                .namespace(fx.namespace)
                .build();
        Ref<Long> viaFirst = a.stm().ref("shared", LONG, 0L);
        Ref<Long> viaSecond = second.ref("shared", LONG);
        second.close(); // must not take the first one's watch with it
        Client b = fx.client();
        Ref<Long> atB = b.stm().ref("shared", LONG);
        b.stm().run(txn -> atB.set(7L));
        StmFixture.await(() -> viaFirst.get() == 7L);
        assertThat(viaSecond).isNotNull();
        long session = a.curator().getZookeeperClient().getZooKeeper().getSessionId();
        assertThat(watchedOnServer(fx, session)).containsExactly(fx.namespace + "/cells/shared");
    }

    /** The cell paths under this fixture's namespace that the server watches for {@code session}. */
    private static List<String> watchedOnServer(StmFixture fx, long session) {
        String report;
        try {
            report = FourLetterWordMain.send4LetterWord("127.0.0.1", zk.server().getPort(), "wchp");
        } catch (Exception e) {
            throw new AssertionError("cannot ask the server for its watches", e);
        }
        // "wchp": each watched path on a line, then one tab-indented line per session watching it
        List<String> paths = new ArrayList<>();
        String path = null;
        String id = "0x" + Long.toHexString(session);
        for (String line : report.split("\n")) {
            if (!line.startsWith("\t")) {
                path = line.trim();
            } else if (line.trim().equals(id) && path != null && path.startsWith(fx.namespace + "/cells/")) {
                paths.add(path);
            }
        }
        return paths;
    }
}
