package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two clients (two sessions): each sees the other's commits through deref and watches. */
class TwoClientsTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void bSeesACommitThroughDerefAndThroughAWatchWithOldAndNewValues() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("counter", LONG, 10L);
        Ref<Long> rb = b.stm().ref("counter", LONG);
        List<long[]> heard = new CopyOnWriteArrayList<>();
        rb.addWatch("k", (key, ref, oldValue, newValue) -> heard.add(new long[] {oldValue, newValue}));

        a.stm().run(txn -> ra.alter(x -> x + 1));
        StmFixture.await(() -> rb.get() == 11L);
        StmFixture.await(() -> heard.size() == 1);
        assertThat(heard.get(0)).containsExactly(10L, 11L);

        b.stm().run(txn -> rb.set(20L));
        StmFixture.await(() -> ra.get() == 20L);
        Thread.sleep(100);
        assertThat(heard).hasSize(2);
        assertThat(heard.get(1)).containsExactly(11L, 20L);
        Long inTxn = b.stm().atomically(txn -> rb.get());
        assertThat(inTxn).isEqualTo(20L);
    }

    @Test
    void watchesHearEveryCommitInOrderWithConsistentOldValues() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> aa = a.stm().atom("seq", LONG, 0L);
        Atom<Long> ab = b.stm().atom("seq", LONG);
        List<long[]> heard = new CopyOnWriteArrayList<>();
        ab.addWatch("k", (key, ref, oldValue, newValue) -> heard.add(new long[] {oldValue, newValue}));
        for (int i = 0; i < 200; i++) {
            aa.swap(x -> x + 1);
        }
        StmFixture.await(() -> !heard.isEmpty() && heard.get(heard.size() - 1)[1] == 200L);
        long previous = 0;
        for (long[] change : heard) {
            assertThat(change[0])
                    .as("old value continues from the last new value")
                    .isEqualTo(previous);
            assertThat(change[1]).isGreaterThan(change[0]);
            previous = change[1];
        }
    }

    @Test
    void aRefOrAtomDestroyedByOneClientIsGoneForTheOtherAndCanBeCreatedAgain() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("doomed", LONG, 1L);
        Ref<Long> rb = b.stm().ref("doomed", LONG);
        Atom<Long> aa = a.stm().atom("doomed-atom", LONG, 1L);
        Atom<Long> ab = b.stm().atom("doomed-atom", LONG);
        assertThat(rb.get()).isEqualTo(1L);
        assertThat(ab.get()).isEqualTo(1L);

        assertThatThrownBy(() -> a.stm().run(txn -> ra.destroy()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a transaction");
        ra.destroy();
        aa.destroy();
        assertThatThrownBy(ra::get).isInstanceOf(NoSuchRefException.class);
        // the other client hears of the deletion: its cached deref, its transactions and its atom
        // fail with NoSuchRefException naming the ref, not with a stale value
        StmFixture.await(() -> fails(rb::get));
        assertThatThrownBy(rb::get).isInstanceOf(NoSuchRefException.class).hasMessageContaining("doomed");
        assertThatThrownBy(() -> b.stm().run(txn -> rb.alter(x -> x + 1))).isInstanceOf(NoSuchRefException.class);
        StmFixture.await(() -> fails(ab::get));
        assertThatThrownBy(() -> ab.swap(x -> x + 1)).isInstanceOf(NoSuchRefException.class);
        assertThatThrownBy(() -> a.stm().ref("doomed", LONG)).isInstanceOf(NoSuchRefException.class);

        // created again (a new identity with a new value): both clients can open and use it
        Ref<Long> again = a.stm().ref("doomed", LONG, 5L);
        Ref<Long> againB = b.stm().ref("doomed", LONG);
        b.stm().run(txn -> againB.alter(x -> x + 1));
        StmFixture.await(() -> again.get() == 6L);
    }

    private static boolean fails(Runnable r) {
        try {
            r.run();
            return false;
        } catch (NoSuchRefException e) {
            return true;
        }
    }
}
