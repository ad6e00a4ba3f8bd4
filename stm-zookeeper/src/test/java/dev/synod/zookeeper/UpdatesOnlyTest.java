package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.RetryLimitExceededException;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.CountingZooKeeper;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client whose updates of an atom keep losing races, and that neither reads the atom between
 * them nor watches it, stops watching it: each commit of the others would otherwise be announced
 * to it, only for its next lost race to tell it again. Its next {@code get()} watches the atom again
 * (one round trip) and reads the latest value. Races are lost on purpose here: the swap function
 * of client A lets client B commit first.
 */
class UpdatesOnlyTest {
    /** As {@code AtomImpl.UPDATES_ONLY_AFTER}. */
    private static final int AFTER = 16;

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void anAtomOnlyUpdatedHereIsWatchedUntilTheSixteenthLostRaceAndAgainFromTheNextGet() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("hot", LONG, 0L);
        Atom<Long> atB = b.stm().atom("hot", LONG);
        String path = fx.namespace + "/cells/hot";

        long value = loseRaces(atA, atB, AFTER - 1);
        assertThat(StmFixture.handle(a).persistentWatchPaths())
                .as("15 lost races: still watched")
                .containsExactly(path);
        a.requests().reset();
        value += loseRaces(atA, atB, 1);
        StmFixture.await(() -> StmFixture.handle(a).persistentWatchPaths().isEmpty());
        // the lost and the won compare-and-set, then the watch removed and the claims read (with a
        // one-time watch on them), sent at once: two requests (and the read-back of the lost race,
        // or the cache's read on B's notification, not counted here: which one is a matter of timing)
        assertThat(a.requests().get("setData")).isEqualTo(2);
        assertThat(a.requests().get("removeWatches")).isEqualTo(1);
        assertThat(a.requests().get("getChildren")).isEqualTo(1);
        assertThat(a.stm().metrics().atomsUnwatched()).isEqualTo(1);

        // four losses in a row: from the third on, the update pauses and then reads the atom; it
        // stays unwatched (only a get() or a watch brings the watch back)
        value += loseRaces(atA, atB, 4, 4);
        assertThat(StmFixture.handle(a).persistentWatchPaths()).isEmpty();
        assertThat(a.stm().metrics().atomsUnwatched())
                .as("already quiet: nothing more sent")
                .isEqualTo(1);

