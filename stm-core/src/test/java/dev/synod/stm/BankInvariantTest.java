package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** 8 threads x 10,000 random transfers among 10 accounts: the total never changes. */
class BankInvariantTest {
    private static final long INITIAL = 1_000;
    private static final int ACCOUNTS = 10;

    @Test
    void everyReadAndTheEndSeeTheConstantTotal() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            List<Ref<Long>> accounts = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts.add(stm.ref("account-" + i, Codec.json(Long.class), INITIAL));
            }
            long expected = INITIAL * ACCOUNTS;
            AtomicLong badTotals = new AtomicLong();
            AtomicLong negative = new AtomicLong();
            AtomicLong audits = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(new Thread(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < 10_000; i++) {
                        int from = rnd.nextInt(ACCOUNTS);
                        int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                        long amount = 1 + rnd.nextInt(50);
                        boolean audit = i % 20 == 0;
                        stm.run(txn -> {
                            if (audit && total(accounts) != expected) {
                                badTotals.incrementAndGet();
                            }
                            long balance = accounts.get(from).get();
                            if (balance >= amount) {
                                accounts.get(from).set(balance - amount);
                                accounts.get(to).alter(b -> b + amount);
                            }
                        });
                    }
                }));
            }
            Thread auditor = new Thread(() -> {
                while (!done.get()) {
                    List<Long> balances = stm.atomically(
                            txn -> accounts.stream().map(Ref::get).toList());
                    audits.incrementAndGet();
                    if (balances.stream().mapToLong(Long::longValue).sum() != expected) {
                        badTotals.incrementAndGet();
                    }
                    if (balances.stream().anyMatch(b -> b < 0)) {
                        negative.incrementAndGet();
                    }
                }
            });
            auditor.start();
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            auditor.join();
            assertThat(badTotals.get()).isZero();
            assertThat(negative.get()).isZero();
            assertThat(audits.get()).isPositive();
            assertThat(total(accounts)).isEqualTo(expected);
            assertThat(stm.metrics().commits()).isGreaterThanOrEqualTo(80_000L);
        }
    }

    private static long total(List<Ref<Long>> accounts) {
        long sum = 0;
        for (Ref<Long> a : accounts) {
            sum += a.get();
        }
        return sum;
    }
}
