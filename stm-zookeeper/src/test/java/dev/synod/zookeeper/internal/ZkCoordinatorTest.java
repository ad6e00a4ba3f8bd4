package dev.synod.zookeeper.internal;

import static dev.synod.zookeeper.internal.CoordinatorFixture.bytes;
import static dev.synod.zookeeper.internal.CoordinatorFixture.text;
import static dev.synod.zookeeper.internal.CoordinatorFixture.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The coordinator contract on a real ZooKeeper: commits, conflicts, guards, cache, cost. */
class ZkCoordinatorTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    private CoordinatorFixture fx;

    @BeforeEach
    void namespace() {
        fx = new CoordinatorFixture(zk);
    }

    @Test
    void anOpenThatTheCloseOvertakesIsReportedAsClosed() throws Exception {
        Client a = fx.client();
        a.coordinator().open("first", bytes("1"));
        // close as the next open sends its watch (a caller-owned client: the client stays up)
        a.requests().beforeNext("addWatch", () -> a.coordinator().close());
        assertThatThrownBy(() -> a.coordinator().open("second", bytes("2"))).isInstanceOf(StmClosedException.class);
        Client b = fx.client();
        // and an open that finds the coordinator closed before it sends anything
        b.coordinator().close();
        assertThatThrownBy(() -> b.coordinator().open("third", bytes("3"))).isInstanceOf(StmClosedException.class);
    }

    @Test
    void cellsAreFlatZnodesUnderTheNamespaceWithZnodeVersionAndMzxid() throws Exception {
        Client a = fx.client();
        Versioned v = a.coordinator().open("orders/eu", bytes("init"));
        Stat stat = a.curator().checkExists().forPath(fx.namespace + "/cells/orders:eu");
        assertThat(stat).isNotNull();
        assertThat(v.version()).isEqualTo(stat.getVersion()).isZero();
        assertThat(v.stamp()).isEqualTo(stat.getMzxid());
        assertThat(text(v)).isEqualTo("init");
        assertThat(a.coordinator().describe()).isEqualTo("zookeeper[" + zk.connectString() + "]" + fx.namespace);
        assertThat(a.coordinator().locate("orders/eu"))
                .isEqualTo("zookeeper[" + zk.connectString() + "]" + fx.namespace + "/cells/orders:eu");
    }

    @Test
    void openAttachesWithoutClobberingAndRequiresTheCellWithoutInitial() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("c", bytes("first"));
        b.requests().reset();
        assertThat(text(b.coordinator().open("c", bytes("second")))).isEqualTo("first");
        assertThat(b.requests().snapshot())
                .as("attaching is one read behind its watch, pipelined")
                .isEqualTo(Map.of("addWatch", 1L, "getData", 1L));
        b.requests().reset();
        assertThat(text(b.coordinator().open("c", bytes("third")))).isEqualTo("first");
        assertThat(b.requests().total())
                .as("already open: served from the cache")
                .isZero();
        assertThat(text(b.coordinator().open("c", null))).isEqualTo("first");
        Client c = fx.client();
        c.requests().reset();
        assertThat(text(c.coordinator().open("created", bytes("new")))).isEqualTo("new");
        assertThat(c.requests().snapshot())
                .as("creating is a read, a create and a read")
                .isEqualTo(Map.of("addWatch", 1L, "getData", 2L, "create", 1L));
        assertThatThrownBy(() -> b.coordinator().open("absent", null))
                .isInstanceOf(NoSuchRefException.class)
                .hasMessageContaining("'absent'")
                .hasMessageContaining(fx.namespace + "/cells/absent");
        assertThatThrownBy(() -> b.coordinator().current("absent")).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void aCommitIsExactlyOneWriteRequestAndNothingElse(int cells) throws Exception {
        Client a = fx.client();
        List<Versioned> opened = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            opened.add(a.coordinator().open("n" + i, bytes("v")));
        }
        a.requests().reset();

        CommitResult result = a.coordinator().commit(writes(opened.toArray(Versioned[]::new)));
        assertThat(a.coordinator().awaitReadPoint(((CommitResult.Committed) result).stamp(), 5, TimeUnit.SECONDS))
                .isTrue();
        Thread.sleep(200); // let the notification of our own commit be handled

        assertThat(a.requests().snapshot()).isEqualTo(Map.of(cells == 1 ? "setData" : "multi", 1L));
        CommitResult.Committed committed = (CommitResult.Committed) result;
        assertThat(committed.written()).hasSize(cells);
        for (Versioned before : opened) {
            Versioned after = committed.written().get(before.name());
            assertThat(after.version()).isEqualTo(1);
            assertThat(after.stamp()).isEqualTo(committed.stamp());
            assertThat(a.coordinator().current(before.name())).isSameAs(after);
        }
    }

    @Test
    void ownCommitsWakeOnlyTheCommitterAndOthersCommitsReachTheCacheWorker() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        List<String> names = List.of("x", "y", "z");
        for (String name : names) {
            a.coordinator().open(name, bytes("v"));
        }
        CoordinatorFixture.await(a.coordinator()::cacheWorkerIdle);
        long handOffs = a.coordinator().cacheWorkerHandOffs();

        for (int i = 0; i < 20; i++) {
            Versioned[] current = names.stream().map(a.coordinator()::current).toArray(Versioned[]::new);
            CommitResult.Committed c = (CommitResult.Committed) a.coordinator().commit(writes(current));
            assertThat(a.coordinator().readPoint())
                    .as("the reply raised the read point before the commit returned")
                    .isGreaterThanOrEqualTo(c.stamp());
        }
        assertThat(a.coordinator().cacheWorkerHandOffs() - handOffs)
                .as("60 notifications of our own commits, all settled by the commits' replies")
                .isZero();

        Versioned other = b.coordinator().open("y", null);
        CommitResult.Committed byB = (CommitResult.Committed) b.coordinator().commit(writes(other));
        CoordinatorFixture.await(() -> a.coordinator().current("y").stamp() == byB.stamp());
        CoordinatorFixture.await(a.coordinator()::cacheWorkerIdle);
        assertThat(a.coordinator().readPoint()).isGreaterThanOrEqualTo(byB.stamp());
        assertThat(a.coordinator().cacheWorkerHandOffs() - handOffs)
                .as("another client's commit: its notification, and the barrier of the worker's read of it")
                .isEqualTo(2);
    }

    @Test
    void aCommitWithChecksAndAGuardIsStillOneMulti() throws Exception {
        Client a = fx.client();
        Versioned x = a.coordinator().open("x", bytes("x"));
        Versioned y = a.coordinator().open("y", bytes("y"));
        a.curator().create().forPath("/guard-ok");
        a.requests().reset();
        CommitResult r = a.coordinator()
                .commit(new CommitRequest(
                        List.of(new CommitRequest.Check("y", y.version())),
                        List.of(new CommitRequest.Write("x", x.version(), bytes("x2"))),
                        List.of(new CommitGuard("/guard-ok", CommitGuard.ANY_VERSION, "lock 'g'"))));
        assertThat(r).isInstanceOf(CommitResult.Committed.class);
        assertThat(a.requests().snapshot()).isEqualTo(Map.of("multi", 1L));
    }

    @Test
    void currentIsAMemoryRead() throws Exception {
        Client a = fx.client();
        a.coordinator().open("m", bytes("v"));
        a.requests().reset();
        for (int i = 0; i < 10_000; i++) {
            a.coordinator().current("m");
            a.coordinator().readPoint();
        }
        assertThat(a.requests().total()).isZero();
    }

    @Test
    void aStaleWriteOrCheckConflictsOnThatCellAndAppliesNothing() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        Versioned x = a.coordinator().open("x", bytes("x"));
        Versioned y = a.coordinator().open("y", bytes("y"));
        b.coordinator().open("y", null);
        b.coordinator().commit(writes(b.coordinator().current("y"))); // y is now at version 1
        // a hears of it (one event, one read by its cache worker) before it commits
        CoordinatorFixture.await(() ->
                a.coordinator().current("y").version() == 1 && a.coordinator().cacheWorkerIdle());
        long handOffs = a.coordinator().cacheWorkerHandOffs();

        a.requests().reset();
        CommitResult staleCheck = a.coordinator()
                .commit(new CommitRequest(
                        List.of(new CommitRequest.Check("y", y.version())),
                        List.of(new CommitRequest.Write("x", x.version(), bytes("x2"))),
                        List.of()));
        assertThat(staleCheck).isEqualTo(new CommitResult.Conflict(Set.of("y"), null));
        assertThat(a.requests().snapshot())
                .as("the conflict's cell is read back, the other cell is not")
                .isEqualTo(Map.of("multi", 1L, "getData", 1L));

        a.requests().reset();
        CommitResult staleWrite = a.coordinator().commit(writes(x, y));
        assertThat(staleWrite).isEqualTo(new CommitResult.Conflict(Set.of("y"), null));
        assertThat(a.requests().snapshot()).isEqualTo(Map.of("multi", 1L, "getData", 1L));
        assertThat(a.coordinator().fetch(List.of("x")).get(0).version()).isZero();

        a.requests().reset();
        CommitResult single = a.coordinator().commit(writes(y));
        assertThat(single).isEqualTo(new CommitResult.Conflict(Set.of("y"), null));
        assertThat(a.requests().snapshot()).isEqualTo(Map.of("setData", 1L, "getData", 1L));
        assertThat(a.coordinator().current("y").version()).isEqualTo(1);
        assertThat(a.coordinator().cacheWorkerHandOffs())
                .as("the read-backs' replies raise the read point without the cache worker")
                .isEqualTo(handOffs);
    }

    @Test
    void aConflictLeavesTheWinningStateInTheCacheWhenTheCommitReturns() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        Versioned base = a.coordinator().open("hot", bytes("0"));
        b.coordinator().open("hot", null);
        for (int round = 1; round <= 20; round++) {
            // b wins the race; a's commit, sent right after b's returns, loses it
            CommitResult won = b.coordinator()
                    .commit(writes(new Versioned("hot", bytes("b" + round), base.version(), base.stamp())));
            assertThat(won).isInstanceOf(CommitResult.Committed.class);
            Versioned winner = ((CommitResult.Committed) won).written().get("hot");
            CommitResult lost = a.coordinator().commit(writes(base));
            assertThat(lost).isEqualTo(new CommitResult.Conflict(Set.of("hot"), null));
            // no waiting: the read-back put b's state in a's cache before the commit returned
            Versioned seen = a.coordinator().current("hot");
            assertThat(seen.version()).isEqualTo(winner.version());
            assertThat(text(seen)).isEqualTo("b" + round + "+");
            base = seen;
        }
    }

    @Test
    void aFailedGuardIsReportedAsTheGuardWithoutCells() throws Exception {
        Client a = fx.client();
        Versioned x = a.coordinator().open("x", bytes("x"));
        a.curator().create().forPath("/lock-node");
        CommitGuard missing = new CommitGuard("/no-such-lock", CommitGuard.ANY_VERSION, "lock 'gone'");
        CommitGuard wrongVersion = new CommitGuard("/lock-node", 3, "lock 'moved'");
        for (CommitGuard g : List.of(missing, wrongVersion)) {
            CommitResult r = a.coordinator().commit(new CommitRequest(List.of(), List.of(writeOf(x)), List.of(g)));
            assertThat(r).isEqualTo(new CommitResult.Conflict(Set.of(), g));
        }
        assertThat(a.coordinator().fetch(List.of("x")).get(0).version()).isZero();
    }

    private static CommitRequest.Write writeOf(Versioned v) {
        return new CommitRequest.Write(v.name(), v.version(), bytes(text(v) + "+"));
    }

    @Test
    void anotherClientSeesTheCommitThroughItsCacheAndOneNotification() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("shared", bytes("0"));
        Versioned before = b.coordinator().open("shared", null);
        CoordinatorFixture.Recorder heard = new CoordinatorFixture.Recorder();
        b.coordinator().subscribe(heard);

        CommitResult.Committed c = (CommitResult.Committed)
                a.coordinator().commit(writes(a.coordinator().current("shared")));
        assertThat(b.coordinator().awaitReadPoint(c.stamp(), 5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(text(b.coordinator().current("shared"))).isEqualTo("0+");
        assertThat(b.coordinator().current("shared").stamp()).isEqualTo(c.stamp());
        CoordinatorFixture.await(() -> heard.changes.size() == 1);
        Versioned[] change = heard.changes.get(0);
        assertThat(change[0].stamp()).isEqualTo(before.stamp());
        assertThat(text(change[0])).isEqualTo("0");
        assertThat(text(change[1])).isEqualTo("0+");
        Thread.sleep(100);
        assertThat(heard.changes).hasSize(1);
    }

    @Test
    void fetchReadsAllNamesInOneRequestAndRefreshesTheCache() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("f1", bytes("1"));
        a.coordinator().open("f2", bytes("2"));
        b.coordinator().open("f1", null);
        b.coordinator().open("f2", null);
        CommitResult.Committed c = (CommitResult.Committed) a.coordinator()
                .commit(writes(a.coordinator().current("f1"), a.coordinator().current("f2")));
        assertThat(b.coordinator().awaitReadPoint(c.stamp(), 5, TimeUnit.SECONDS))
                .isTrue();
        Thread.sleep(200); // let b's cache worker settle: its reads are not what we count
        b.requests().reset();
        List<Versioned> fetched = b.coordinator().fetch(List.of("f1", "f2"));
        assertThat(fetched).extracting(CoordinatorFixture::text).containsExactly("1+", "2+");
        assertThat(b.requests().snapshot()).isEqualTo(Map.of("multiRead", 1L));
        assertThat(b.coordinator().current("f1").version()).isEqualTo(1);
        assertThatThrownBy(() -> b.coordinator().fetch(List.of("f1", "nope")))
                .isInstanceOf(NoSuchRefException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void deleteNotifiesOnceAndTheCellIsGone() throws Exception {
        Client a = fx.client();
        Client b = fx.client();
        a.coordinator().open("d", bytes("x"));
        b.coordinator().open("d", null);
        CoordinatorFixture.Recorder heardA = new CoordinatorFixture.Recorder();
        CoordinatorFixture.Recorder heardB = new CoordinatorFixture.Recorder();
        a.coordinator().subscribe(heardA);
        b.coordinator().subscribe(heardB);
        a.coordinator().delete("d");
        a.coordinator().delete("d"); // absent: nothing
        CoordinatorFixture.await(() -> heardA.deletes.size() == 1 && heardB.deletes.size() == 1);
        Thread.sleep(100);
        assertThat(heardA.deletes).containsExactly("d");
        assertThat(heardB.deletes).containsExactly("d");
        assertThatThrownBy(() -> a.coordinator().current("d")).isInstanceOf(NoSuchRefException.class);
        CoordinatorFixture.await(() -> {
            try {
                b.coordinator().current("d");
                return false;
            } catch (NoSuchRefException e) {
                return true;
            }
        });
        // created again: served again, with a change from "nothing known"
        Versioned again = b.coordinator().open("d", bytes("new"));
        assertThat(text(again)).isEqualTo("new");
        CoordinatorFixture.await(() -> !heardA.of("d").isEmpty());
        assertThat(heardA.of("d").get(0)[0]).isNull();
        assertThat(text(a.coordinator().current("d"))).isEqualTo("new");
    }

    @Test
    void aValueOverTheLimitIsRejectedBeforeSending() throws Exception {
        Client a = fx.client();
        assertThat(a.coordinator().maxCellSize()).isEqualTo(ZkCoordinator.DEFAULT_JUTE_MAXBUFFER - 4096);
        Versioned big = a.coordinator().open("big", bytes("x"));
        a.requests().reset();
        byte[] tooLarge = new byte[a.coordinator().maxCellSize() + 1];
        assertThatThrownBy(() -> a.coordinator()
                        .commit(new CommitRequest(
                                List.of(),
                                List.of(new CommitRequest.Write("big", big.version(), tooLarge)),
                                List.of())))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("'big'");
        // two cells that fit alone but not together in one request
        Versioned big2 = a.coordinator().open("big2", bytes("x"));
        a.requests().reset();
        byte[] half = new byte[a.coordinator().maxCellSize() / 2 + 10_000];
        assertThatThrownBy(() -> a.coordinator()
                        .commit(new CommitRequest(
                                List.of(),
                                List.of(
                                        new CommitRequest.Write("big", big.version(), half),
                                        new CommitRequest.Write("big2", big2.version(), half)),
                                List.of())))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("big, big2");
        assertThat(a.requests().total()).isZero();
        // the largest accepted cell goes through and reads back
        byte[] max = new byte[a.coordinator().maxCellSize()];
        CommitResult r = a.coordinator()
                .commit(new CommitRequest(List.of(), List.of(new CommitRequest.Write("big", 0, max)), List.of()));
        assertThat(r).isInstanceOf(CommitResult.Committed.class);
        assertThat(a.coordinator().fetch(List.of("big", "big2")).get(0).data()).hasSize(max.length);
    }

    @Test
    void afterCloseEveryMethodThrowsAndACallerOwnedClientStaysOpen() throws Exception {
        Client a = fx.client();
        a.coordinator().open("c", bytes("x"));
        a.coordinator().close();
        a.coordinator().close(); // idempotent
        assertThatThrownBy(() -> a.coordinator().current("c")).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> a.coordinator().open("c", null)).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> a.coordinator().fetch(List.of("c"))).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> a.coordinator().readPoint()).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> a.coordinator().commit(writes(new Versioned("c", bytes("x"), 0, 0))))
                .isInstanceOf(StmClosedException.class)
                .hasMessageContaining("closed");
        assertThat(a.curator().getState()).isEqualTo(CuratorFrameworkState.STARTED);

        ZkCoordinator owning =
                new ZkCoordinator(zk.client(new dev.synod.zookeeper.testing.RequestCounter()), true, fx.namespace);
        owning.close();
        assertThat(owning.curator().getState()).isEqualTo(CuratorFrameworkState.STOPPED);
    }
}
