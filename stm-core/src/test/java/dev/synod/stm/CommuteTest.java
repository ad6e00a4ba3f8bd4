package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** commute: exact totals, and a conflict on a commuted ref never re-runs the body. */
class CommuteTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void eightThreadsCommuteTenThousandIncrementsEachAndTheBodyRunsOncePerCommit() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> counter = stm.ref("counter", LONG, 0L);
            AtomicLong bodyRuns = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        stm.run(txn -> {
                            bodyRuns.incrementAndGet();
                            counter.commute(x -> x + 1);
                        });
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(counter.get()).isEqualTo(80_000L);
            assertThat(bodyRuns.get()).isEqualTo(80_000L);
            StmMetrics m = stm.metrics();
            assertThat(m.retries()).isZero();
            assertThat(m.writeCommits()).isEqualTo(80_000L);
            assertThat(m.commuteReapplies()).isEqualTo(m.conflicts());
        }
    }

    @Test
    void commuteReturnsTheInTransactionValue() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> counter = stm.ref("counter", LONG, 10L);
            long seen = stm.atomically(txn -> {
                counter.commute(x -> x + 1);
                return counter.commute(x -> x * 2);
            });
            assertThat(seen).isEqualTo(22L);
            assertThat(counter.get()).isEqualTo(22L);
        }
    }

    @Test
    void alterAfterCommuteIsRejectedAsInClojure() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> counter = stm.ref("counter", LONG, 0L);
            assertThatThrownBy(() -> stm.run(txn -> {
                        counter.commute(x -> x + 1);
                        counter.alter(x -> x + 1);
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("after commute");
            assertThat(counter.get()).isZero();
        }
    }

    @Test
    void commuteOnALocalRefIsExactToo() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            LocalRef<Long> counter = stm.localRef(0L);
            AtomicLong bodyRuns = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        stm.run(txn -> {
                            bodyRuns.incrementAndGet();
                            counter.commute(x -> x + 1);
                        });
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(counter.get()).isEqualTo(20_000L);
            assertThat(bodyRuns.get()).isEqualTo(20_000L);
        }
    }
}
