package dev.synod.stm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.spi.Versioned;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A read of a ref racing the commit that makes the engine tell the coordinator this client only
 * writes it: the read must not leave the ref unwatched while the engine believes it watched.
 */
class WrittenOnlyHintRaceTest {

    /** Keeps the set of cells it was told are only updated here; reading one watches it again. */
    static final class QuietTracking extends ForwardingCoordinator {
        final Set<String> unwatched = ConcurrentHashMap.newKeySet();
        final AtomicInteger watchedAgain = new AtomicInteger();
        volatile Runnable afterNextRead;

        @Override
        public boolean updatesOnly(String name) {
            return unwatched.add(name);
        }

        @Override
        public Versioned current(String name) {
            if (unwatched.remove(name)) {
                watchedAgain.incrementAndGet();
            }
            Versioned read = real.current(name);
            Runnable hook = afterNextRead;
            afterNextRead = null;
            if (hook != null) {
                hook.run();
            }
            return read;
        }

        @Override
        public Versioned lastKnown(String name) {
            return real.current(name); // does not watch again
        }
    }

    @Test
    void aReadRacingTheHintWatchesTheRefAgain() throws Exception {
        QuietTracking coordinator = new QuietTracking();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<Long> ref = stm.ref("r", Codec.json(Long.class), 0L);
            for (int i = 1; i < DistRef.UPDATES_ONLY_AFTER; i++) {
                stm.run(txn -> ref.alter(x -> x + 1));
            }
            assertThat(coordinator.unwatched).as("15 commits: still watched").isEmpty();

            // after the read of get(), before it marks the ref wanted: the 16th commit, whose
            // hint stops the watch
            coordinator.afterNextRead = () -> {
                Thread committer = new Thread(() -> stm.run(txn -> ref.alter(x -> x + 1)));
                committer.start();
                try {
                    committer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            long seen = ref.get();
            assertThat(coordinator.afterNextRead).as("the racing commit ran").isNull();
            assertThat(stm.metrics().refsUnwatched()).isEqualTo(1);
            assertThat(coordinator.unwatched)
                    .as("the read that the hint overtook watches the ref again")
                    .isEmpty();
            assertThat(coordinator.watchedAgain).hasValue(1);
            assertThat(seen).as("and returns the state read after that").isEqualTo(16L);
        }
    }
}
