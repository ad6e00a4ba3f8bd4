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

        /** Run (once) while a caller waits for the read point. */
        volatile Runnable whileAwaiting;

        /** While set (at least 0), the read point, as if the cache had not caught up yet. */
        volatile long pinnedReadPoint = -1;

        @Override
        public long readPoint() {
            long pinned = pinnedReadPoint;
            return pinned >= 0 ? pinned : real.readPoint();
        }

        @Override
        public boolean awaitReadPoint(long stamp, long timeout, java.util.concurrent.TimeUnit unit)
                throws InterruptedException {
            Runnable hook = whileAwaiting;
            whileAwaiting = null;
            if (hook != null) {
                hook.run();
            }
            pinnedReadPoint = -1; // caught up (past the stamp, as a change may have come meanwhile)
            return real.awaitReadPoint(stamp, timeout, unit);
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
            coordinator.afterNextRead = () -> onAnotherThread(() -> stm.run(txn -> ref.alter(x -> x + 1)));
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

    @Test
    void aFirstReadThatMovesTheSnapshotReadsTheStateAtTheNewSnapshot() throws Exception {
        QuietTracking coordinator = new QuietTracking();
        try (Stm a = Stm.create(coordinator, TxnOptions.defaults());
                Stm b = Stm.create(coordinator.real, TxnOptions.defaults())) {
            Ref<Long> ref = a.ref("r", Codec.json(Long.class), 0L);
            Ref<Long> other = b.ref("r", Codec.json(Long.class));
            for (int i = 0; i < DistRef.UPDATES_ONLY_AFTER; i++) {
                a.run(txn -> ref.alter(x -> x + 1));
            }
            assertThat(coordinator.unwatched).as("the hint was given").containsExactly("r");
            b.run(txn -> other.set(100L));
            // A's snapshot trails that write; reading the ref afresh (watching it again) finds 100,
            // and another write (200) comes while the snapshot is moved past the state read
            coordinator.pinnedReadPoint = coordinator.real.readPoint() - 1;
            coordinator.whileAwaiting = () -> onAnotherThread(() -> b.run(txn -> other.set(200L)));
            long seen = a.atomically(TxnOptions.defaults().withMaxRetries(0), txn -> ref.get());
            assertThat(coordinator.watchedAgain).hasValue(1);
            assertThat(seen)
                    .as("the state at the snapshot it moved to, not the one read before")
                    .isEqualTo(200L);
        }
    }

    /** Runs {@code action} on a thread of its own (outside the caller's transaction) and waits for it. */
    private static void onAnotherThread(Runnable action) {
        Thread t = new Thread(action);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
