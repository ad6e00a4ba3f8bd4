package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN 3: one ZooKeeper request per write transaction, whatever the number of refs; none to read. */
class CommitCostTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void aWriteTransactionSendsExactlyOneRequest(int refs) throws Exception {
        Client a = new StmFixture(zk).client();
        List<Ref<Long>> all = new ArrayList<>();
        for (int i = 0; i < refs; i++) {
            all.add(a.stm().ref("r" + i, LONG, 0L));
        }
        a.stm().run(txn -> all.forEach(r -> r.alter(x -> x + 1))); // warm up
        for (int round = 0; round < 5; round++) {
            a.requests().reset();
            a.stm().run(txn -> all.forEach(r -> r.alter(x -> x + 1)));
            Thread.sleep(50); // let the notification of our own commit be handled: it must cost nothing
            assertThat(a.requests().writes()).as("write requests").isEqualTo(1);
            assertThat(a.requests().snapshot()).isEqualTo(Map.of(refs == 1 ? "setData" : "multi", 1L));
        }
        for (Ref<Long> r : all) {
            assertThat(r.get()).isEqualTo(6L);
        }
    }

    @Test
    void aTransactionThatLosesARaceCostsItsCommitOneReadAndItsRetry() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> viaA = a.stm().ref("raced", LONG, 0L);
        Ref<Long> viaB = b.stm().ref("raced", LONG);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        b.stm().run(txn -> {
            long seen = viaB.get();
            if (runs.getAndIncrement() == 0) {
                // a commits after b read: b's commit will lose; b's cache worker reads a's
                // change (one getData) before b commits, then the count starts
                Thread other = new Thread(() -> a.stm().run(t -> viaA.alter(x -> x + 100)));
                other.start();
                try {
                    other.join();
                    StmFixture.await(() -> b.requests().get("getData") >= 1);
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                b.requests().reset();
            }
            viaB.set(seen + 1);
        });
        assertThat(runs).hasValue(2);
        assertThat(b.requests().snapshot())
                .as("the lost commit, the read of its cell that follows it, the commit that wins")
                .isEqualTo(Map.of("setData", 2L, "getData", 1L));
        assertThat(viaB.get()).isEqualTo(101L);
    }

    @Test
    void aSwapThatLosesARaceCostsItsWriteOneReadAndItsRetry() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        dev.synod.stm.Atom<Long> viaA = a.stm().atom("swapped", LONG, 0L);
        dev.synod.stm.Atom<Long> viaB = b.stm().atom("swapped", LONG);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        long result = viaB.swap(x -> {
            if (runs.getAndIncrement() == 0) {
                viaA.swap(y -> y + 100); // another client wins the race
                try {
                    StmFixture.await(() -> b.requests().get("getData") >= 1); // b's cache worker reads it
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                b.requests().reset();
            }
            return x + 1;
        });
        assertThat(result).isEqualTo(101L);
        assertThat(b.requests().snapshot())
                .as("the lost write, the read of the cell that follows it, the write that wins; no sync")
                .isEqualTo(Map.of("setData", 2L, "getData", 1L));
    }

    @Test
    void aCompareAndSetThatCannotApplyDecidesOnTheLatestCommittedValue() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        dev.synod.stm.Atom<Long> viaA = a.stm().atom("cas", LONG, 1L);
        dev.synod.stm.Atom<Long> viaB = b.stm().atom("cas", LONG);
        viaA.reset(2L);
        StmFixture.await(() -> viaB.get() == 2L);
        Thread.sleep(50);
        b.requests().reset();
        assertThat(viaB.compareAndSet(5L, 6L)).isFalse();
        assertThat(b.requests().snapshot())
                .as("a sync in front of the read: a server behind the leader cannot answer false wrongly")
                .isEqualTo(Map.of("sync", 1L, "getData", 1L));
        b.requests().reset();
        assertThat(viaB.compareAndSet(2L, 3L)).isTrue();
        assertThat(b.requests().snapshot())
                .as("the cached value matches: the compare-and-set alone")
                .isEqualTo(Map.of("setData", 1L));
    }

    @Test
    void aReadOnlyTransactionOverCachedRefsSendsNothing() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        List<Ref<Long>> refs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            refs.add(a.stm().ref("ro" + i, LONG, (long) i));
        }
        List<Ref<Long>> seenByB = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seenByB.add(b.stm().ref("ro" + i, LONG));
        }
        b.stm().run(txn -> seenByB.get(3).set(33L)); // a commit elsewhere, heard through the watch
        // heard through the watch: first in the cache, then (a moment later) in the read point
        // that transactions take their snapshot at
        StmFixture.await(() -> refs.get(3).get() == 33L);
        StmFixture.await(() -> a.stm().atomically(txn -> refs.get(3).get()) == 33L);
        a.requests().reset();
        for (int round = 0; round < 100; round++) {
            long sum =
                    a.stm().atomically(txn -> refs.stream().mapToLong(Ref::get).sum());
            assertThat(sum).isEqualTo(45 - 3 + 33);
            assertThat(refs.get(5).get()).isEqualTo(5L); // outside a transaction too
        }
        assertThat(a.requests().total()).isZero();
    }
}
