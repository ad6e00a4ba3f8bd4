package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.spi.CommitGuard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A guard belongs to the body of one attempt, on its thread, while it runs. */
class TxnGuardTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void aGuardAddedByTheBodyDecidesTheCommit() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            stm.ref("held", LONG, 0L);
            stm.run(txn -> {
                txn.guard(new CommitGuard("held", CommitGuard.ANY_VERSION, "lock 'held'"));
                r.set(1L);
            });
            assertThatThrownBy(() -> stm.run(txn -> {
                        txn.guard(new CommitGuard("missing", CommitGuard.ANY_VERSION, "lock 'missing'"));
                        r.set(2L);
                    }))
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("lock 'missing'");
            assertThat(r.get()).isEqualTo(1L);
        }
    }

    @Test
    void aGuardFromAnotherThreadIsRefused() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            CommitGuard missing = new CommitGuard("missing", CommitGuard.ANY_VERSION, "lock 'missing'");
            stm.run(txn -> {
                CompletableFuture<Void> other = CompletableFuture.runAsync(() -> txn.guard(missing));
                assertThatThrownBy(other::join)
                        .hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is not running here");
                r.set(1L);
            });
            assertThat(r.get()).as("committed without the guard it refused").isEqualTo(1L);
        }
    }

    @Test
    void aGuardAfterTheBodyReturnedOrFromAValidatorIsRefused() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            CommitGuard missing = new CommitGuard("missing", CommitGuard.ANY_VERSION, "lock 'missing'");
            AtomicReference<Txn> kept = new AtomicReference<>();
            stm.run(txn -> {
                kept.set(txn);
                r.set(1L);
            });
            assertThatThrownBy(() -> kept.get().guard(missing))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has returned");
            r.setValidator(v -> {
                if (v == 2L) {
                    kept.get().guard(missing); // runs at commit, after the body returned
                }
                return true;
            });
            assertThatThrownBy(() -> stm.run(txn -> {
                        kept.set(txn);
                        r.set(2L);
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has returned");
            assertThat(r.get()).isEqualTo(1L);
        }
    }
}
