package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Isolation;
import dev.synod.stm.Ref;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ref that a client only writes in transactions, each commit on top of its own previous one,
 * stops being watched by that client after 16 such commits: ZooKeeper would otherwise announce
 * every commit to its own writer. Its transactions then start from the state their last commit
 * left, which the commit checks; a transaction that could have seen a state that never was (the
 * ref was written elsewhere meanwhile) is retried rather than committed, returned or failed. A
 * read outside a transaction, a watch, or a conflict watches the ref again.
 */
class WrittenOnlyRefsTest {
    /** As {@code DistRef.UPDATES_ONLY_AFTER}. */
    private static final int AFTER = 16;

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void refsOnlyWrittenHereAreNotWatchedAfterSixteenCommitsAndEachCommitIsStillOneRequest() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        List<Ref<Long>> refs = List.of(
                a.stm().ref("w1", LONG, 0L),
                a.stm().ref("w2", LONG, 0L),
                a.stm().ref("w3", LONG, 0L));
        List<String> paths = List.of(path(fx, "w1"), path(fx, "w2"), path(fx, "w3"));
        incrementAll(a, refs, AFTER - 1);
        assertThat(StmFixture.handle(a).persistentWatchPaths())
                .as("15 commits: still watched")
                .containsExactlyInAnyOrderElementsOf(paths);
        assertThat(a.stm().metrics().refsUnwatched()).isZero();
        incrementAll(a, refs, 1);
        StmFixture.await(() -> StmFixture.handle(a).persistentWatchPaths().isEmpty());
        assertThat(a.stm().metrics().refsUnwatched()).isEqualTo(3);
        // the watches' removal (one request per ref, and one read of its claims, sent at once) is
        // confirmed before the reply of a later commit
        incrementAll(a, refs, 1);

        a.requests().reset();
        incrementAll(a, refs, 10);
        assertThat(a.requests().snapshot())
                .as("one multi per transaction, nothing else")
                .isEqualTo(Map.of("multi", 10L));
        assertThat(a.requests().notifications())
                .as("its own commits are not announced to it")
                .isZero();
        assertThat(a.stm().metrics().retries()).isZero();
        assertThat(a.stm().metrics().staleCacheRetries()).isZero();