        a.requests().reset();
        for (int i = 0; i < 5; i++) {
            atB.swap(x -> x + 1);
        }
        long expected = value + 5;
        // the read's reply follows every notification sent to A before it: none was
        assertThat(atA.get()).isEqualTo(expected);
        assertThat(a.requests().notifications())
                .as("B's commits are not announced to A")
                .isZero();
        assertThat(a.requests().snapshot())
                .as("the get: the watch added in front of one read")
                .isEqualTo(Map.of("addWatch", 1L, "getData", 1L));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).containsExactly(path);

        a.requests().reset();
        atB.swap(x -> x + 1);
        StmFixture.await(() -> atA.get() == expected + 1);
        assertThat(a.requests().notifications()).as("watched again").isEqualTo(1);
        assertThat(a.requests().snapshot())
                .as("and the cache's read on that notification, as for any watched atom")
                .isEqualTo(Map.of("getData", 1L));
    }

    @Test
    void aGetBetweenUpdatesKeepsTheAtomWatched() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("read-too", LONG, 0L);
        Atom<Long> atB = b.stm().atom("read-too", LONG);
        for (int i = 0; i < 4; i++) {
            loseRaces(atA, atB, AFTER - 1);
            atA.get();
        }
        assertThat(StmFixture.handle(a).persistentWatchPaths()).containsExactly(fx.namespace + "/cells/read-too");
    }

    @Test
    void anAtomWithAWatchStaysWatchedAndAWatchAddedLaterWatchesItAgain() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> watched = a.stm().atom("watched", LONG, 0L);
        Atom<Long> watchedAtB = b.stm().atom("watched", LONG);
        List<List<Long>> heard = new CopyOnWriteArrayList<>();
        watched.addWatch("w", recordingInto(heard));
        long last = loseRaces(watched, watchedAtB, 2 * AFTER) + 1;
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(fx.namespace + "/cells/watched");
        watchedAtB.swap(x -> x + 1);
        StmFixture.await(() -> heard.contains(List.of(last - 1, last)));

        Atom<Long> quiet = a.stm().atom("quiet", LONG, 0L);
        Atom<Long> quietAtB = b.stm().atom("quiet", LONG);
        long before = loseRaces(quiet, quietAtB, AFTER);
        StmFixture.await(() -> !StmFixture.handle(a).persistentWatchPaths().contains(fx.namespace + "/cells/quiet"));
        heard.clear();
        quiet.addWatch("w", recordingInto(heard));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(fx.namespace + "/cells/quiet");
        quietAtB.swap(x -> x + 1);
        StmFixture.await(() -> heard.contains(List.of(before, before + 1)));
        assertThat(heard).hasSize(1);
    }

    @Test
    void aQuietAtomIsReadAfreshAfterTheSessionExpired() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("expiring", LONG, 0L);
        Atom<Long> atB = b.stm().atom("expiring", LONG);
        long value = quiet(a, atA, atB);
        long session = StmFixture.handle(a).getSessionId();
        zk.expireSession(a.curator());
        StmFixture.await(() -> StmFixture.handle(a).getSessionId() != session
                && StmFixture.handle(a).getState().isConnected());
        String path = fx.namespace + "/cells/expiring";
        // the new session watches the claims (one-time watch armed again), not the value
        StmFixture.await(() -> StmFixture.handle(a).childWatchPaths().contains(path));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).isEmpty();
        atB.swap(x -> x + 1);
        assertThat(atA.get()).isEqualTo(value + 1);
        assertThat(StmFixture.handle(a).persistentWatchPaths()).containsExactly(fx.namespace + "/cells/expiring");
        // and updates go on from there, each applied once
        atA.swap(x -> x + 1);
        atB.swap(x -> x + 1);
        StmFixture.await(() -> atA.get() == value + 3); // a cached read: it may trail B's last swap a moment
    }

    @Test
    void aClaimsReadThatFailsIsSentAgainOnceReconnected() throws Exception {
        StmFixture fx = new StmFixture(zk);
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        Client a = fx.client(proxy.connectString());
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("rearmed", LONG, 0L);
        Atom<Long> atB = b.stm().atom("rearmed", LONG);
        String path = fx.namespace + "/cells/rearmed";
        loseRaces(atA, atB, AFTER - 2);
        // the read that would arm the watch on the claims goes out on a connection cut just before
        a.requests().beforeNext("getChildren", proxy::dropConnections);
        loseRaces(atA, atB, 2);
        assertThat(a.stm().metrics().atomsUnwatched()).isEqualTo(1);
        assertThat(proxy.drops()).isPositive();
        // same session, reconnected: the claims are read again, and the watch on them armed
        StmFixture.await(() -> StmFixture.handle(a).childWatchPaths().contains(path));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).isEmpty();
    }

    @Test
    void aWatchAddedAgainToAQuietAtomHearsOnlyLaterChanges() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("again", LONG, 0L);
        Atom<Long> atB = b.stm().atom("again", LONG);
        List<List<Long>> heard = new CopyOnWriteArrayList<>();
        atA.addWatch("w", recordingInto(heard));
        atA.removeWatch("w");
        long value = quiet(a, atA, atB);
        atB.swap(x -> x + 1); // not announced to A: its cache trails
        atA.addWatch("w", recordingInto(heard));
        atB.swap(x -> x + 1);
        StmFixture.await(() -> !heard.isEmpty());
        assertThat(heard.get(0))
                .as("the change made after the watch was added, not the catching up before it")
                .isEqualTo(List.of(value + 1, value + 2));
    }

    @Test
    void withoutRetriesAnAtomStaysWatched() throws Exception {
        StmFixture fx = new StmFixture(zk);
        CuratorFramework curator = zk.client(new RequestCounter());
        ZooKeeperStm noRetries = zk.track(ZooKeeperStm.builder()
                .client(curator)
                .namespace(fx.namespace)
                .defaultOptions(TxnOptions.defaults().withMaxRetries(0))
                .build());
        Client b = fx.client();
        Atom<Long> atA = noRetries.atom("no-retries", LONG, 0L);
        Atom<Long> atB = b.stm().atom("no-retries", LONG);
        for (int i = 0; i < 2 * AFTER; i++) {
            // a first attempt from a state not watched could never win: such updates would all fail
            assertThatThrownBy(() -> atA.swap(x -> {
                        atB.swap(y -> y + 1);
                        return x + 1;
                    }))
                    .isInstanceOf(RetryLimitExceededException.class);
        }
        assertThat(noRetries.metrics().atomsUnwatched()).isZero();
        assertThat(((CountingZooKeeper) curator.getZookeeperClient().getZooKeeper()).persistentWatchPaths())
                .containsExactly(fx.namespace + "/cells/no-retries");
    }

    @Test
    void aQuietAtomDestroyedElsewhereIsReportedAsSuch() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("doomed", LONG, 0L);
        Atom<Long> atB = b.stm().atom("doomed", LONG);
        quiet(a, atA, atB);
        atB.destroy();
        assertThatThrownBy(() -> atA.swap(x -> x + 1)).isInstanceOf(NoSuchRefException.class);
        assertThatThrownBy(atA::get).isInstanceOf(NoSuchRefException.class);
        assertThatThrownBy(() -> atA.addWatch("w", (k, id, o, n) -> {}))
                .as("the watch is not added")
                .isInstanceOf(NoSuchRefException.class);
    }

    @Test
    void closingTheStmRemovesTheWatchOnTheClaimsOfAQuietAtom() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atA = a.stm().atom("claims-watch", LONG, 0L);
        Atom<Long> atB = b.stm().atom("claims-watch", LONG);
        String path = fx.namespace + "/cells/claims-watch";
        assertThat(StmFixture.handle(a).childWatchPaths()).doesNotContain(path);
        loseRaces(atA, atB, AFTER);
        StmFixture.await(() -> StmFixture.handle(a).childWatchPaths().contains(path));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).isEmpty();
        a.stm().close(); // the Curator client is the caller's and stays open
        StmFixture.await(() -> !StmFixture.handle(a).childWatchPaths().contains(path));
    }

    /** Makes client {@code a} stop watching {@code atA}: 16 lost races; returns the increments made. */
    private static long quiet(Client a, Atom<Long> atA, Atom<Long> atB) throws InterruptedException {
        long increments = loseRaces(atA, atB, AFTER);
        StmFixture.await(() -> StmFixture.handle(a).persistentWatchPaths().isEmpty());
        return increments;
    }

    /** A watch that records each change it hears of as the pair (old value, new value). */
    private static dev.synod.stm.Watch<Long> recordingInto(List<List<Long>> heard) {
        return (key, ref, oldValue, newValue) -> heard.add(List.of(oldValue, newValue));
    }

    /**
     * Makes {@code loser} lose {@code races} compare-and-set races: in each of its swaps, its
     * function lets {@code winner} swap first, twice (two lost races, then a win; a third loss
     * in a row would pause).
     *
     * @return the increments made: one per lost race and one per swap of {@code loser}
     */
    private static long loseRaces(Atom<Long> loser, Atom<Long> winner, int races) {
        return loseRaces(loser, winner, races, 2);
    }

    /** As above, losing up to {@code perSwap} races in a row in each swap. */
    private static long loseRaces(Atom<Long> loser, Atom<Long> winner, int races, int perSwap) {
        int left = races;
        long increments = 0;
        while (left > 0) {
            int now = Math.min(perSwap, left);
            AtomicInteger calls = new AtomicInteger();
            loser.swap(x -> {
                if (calls.getAndIncrement() < now) {
                    winner.swap(y -> y + 1);
                }
                return x + 1;
            });
            left -= now;
            increments += now + 1;
        }
        return increments;
    }
}
