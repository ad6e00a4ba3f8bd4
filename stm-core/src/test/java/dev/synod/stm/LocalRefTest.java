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

    @Test
    void aReaderWaitingForACommitInProgressStopsAtItsTimeout() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            LocalRef<Long> local = stm.localRef(0L);
            Ref<Long> dist = stm.ref("slow", Codec.json(Long.class), 0L);
            java.util.concurrent.CountDownLatch validating = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            dist.setValidator(v -> {
                if (v == 0L) {
                    return true; // the current value, checked when the validator is set
                }
                validating.countDown();
                try {
                    return release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            // the committer validates while it holds the local ref: a commit in progress
            Thread committer = new Thread(() -> stm.run(txn -> {
                local.set(1L);
                dist.set(1L);
            }));
            committer.start();
            assertThat(validating.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            long start = System.nanoTime();
            TxnOptions shortWait = TxnOptions.defaults().withTimeout(java.time.Duration.ofMillis(300));
            assertThatThrownBy(() -> stm.atomically(shortWait, txn -> local.get()))
                    .isInstanceOf(TransactionTimeoutException.class);
            // it gave up near its own timeout, not when the commit ended (held for up to 30 s)
            assertThat(System.nanoTime() - start).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
            release.countDown();
            committer.join(10_000);
            assertThat(local.get()).isEqualTo(1L);
        }
    }

    @Test
    void aWatchOnALocalRefRunsAfterTheTransactionAndMayRunOneOfItsOwn() {
        try (Stm stm = Stm.inMemory()) {
            LocalRef<Long> local = stm.localRef(0L);
            Ref<Long> audit = stm.ref("audit", Codec.json(Long.class), 0L);
            List<Boolean> insideATransaction = new ArrayList<>();
            local.addWatch("audit", (key, ref, old, now) -> {
                insideATransaction.add(stm.inTransaction());
                stm.run(txn -> audit.alter(x -> x + now));
            });
            stm.run(txn -> local.set(5L));
            stm.run(txn -> local.alter(x -> x + 1));
            assertThat(insideATransaction).containsExactly(false, false);
            assertThat(audit.get()).as("both watches' transactions committed").isEqualTo(11L);
        }
    }

    @Test
    void aDestroyedLocalRefRefusesEveryUse() {
        try (Stm stm = Stm.inMemory()) {
            LocalRef<Long> local = stm.localRef(1L);
            assertThatThrownBy(() -> stm.run(txn -> local.destroy()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("inside a transaction");
            assertThat(local.get())
                    .as("not destroyed from inside a transaction")
                    .isEqualTo(1L);
            local.destroy();
            local.destroy(); // again: nothing more to forget
            assertThatThrownBy(local::get)
                    .isInstanceOf(NoSuchRefException.class)
                    .hasMessageContaining(local.name());
            assertThatThrownBy(() -> stm.atomically(txn -> local.get())).isInstanceOf(NoSuchRefException.class);
            assertThatThrownBy(() -> stm.run(txn -> local.set(2L))).isInstanceOf(NoSuchRefException.class);
            assertThatThrownBy(() -> stm.run(txn -> local.commute(x -> x + 1))).isInstanceOf(NoSuchRefException.class);
            assertThatThrownBy(() -> local.addWatch("w", (k, r, o, n) -> {})).isInstanceOf(NoSuchRefException.class);
        }
        Stm closed = Stm.inMemory();
        LocalRef<Long> orphan = closed.localRef(1L);
        closed.close();
        assertThatThrownBy(orphan::destroy).isInstanceOf(StmClosedException.class);
    }

    @Test
    void aTransactionThatReadALocalRefBeforeItWasDestroyedFailsAtItsCommitSendingNothing() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> dist = stm.ref("dist", Codec.json(Long.class), 0L);
            LocalRef<Long> local = stm.localRef(0L);
            assertThatThrownBy(() -> stm.run(txn -> {
                        long seen = local.get();
                        Thread destroyer = new Thread(local::destroy);
                        destroyer.start();
                        destroyer.join();
                        dist.set(seen + 1);
                        local.set(seen + 1);
                    }))
                    .isInstanceOf(NoSuchRefException.class);
            assertThat(dist.get()).as("the distributed half was not sent").isZero();
        }
    }

    @Test
    void localRefsHaveNamesNoOtherIdentityCanHave() {
        try (Stm stm = Stm.inMemory()) {
            LocalRef<Long> one = stm.localRef(1L);
            LocalRef<Long> two = stm.localRef(2L);
            assertThat(one.name()).startsWith("local:").isNotEqualTo(two.name());
            assertThatThrownBy(() -> stm.ref(one.name(), Codec.json(Long.class), 0L))
                    .as("':' is not allowed in the names of distributed refs")
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