        a.requests().reset();
        assertThat(refs.get(0).get()).isEqualTo(AFTER + 11L);
        assertThat(a.requests().snapshot())
                .as("a read outside a transaction watches it again: the watch in front of one read")
                .isEqualTo(Map.of("addWatch", 1L, "getData", 1L));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(paths.get(0));
    }

    @Test
    void aCommitElsewhereCostsTheQuietWriterOneRetryAndItWatchesTheRefAgain() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("shared", LONG, 0L);
        Ref<Long> rb = b.stm().ref("shared", LONG);
        quiet(fx, a, List.of(ra));
        b.stm().run(txn -> rb.alter(x -> x + 100));

        AtomicInteger attempts = new AtomicInteger();
        a.stm().run(txn -> {
            attempts.incrementAndGet();
            ra.alter(x -> x + 1);
        });
        assertThat(attempts)
                .as("the first attempt started from the state A had written")
                .hasValue(2);
        assertThat(a.stm().metrics().conflicts()).isEqualTo(1);
        assertThat(a.stm().metrics().staleCacheRetries()).isZero();
        assertThat(StmFixture.handle(a).persistentWatchPaths())
                .as("written by others too: watched again")
                .contains(path(fx, "shared"));
        long expected = AFTER + 100 + 1;
        StmFixture.await(() -> rb.get() == expected);

        a.requests().reset();
        b.stm().run(txn -> rb.alter(x -> x + 1));
        StmFixture.await(() -> a.requests().notifications() == 1); // announced to A again
        StmFixture.await(() -> ra.get() == expected + 1);
    }

    @Test
    void aReadOnlyTransactionOverAQuietRefSeesTheLatestCommitAndSendsNoWrite() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("read-only", LONG, 0L);
        Ref<Long> rb = b.stm().ref("read-only", LONG);
        quiet(fx, a, List.of(ra));
        b.stm().run(txn -> rb.set(1000L));

        a.requests().reset();
        AtomicInteger attempts = new AtomicInteger();
        long seen = a.stm().atomically(txn -> {
            attempts.incrementAndGet();
            return ra.get();
        });
        assertThat(seen).as("not the state A last wrote").isEqualTo(1000L);
        assertThat(attempts)
                .as("the attempt that read A's own last state is not returned")
                .hasValue(2);
        assertThat(a.requests().writes()).isZero();
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "read-only"));
    }

    @Test
    void aBodyThatThrowsOnAStateThatNeverWasIsRetriedNotFailed() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        // invariant kept by every transaction: y <= x
        Ref<Long> xa = a.stm().ref("x", LONG, 0L);
        Ref<Long> ya = a.stm().ref("y", LONG, 0L);
        staleBesideCurrent(fx, a, xa, ya);

        AtomicInteger attempts = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        String result = a.stm().atomically(txn -> {
            attempts.incrementAndGet();
            long x = xa.get();
            long y = ya.get();
            seen.add(x + ":" + y);
            if (y > x) {
                throw new IllegalStateException("y > x: a state no transaction made");
            }
            return x + ":" + y;
        });
        assertThat(seen)
                .as("the first attempt saw A's own last x beside the latest y")
                .containsExactly("16:100", "100:100");
        assertThat(result).isEqualTo("100:100");
        assertThat(attempts).hasValue(2);
        assertThat(a.stm().metrics().aborts()).isZero();
    }

    @Test
    void aBodyThatThrowsOnAConsistentStateFailsAsUsual() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Ref<Long> ra = a.stm().ref("fails", LONG, 0L);
        quiet(fx, a, List.of(ra));
        AtomicInteger attempts = new AtomicInteger();
        a.requests().reset();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.stm().run(txn -> {
                    attempts.incrementAndGet();
                    ra.alter(x -> x + 1);
                    throw new IllegalArgumentException("refused");
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refused");
        assertThat(attempts).hasValue(1);
        assertThat(a.requests().writes()).as("nothing applied").isZero();
        assertThat(ra.get()).isEqualTo((long) AFTER);
    }

    @Test
    void aValidatorThatRejectsAStateThatNeverWasIsRetriedNotFailed() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Ref<Long> xa = a.stm().ref("vx", LONG, 0L);
        Ref<Long> ya = a.stm().ref("vy", LONG, 0L);
        staleBesideCurrent(fx, a, xa, ya);
        Ref<Long> sum = a.stm().ref("vsum", LONG, 0L);
        // the sum of x and y: 200 in every state any transaction made, 116 only in A's stale view
        sum.setValidator(v -> v == 0 || v >= 200);
        AtomicInteger attempts = new AtomicInteger();
        a.stm().run(txn -> {
            attempts.incrementAndGet();
            sum.set(xa.get() + ya.get());
        });
        assertThat(attempts).hasValue(2);
        assertThat(sum.get()).isEqualTo(200L);
        assertThat(a.stm().metrics().aborts()).isZero();
    }

    @Test
    void aTransactionWritingOnlyLocalRefsChecksAQuietRefItRead() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("to-local", LONG, 0L);
        Ref<Long> rb = b.stm().ref("to-local", LONG);
        dev.synod.stm.LocalRef<Long> copy = a.stm().localRef(0L);
        quiet(fx, a, List.of(ra));
        b.stm().run(txn -> rb.set(77L));
        a.requests().reset();
        AtomicInteger attempts = new AtomicInteger();
        a.stm().run(txn -> {
            attempts.incrementAndGet();
            copy.set(ra.get());
        });
        assertThat(copy.get()).isEqualTo(77L);
        assertThat(attempts).hasValue(2);
        assertThat(a.requests().writes())
                .as("a local-only commit sends no write")
                .isZero();
    }

    @Test
    void aCommuteNeverStartsFromTheLastKnownState() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("commuted", LONG, 0L);
        Ref<Long> rb = b.stm().ref("commuted", LONG);
        Ref<Long> other = a.stm().ref("commuted-other", LONG, 0L);
        Ref<Long> otherAtB = b.stm().ref("commuted-other", LONG);
        quiet(fx, a, List.of(ra));
        b.stm().run(txn -> rb.set(1000L));
        b.stm().run(txn -> otherAtB.set(1L));
        // A's snapshots now come after B's write of the quiet ref (its last known state does not)
        StmFixture.await(() -> a.stm().atomically(txn -> other.get()) == 1L);
        AtomicInteger attempts = new AtomicInteger();
        long returned = a.stm().atomically(txn -> {
            attempts.incrementAndGet();
            return ra.commute(x -> x + 1);
        });
        assertThat(returned)
                .as("the value commute returns: from the latest state")
                .isEqualTo(1001L);
        assertThat(attempts).hasValue(1);
        assertThat(ra.get()).isEqualTo(1001L);
    }

    @Test
    void withoutRetriesATransactionReadsTheQuietRefCurrentAgain() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("no-retries", LONG, 0L);
        Ref<Long> rb = b.stm().ref("no-retries", LONG);
        quiet(fx, a, List.of(ra));
        b.stm().run(txn -> rb.set(50L));
        // it reads the ref current again, B's write newer than the snapshot it began with: its
        // first read, the snapshot moves forward to it instead of failing on a conflict
        TxnOptions noRetries = TxnOptions.defaults().withMaxRetries(0);
        a.stm().run(noRetries, txn -> ra.alter(x -> x + 1));
        assertThat(ra.get()).isEqualTo(51L);
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "no-retries"));
        for (int i = 0; i < 2 * AFTER; i++) {
            a.stm().run(noRetries, txn -> ra.alter(x -> x + 1));
        }
        assertThat(StmFixture.handle(a).persistentWatchPaths())
                .as("such transactions only would watch it again: it stays watched")
                .contains(path(fx, "no-retries"));
        assertThat(a.stm().metrics().refsUnwatched()).isEqualTo(1);
    }

    @Test
    void severalStaleQuietRefsInOneTransactionAreAllWrittenOnce() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        List<Ref<Long>> mine = List.of(
                a.stm().ref("s1", LONG, 0L),
                a.stm().ref("s2", LONG, 0L),
                a.stm().ref("s3", LONG, 0L));
        List<Ref<Long>> theirs = List.of(
                b.stm().ref("s1", LONG), b.stm().ref("s2", LONG), b.stm().ref("s3", LONG));
        quiet(fx, a, mine);
        b.stm().run(txn -> theirs.forEach(r -> r.alter(x -> x + 100)));
        AtomicInteger attempts = new AtomicInteger();
        a.stm().run(txn -> {
            attempts.incrementAndGet();
            mine.forEach(r -> r.alter(x -> x + 1));
        });
        assertThat(attempts)
                .as("the first conflict makes every stale ref current: one retry")
                .hasValue(2);
        for (Ref<Long> r : mine) {
            assertThat(r.get()).isEqualTo(AFTER + 101L);
        }
        assertThat(a.stm().metrics().staleCacheRetries()).isZero();
    }

    @Test
    void aWriteComputedFromAStaleQuietRefIsNeverCommitted() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> source = a.stm().ref("source", LONG, 0L);
        Ref<Long> target = a.stm().ref("target", LONG, 0L);
        Ref<Long> sourceAtB = b.stm().ref("source", LONG);
        quiet(fx, a, List.of(source));
        b.stm().run(txn -> sourceAtB.set(500L));
        a.stm().run(txn -> target.set(source.get() * 2)); // reads source only: checked at commit
        assertThat(target.get()).isEqualTo(1000L);
        assertThat(source.get()).isEqualTo(500L);
    }

    @Test
    void aReadOutsideATransactionOrAWatchKeepsTheRefWatched() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> read = a.stm().ref("read", LONG, 0L);
        for (int i = 0; i < 3; i++) {
            incrementAll(a, List.of(read), AFTER - 1);
            read.get();
        }
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "read"));
        incrementAll(a, List.of(read), AFTER);
        StmFixture.await(() -> !StmFixture.handle(a).persistentWatchPaths().contains(path(fx, "read")));
        assertThat(a.stm().metrics().refsUnwatched()).isEqualTo(1);

        Ref<Long> watched = a.stm().ref("watched", LONG, 0L);
        Ref<Long> watchedAtB = b.stm().ref("watched", LONG);
        List<List<Long>> heard = new CopyOnWriteArrayList<>();
        watched.addWatch("w", (k, r, o, n) -> heard.add(List.of(o, n)));
        incrementAll(a, List.of(watched), 2 * AFTER);
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "watched"));
        b.stm().run(txn -> watchedAtB.set(-1L));
        StmFixture.await(() -> heard.contains(List.of(2L * AFTER, -1L)));
    }

    @Test
    void aWatchAddedToAQuietRefHearsOtherClientsAgain() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("late-watch", LONG, 0L);
        Ref<Long> rb = b.stm().ref("late-watch", LONG);
        quiet(fx, a, List.of(ra));
        List<List<Long>> heard = new CopyOnWriteArrayList<>();
        ra.addWatch("w", (k, r, o, n) -> heard.add(List.of(o, n)));
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "late-watch"));
        b.stm().run(txn -> rb.set(7L));
        StmFixture.await(() -> !heard.isEmpty());
        assertThat(heard).containsExactly(List.of((long) AFTER, 7L));
        incrementAll(a, List.of(ra), 2 * AFTER);
        assertThat(StmFixture.handle(a).persistentWatchPaths())
                .as("a ref with a watch stays watched")
                .contains(path(fx, "late-watch"));
    }

    @Test
    void snapshotIsolationWritersKeepTheirWatch() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Ref<Long> ra = a.stm().ref("si", LONG, 0L);
        TxnOptions si = TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT);
        for (int i = 0; i < 2 * AFTER; i++) {
            a.stm().run(si, txn -> ra.alter(x -> x + 1));
        }
        assertThat(StmFixture.handle(a).persistentWatchPaths()).contains(path(fx, "si"));
        assertThat(a.stm().metrics().refsUnwatched()).isZero();
    }

    @Test
    void aQuietRefIsWrittenOnceAfterTheSessionExpiredAndAnotherClientWroteIt() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("expiring", LONG, 0L);
        Ref<Long> rb = b.stm().ref("expiring", LONG);
        quiet(fx, a, List.of(ra));
        long session = StmFixture.handle(a).getSessionId();
        zk.expireSession(a.curator());
        StmFixture.await(() -> StmFixture.handle(a).getSessionId() != session
                && StmFixture.handle(a).getState().isConnected());
        b.stm().run(txn -> rb.alter(x -> x + 100));
        a.stm().run(txn -> ra.alter(x -> x + 1));
        StmFixture.await(() -> rb.get() == AFTER + 101L);
        assertThat(ra.get()).isEqualTo(AFTER + 101L);
    }

    @Test
    void checkingAQuietRefWhileZooKeeperIsUnreachableEndsAtTheTransactionsTimeout() throws Exception {
        StmFixture fx = new StmFixture(zk);
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        Client a = fx.client(proxy.connectString());
        Ref<Long> ra = a.stm().ref("unreachable", LONG, 0L);
        quiet(fx, a, List.of(ra));
        proxy.refuseConnections(true);
        proxy.dropConnections();
        StmFixture.await(() -> !a.curator().getZookeeperClient().isConnected());

        // the body reads the last known state; the check before returning needs ZooKeeper, and
        // waits for it only as long as the transaction may last (the retry policy would wait longer)
        TxnOptions shortLived = a.stm().defaultOptions().withTimeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> a.stm().atomically(shortLived, txn -> ra.get()))
                .isInstanceOf(TransactionTimeoutException.class)
                .hasMessageContaining("'unreachable'");

        proxy.refuseConnections(false);
        StmFixture.await(() -> a.curator().getZookeeperClient().isConnected());
        long seen = a.stm().atomically(txn -> ra.get());
        assertThat(seen).isEqualTo(AFTER);
    }

    /**
     * Leaves client {@code a} with a view that no transaction made: {@code x} quiet at 16, the value
     * {@code a} last wrote, while another client set it to 100 and then {@code y} (watched by
     * {@code a}) to the value of {@code x}, 100, in a commit that did not write {@code x}.
     */
    private static void staleBesideCurrent(StmFixture fx, Client a, Ref<Long> x, Ref<Long> y)
            throws InterruptedException {
        Client b = fx.client();
        Ref<Long> xb = b.stm().ref(x.name(), LONG);
        Ref<Long> yb = b.stm().ref(y.name(), LONG);
        quiet(fx, a, List.of(x));
        b.stm().run(txn -> xb.set(100L));
        b.stm().run(txn -> yb.set(xb.get()));
        // in a's snapshots from now on (a read outside a transaction could run ahead of them)
        StmFixture.await(() -> a.stm().atomically(txn -> y.get()) == 100L);
    }

    /** Makes client {@code a} stop watching {@code refs}: 16 commits writing them, nothing else. */
    private static void quiet(StmFixture fx, Client a, List<Ref<Long>> refs) throws InterruptedException {
        incrementAll(a, refs, AFTER);
        StmFixture.await(() -> {
            List<String> watched = StmFixture.handle(a).persistentWatchPaths();
            return refs.stream().noneMatch(r -> watched.contains(path(fx, r.name())));
        });
    }

    /** {@code times} transactions of client {@code a}, each adding one to every ref of {@code refs}. */
    private static void incrementAll(Client a, List<Ref<Long>> refs, int times) {
        for (int i = 0; i < times; i++) {
            a.stm().run(txn -> refs.forEach(r -> r.alter(x -> x + 1)));
        }
    }

    private static String path(StmFixture fx, String name) {
        return fx.namespace + "/cells/" + name;
    }
}
