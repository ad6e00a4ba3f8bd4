package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The "two doctors on call" test: each doctor may go off call only if the other stays on call.
 * Both decide at once (a barrier makes the first attempts overlap).
 */
class WriteSkewTest {
    private static final Codec<Boolean> BOOL = Codec.json(Boolean.class);

    private record Outcome(boolean alice, boolean bob) {}

    private Outcome run(TxnOptions options, boolean ensure) throws Exception {
        return run(options, ensure, false);
    }

    /** As above; if {@code aliceLocal}, Alice is a local ref (her transaction writes no distributed ref). */
    private Outcome run(TxnOptions options, boolean ensure, boolean aliceLocal) throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Boolean> alice = aliceLocal ? stm.localRef(true) : stm.ref("alice", BOOL, true);
            Ref<Boolean> bob = stm.ref("bob", BOOL, true);
            CyclicBarrier bothRead = new CyclicBarrier(2);
            Thread t1 = new Thread(() -> goOffCall(stm, options, alice, bob, bothRead, ensure));
            Thread t2 = new Thread(() -> goOffCall(stm, options, bob, alice, bothRead, ensure));
            t1.start();
            t2.start();
            t1.join();
            t2.join();
            return new Outcome(alice.get(), bob.get());
        }
    }

    private static void goOffCall(
            Stm stm, TxnOptions options, Ref<Boolean> me, Ref<Boolean> other, CyclicBarrier barrier, boolean ensure) {
        stm.run(options, txn -> {
            boolean otherOnCall = ensure ? other.ensure() : other.get();
            boolean meOnCall = me.get();
            if (txn.attempt() == 0) {
                barrier.await(10, TimeUnit.SECONDS);
            }
            if (otherOnCall && meOnCall) {
                me.set(false);
            }
        });
    }

    @Test
    void serializableByDefaultPreventsWriteSkew() throws Exception {
        Outcome o = run(TxnOptions.defaults(), false);
        assertThat(o.alice() || o.bob()).as("someone stays on call").isTrue();
        assertThat(o.alice() && o.bob()).as("exactly one went off call").isFalse();
    }

    @Test
    void snapshotIsolationWithoutEnsureAllowsWriteSkew() throws Exception {
        Outcome o = run(TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT), false);
        assertThat(o)
                .as("both went off call: the anomaly snapshot isolation permits")
                .isEqualTo(new Outcome(false, false));
    }

    @Test
    void snapshotIsolationWithEnsurePreventsWriteSkew() throws Exception {
        Outcome o = run(TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT), true);
        assertThat(o.alice() || o.bob()).isTrue();
        assertThat(o.alice() && o.bob()).isFalse();
    }

    @Test
    void writeSkewBetweenALocalAndADistributedRefIsPreventedToo() throws Exception {
        for (int round = 0; round < 20; round++) {
            Outcome serializable = run(TxnOptions.defaults(), false, true);
            assertThat(serializable.alice() || serializable.bob())
                    .as("serializable, round " + round + ": someone stays on call")
                    .isTrue();
            Outcome ensured = run(TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT), true, true);
            assertThat(ensured.alice() || ensured.bob())
                    .as("snapshot with ensure, round " + round + ": someone stays on call")
                    .isTrue();
        }
    }
}
