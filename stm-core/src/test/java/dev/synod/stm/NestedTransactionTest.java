package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A nested call joins the outer transaction: one commit, all or nothing. */
class NestedTransactionTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void anInnerTransactionJoinsTheOuterOne() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 0L);
            Ref<Long> b = stm.ref("b", LONG, 0L);
            long seenInside = stm.atomically(outer -> {
                a.set(1L);
                long inner = stm.atomically(in -> {
                    assertThat(in).isSameAs(outer);
                    b.set(a.get() + 1);
                    return b.get();
                });
                assertThat(stm.inTransaction()).isTrue();
                return inner;
            });
            assertThat(seenInside).isEqualTo(2L);
            assertThat(a.get()).isEqualTo(1L);
            assertThat(b.get()).isEqualTo(2L);
            assertThat(stm.metrics().writeCommits()).isEqualTo(1);
            assertThat(stm.inTransaction()).isFalse();
        }
    }

    @Test
    void anExceptionInTheInnerBodyAbortsTheWholeTransaction() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 0L);
            assertThatThrownBy(() -> stm.run(outer -> {
                        a.set(5L);
                        stm.run(inner -> {
                            throw new UnsupportedOperationException("inner");
                        });
                    }))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("inner");
            assertThat(a.get()).isZero();
        }
    }

    @Test
    void transactionsOfTwoStmsCannotNest() {
        try (Stm one = Stm.inMemory();
                Stm two = Stm.inMemory()) {
            assertThatThrownBy(() -> one.run(txn -> two.run(inner -> {})))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot span two Stm instances");
        }
    }

    @Test
    void anInnerCallKeepsTheOuterOptionsAndAnExceptionTheOuterBodyCatchesUndoesNothing() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 0L);
            TxnOptions snapshot = TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT);
            stm.run(outer -> {
                stm.run(snapshot, inner -> {
                    assertThat(inner.options()).as("the outer transaction's").isEqualTo(TxnOptions.defaults());
                    a.set(1L);
                });
                try {
                    stm.run(inner -> {
                        a.set(2L);
                        throw new IllegalStateException("inner failure");
                    });
                } catch (IllegalStateException caught) {
                    // caught by the outer body: no savepoint, the inner write stays
                }
            });
            assertThat(a.get()).isEqualTo(2L);
        }
    }
}
