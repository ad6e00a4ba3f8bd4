package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.internal.InMemoryCoordinator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Atoms: swap, reset and compare-and-set, always conditional on the stored version. */
class AtomTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void concurrentSwapsFromSeveralClientsAreExact() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        List<Stm> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Stm.create(shared, TxnOptions.defaults()));
        }
        try {
            List<Thread> threads = new ArrayList<>();
            for (Stm client : clients) {
                Atom<Long> atom = client.atom("counter", LONG, 0L);
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        atom.swap(x -> x + 1);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(clients.get(0).atom("counter", LONG).get()).isEqualTo(8_000L);
            long updates =
                    clients.stream().mapToLong(c -> c.metrics().atomUpdates()).sum();
            assertThat(updates).isEqualTo(8_000L);
        } finally {
            clients.forEach(Stm::close);
        }
    }

    @Test
    void compareAndSetIsByValueEquality() {
        try (Stm stm = Stm.inMemory()) {
            Atom<String> a = stm.atom("s", Codec.json(String.class), "one");
            assertThat(a.compareAndSet(new String("one"), "two")).isTrue();
            assertThat(a.compareAndSet("one", "three")).isFalse();
            assertThat(a.get()).isEqualTo("two");
            assertThat(a.reset("four")).isEqualTo("four");
            assertThat(a.get()).isEqualTo("four");
            assertThat(a.swap(s -> s + "!")).isEqualTo("four!");
        }
    }

    @Test
    void aValidatorGuardsAtomUpdates() {
        try (Stm stm = Stm.inMemory()) {
            Atom<Long> a = stm.atom("a", LONG, 1L);
            a.setValidator(v -> v > 0);
            assertThatThrownBy(() -> a.swap(x -> -x))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("'a'");
            assertThatThrownBy(() -> a.reset(0L)).isInstanceOf(ValidationException.class);
            assertThat(a.compareAndSet(1L, 2L)).isTrue();
            assertThat(a.get()).isEqualTo(2L);
        }
    }

    @Test
    void destroyedAtomsAreGoneForEveryClient() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<Long> mine = a.atom("gone", LONG, 1L);
            Atom<Long> theirs = b.atom("gone", LONG);
            mine.destroy();
            assertThatThrownBy(theirs::get).isInstanceOf(NoSuchRefException.class);
            assertThatThrownBy(() -> b.atom("gone", LONG)).isInstanceOf(NoSuchRefException.class);
        }
    }

    @Test
    void aThreadWaitingForAnotherThreadsUpdateTimesOutOrIsInterruptedWithNothingApplied() throws Exception {
        TxnOptions shortWait = TxnOptions.defaults().withTimeout(java.time.Duration.ofMillis(300));
        try (Stm stm = Stm.create(new InMemoryCoordinator(), shortWait)) {
            Atom<Long> atom = stm.atom("busy", LONG, 0L);
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread slow = new Thread(() -> atom.swap(x -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return x + 1;
            }));
            slow.start();
            inside.await();
            assertThatThrownBy(() -> atom.swap(x -> x + 100))
                    .isInstanceOf(TransactionTimeoutException.class)
                    .hasMessageContaining("atom 'busy'")
                    .hasMessageContaining("other threads of this client");
            assertThatThrownBy(() -> atom.compareAndSet(0L, 5L)).isInstanceOf(TransactionTimeoutException.class);
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> atom.reset(7L))
                        .isInstanceOf(StmInterruptedException.class)
                        .hasMessageContaining("nothing was applied");
                assertThat(Thread.currentThread().isInterrupted())
                        .as("the flag is set again")
                        .isTrue();
            } finally {
                Thread.interrupted();
            }
            release.countDown();
            slow.join();
            assertThat(atom.get()).as("only the slow swap applied").isEqualTo(1L);
            assertThat(atom.swap(x -> x + 1)).as("the atom is free again").isEqualTo(2L);
        }
    }

    @Test
    void nullArgumentsAndNullResultsAreRefusedWithNothingApplied() {
        try (Stm stm = Stm.inMemory()) {
            Atom<Long> atom = stm.atom("n", LONG, 1L);
            assertThatThrownBy(() -> atom.swap(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> atom.swap(x -> null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> atom.reset(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> atom.compareAndSet(null, 2L)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> atom.compareAndSet(1L, null)).isInstanceOf(NullPointerException.class);
            assertThat(atom.get()).isEqualTo(1L);
            assertThat(stm.metrics().atomUpdates()).as("nothing was sent").isZero();
        }
    }
}
