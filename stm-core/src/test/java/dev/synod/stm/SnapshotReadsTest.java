package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A transaction reads one consistent snapshot: never a partial commit, never a newer value. */
class SnapshotReadsTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void aValueCommittedAfterTheSnapshotIsNotSeen() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 0L);
            Ref<Long> b = stm.ref("b", LONG, 0L);
            List<Long> seen = stm.atomically(txn -> {
                long first = a.get();
                if (txn.attempt() == 0) {
                    Thread other = new Thread(() -> stm.run(t -> {
                        a.set(1L);
                        b.set(1L);
                    }));
                    other.start();
                    other.join();
                }
                return List.of(first, b.get(), a.get());
            });
            assertThat(seen).containsExactly(0L, 0L, 0L); // b and a as of the snapshot, not the later commit
            assertThat(stm.metrics().retries()).isZero(); // read-only: served from history, no retry
            assertThat(a.get()).isEqualTo(1L);
            assertThat(b.get()).isEqualTo(1L);
        }
    }

    @Test
    void aTransactionSeesItsOwnWrites() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 5L);
            long result = stm.atomically(txn -> {
                a.alter(x -> x * 2);
                a.alter(x -> x + 1);
                return a.get();
            });
            assertThat(result).isEqualTo(11L);
            assertThat(a.get()).isEqualTo(11L);
        }
    }

    @Test
    void readersNeverSeeAPartialCommit() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            List<Ref<Long>> refs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                refs.add(stm.ref("r" + i, LONG, 0L));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            List<String> violations = new ArrayList<>();
            Thread writer = new Thread(() -> {
                for (long v = 1; v <= 3_000; v++) {
                    long value = v;
                    stm.run(txn -> refs.forEach(r -> r.set(value)));
                }
                stop.set(true);
            });
            Runnable reader = () -> {
                while (!stop.get()) {
                    List<Long> values =
                            stm.atomically(txn -> refs.stream().map(Ref::get).toList());
                    reads.incrementAndGet();
                    if (values.stream().distinct().count() != 1) {
                        synchronized (violations) {
                            violations.add(values.toString());
                        }
                    }
                }
            };
            Thread r1 = new Thread(reader);
            Thread r2 = new Thread(reader);
            writer.start();
            r1.start();
            r2.start();
            writer.join();
            r1.join();
            r2.join();
            assertThat(violations).isEmpty();
            assertThat(reads.get()).isPositive();
            assertThat(refs.get(4).get()).isEqualTo(3_000L);
        }
    }
}
