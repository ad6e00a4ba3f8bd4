package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Retries: jittered exponential backoff, a limit, a timeout, interrupts, and progress. */
class RetryTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    /** A body that always loses: another thread commits to the ref it read before it commits. */
    private static void alwaysConflict(Stm stm, Ref<Long> r) throws InterruptedException {
        r.get();
        Thread other = new Thread(() -> stm.run(t -> r.alter(x -> x + 1)));
        other.start();
        other.join();
        r.alter(x -> x + 100);
    }

    @Test
    void theRetryLimitEndsInRetryLimitExceededAfterExactlyLimitPlusOneRuns() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            AtomicInteger runs = new AtomicInteger();
            TxnOptions options = TxnOptions.defaults().withMaxRetries(3).withBackoff(Backoff.none());
            assertThatThrownBy(() -> stm.run(options, txn -> {
                        runs.incrementAndGet();
                        alwaysConflict(stm, r);
                    }))
                    .isInstanceOf(RetryLimitExceededException.class)
                    .hasMessageContaining("4 attempts")
                    .hasMessageContaining("maxRetries=3");
            assertThat(runs.get()).isEqualTo(4);
            assertThat(r.get()).isEqualTo(4L); // only the other threads' increments applied
        }
    }

    @Test
    void aTimeoutEndsInTransactionTimeoutException() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            TxnOptions options = TxnOptions.defaults()
                    .withTimeout(Duration.ofMillis(300))
                    .withBackoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(50)));
            assertThatThrownBy(() -> stm.run(options, txn -> alwaysConflict(stm, r)))
                    .isInstanceOf(TransactionTimeoutException.class)
                    .hasMessageContaining("PT0.3S");
        }
    }

    @Test
    void anInterruptWhileWaitingToRetryKeepsTheFlagAndThrowsClearly() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            TxnOptions options = TxnOptions.defaults().withBackoff(attempt -> Duration.ofSeconds(30));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            CountDownLatch firstRunDone = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    stm.run(options, txn -> {
                        alwaysConflict(stm, r);
                        firstRunDone.countDown();
                    });
                } catch (Throwable e) {
                    thrown.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            t.start();
            assertThat(firstRunDone.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100); // now in the 30 s backoff
            t.interrupt();
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(thrown.get())
                    .isInstanceOf(StmInterruptedException.class)
                    .hasMessageContaining("nothing was applied");
            assertThat(flag.get()).isTrue();
            assertThat(r.get()).isEqualTo(1L);
        }
    }

    @Test
    void exponentialBackoffIsJitteredAndCapped() {
        Backoff b = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(100));
        Set<Duration> seen = new HashSet<>();
        for (int attempt = 1; attempt <= 40; attempt++) {
            for (int i = 0; i < 50; i++) {
                Duration d = b.delay(attempt);
                long capMillis = Math.min(100, 1L << Math.min(attempt - 1, 20));
                assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(capMillis));
                seen.add(d);
            }
        }
        assertThat(seen.size()).as("jitter: many distinct delays").isGreaterThan(100);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base must be > 0");
        assertThatThrownBy(() -> TxnOptions.defaults().withMaxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetries must be >= 0 but was -1");
    }

    @Test
    void oppositeOrderTransactionsOnTwoRefsAllCommit() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> a = stm.ref("a", LONG, 0L);
            Ref<Long> b = stm.ref("b", LONG, 0L);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean forward = t % 2 == 0;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        stm.run(txn -> {
                            if (forward) {
                                a.alter(x -> x + 1);
                                b.alter(x -> x + 1);
                            } else {
                                b.alter(x -> x + 1);
                                a.alter(x -> x + 1);
                            }
                        });
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(120_000);
                assertThat(t.isAlive()).as("no livelock").isFalse();
            }
            assertThat(a.get()).isEqualTo(8_000L);
            assertThat(b.get()).isEqualTo(8_000L);
        }
    }

    @Test
    void retriesCountBodiesRunAgainNotConflictsThatEndedTheTransaction() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            assertThatThrownBy(() -> stm.run(TxnOptions.defaults().withMaxRetries(0), txn -> alwaysConflict(stm, r)))
                    .isInstanceOf(RetryLimitExceededException.class);
            assertThat(stm.metrics().retries()).as("the body ran once").isZero();
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> stm.run(TxnOptions.defaults().withMaxRetries(2), txn -> {
                        runs.incrementAndGet();
                        alwaysConflict(stm, r);
                    }))
                    .isInstanceOf(RetryLimitExceededException.class);
            assertThat(runs).hasValue(3);
            assertThat(stm.metrics().retries()).isEqualTo(2);
        }
    }

    @Test
    void optionsAndBackoffRefuseWhatTheyCannotHonour() {
        TxnOptions d = TxnOptions.defaults();
        assertThatThrownBy(() -> d.withTimeout(Duration.ofDays(101)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most");
        assertThatThrownBy(() -> d.withTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(d.withTimeout(TxnOptions.MAX_TIMEOUT).timeout()).isEqualTo(TxnOptions.MAX_TIMEOUT);
        assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> d.withIsolation(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> d.withBackoff(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(1), Duration.ofDays(200)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(null, Duration.ofMillis(1)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBackoffAskingForAnEndlessPauseEndsInTheTimeoutNotAnOverflow() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            TxnOptions endless = TxnOptions.defaults()
                    .withBackoff(attempt -> Duration.ofSeconds(Long.MAX_VALUE))
                    .withTimeout(Duration.ofSeconds(5));
            assertThatThrownBy(() -> stm.run(endless, txn -> alwaysConflict(stm, r)))
                    .isInstanceOf(TransactionTimeoutException.class);
        }
    }
}
