package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Local refs commit atomically with distributed refs; readers never see one without the other. */
class LocalRefTest {
    @Test
    void aLocalRefAndADistributedRefMoveTogether() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> dist = stm.ref("dist", Codec.json(Long.class), 0L);
            LocalRef<Long> local = stm.localRef(0L);
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong violations = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(new Thread(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        stm.run(txn -> {
                            long d = dist.alter(x -> x + 1);
                            local.set(-d);
                        });
                    }
                }));
            }
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    long sum = stm.atomically(txn -> dist.get() + local.get());
                    reads.incrementAndGet();
                    if (sum != 0) {
                        violations.incrementAndGet();
                    }
                }
            });
            reader.start();
            writers.forEach(Thread::start);
            for (Thread w : writers) {
                w.join();
            }
            done.set(true);
            reader.join();
            assertThat(violations.get()).isZero();
            assertThat(reads.get()).isPositive();
            assertThat(dist.get()).isEqualTo(8_000L);
            assertThat(local.get()).isEqualTo(-8_000L);
        }
    }

    @Test
    void aLocalRefKeepsAnyJavaObjectAndIsUndoneWithItsTransaction() {
        try (Stm stm = Stm.inMemory()) {
            Object token = new Object();
            LocalRef<Object> local = stm.localRef(token);
            assertThatThrownBy(() -> stm.run(txn -> {
                        local.set("changed");
                        throw new IllegalArgumentException("abort");
                    }))
                    .hasMessage("abort");
            assertThat(local.get()).isSameAs(token);
        }
    }

    @Test
    void aLocalRefOfAnotherStmCannotJoin() {
        try (Stm one = Stm.inMemory();
                Stm two = Stm.inMemory()) {
            LocalRef<Long> foreign = two.localRef(0L);
            assertThatThrownBy(() -> one.run(txn -> foreign.set(1L)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to a different Stm");
        }
    }
}
