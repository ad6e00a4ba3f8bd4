package dev.synod.stm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Codec;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.spi.Versioned;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's safety net under the coordinator's read-point contract: if a local cache misses one
 * ref of a commit while the read point already covers it, a transaction never returns the
 * fractured snapshot; it reads the stale ref afresh and retries.
 */
class ReadAtomicCheckTest {

    /** A coordinator whose local state of some cells is stale until they are fetched. */
    static final class StaleCache extends ForwardingCoordinator {
        final Map<String, Versioned> stale = new ConcurrentHashMap<>();
        volatile long pinnedReadPoint = -1;

        @Override
        public long readPoint() {
            return pinnedReadPoint >= 0 ? pinnedReadPoint : real.readPoint();
        }

        @Override
        public Versioned current(String name) {
            Versioned v = stale.get(name);
            return v != null ? v : real.current(name);
        }

        /** The cells the engine reported trailing, and the stamps they trailed. */
        final List<String> trailed = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public List<Versioned> fetch(List<String> names) {
            names.forEach(stale::remove);
            return real.fetch(names);
        }

        /** Thrown (once) by the next repair instead of repairing. */
        final java.util.concurrent.atomic.AtomicReference<RuntimeException> repairFails =
                new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public void localStateTrailed(String name, long stamp, long deadlineNanos) {
            trailed.add(name + "@" + stamp);
            RuntimeException failure = repairFails.getAndSet(null);
            if (failure != null) {
                throw failure;
            }
            super.localStateTrailed(name, stamp, deadlineNanos); // the default fetches the cell
        }
    }

    private final StaleCache coordinator = new StaleCache();
    private Stm stm;
    private Ref<Long> from;
    private Ref<Long> to;
    private Versioned fromBefore;

    /** Refs {@code from} (10) and {@code to} (0), then a commit moving 3 from one to the other. */
    @BeforeEach
    void transfer() {
        stm = Stm.create(coordinator, TxnOptions.defaults());
        from = stm.ref("from", Codec.json(Long.class), 10L);
        to = stm.ref("to", Codec.json(Long.class), 0L);
        fromBefore = coordinator.real.current("from");
        stm.run(txn -> {
            from.alter(x -> x - 3);
            to.alter(x -> x + 3);
        });
    }

    @AfterEach
    void close() {
        stm.close();
    }

    @Test
    void aCacheThatMissedOneRefOfACommitNeverYieldsAFracturedSnapshot() {
        coordinator.stale.put("from", fromBefore); // the cache missed 'from' of that commit

        long transfer = coordinator.real.current("to").stamp();
        long total = stm.atomically(txn -> to.get() + from.get());
        assertThat(total).isEqualTo(10L);
        assertThat(from.get()).isEqualTo(7L);
        assertThat(stm.metrics().retries()).isEqualTo(1);
        assertThat(stm.metrics().staleCacheRetries()).isEqualTo(1);
        assertThat(coordinator.trailed)
                .as("the coordinator is told which cell trailed which commit")
                .containsExactly("from@" + transfer);

        coordinator.stale.put("from", coordinator.real.current("from"));
        stm.run(txn -> {
            from.alter(x -> x - 1);
            to.alter(x -> x + 1);
        });
        coordinator.stale.put("from", fromBefore); // missed again, other read order
        long again = stm.atomically(txn -> from.get() + to.get());
        assertThat(again).isEqualTo(10L);
    }

    @Test
    void theCheckAlsoCoversValuesReadFromHistory() {
        long transferStamp = coordinator.real.current("to").stamp();
        stm.run(txn -> to.alter(x -> x + 100)); // 'to' moves on: at the pinned point it is history
        coordinator.pinnedReadPoint = transferStamp;
        coordinator.stale.put("from", fromBefore);
        long total = stm.atomically(txn -> to.get() + from.get());
        assertThat(total).isEqualTo(10L);
    }

    @Test
    void aRefStaleByACommitTwoStepsAwayIsCaughtThroughTheHistoryOfTheOther() {
        // a later commit writes 'to' alone: the version of 'to' read names no co-written ref,
        // but its history holds the transfer, which wrote 'from' too
        stm.run(txn -> to.alter(x -> x + 100));
        coordinator.stale.put("from", fromBefore); // the cache missed 'from' of the transfer

        long total = stm.atomically(txn -> to.get() + from.get());
        assertThat(total).isEqualTo(110L);
        assertThat(stm.metrics().staleCacheRetries()).isEqualTo(1);

        coordinator.stale.put("from", fromBefore); // other read order
        long again = stm.atomically(txn -> from.get() + to.get());
        assertThat(again).isEqualTo(110L);
        assertThat(stm.metrics().staleCacheRetries()).isEqualTo(2);
    }

    @Test
    void aRepairThatFailsIsRetriedButAnInterruptEndsTheTransaction() {

        coordinator.stale.put("from", fromBefore);
        coordinator.repairFails.set(new CoordinationException("service unreachable"));
        long total = stm.atomically(txn -> to.get() + from.get());
        assertThat(total).as("the retry trips again and that repair works").isEqualTo(10L);
        assertThat(stm.metrics().staleCacheRetries()).isEqualTo(2);

        coordinator.stale.put("from", fromBefore);
        coordinator.repairFails.set(new StmInterruptedException("interrupted while repairing"));
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> stm.atomically(txn -> {
                    attempts.incrementAndGet();
                    return to.get() + from.get();
                }))
                .isInstanceOf(StmInterruptedException.class)
                .hasMessageContaining("repairing");
        assertThat(attempts).as("not retried").hasValue(1);
    }
}
