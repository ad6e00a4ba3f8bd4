package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.fixtures.ForwardingStateContainer;
import dev.synod.stm.fixtures.MapStateContainer;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.Versioned;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What a watch starts from: the latest committed value when it is added, read like {@code get()};
 * a read that fails leaves the watch out and says why.
 */
class WatchStartTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    private static void awaitLast(List<String> seen, String suffix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(suffix)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aWatchAddedInsideATransactionOnAnAtomInAPlainContainerFires() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<String> store = new MapStateContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<String> mine = a.atom("s", store, "one");
            Atom<String> theirs = b.atom("s", store, "ignored");
            Ref<Long> r = b.ref("r", LONG, 0L);
            List<String> seen = new CopyOnWriteArrayList<>();
            b.run(txn -> {
                r.set(1L);
                theirs.addWatch("w", (k, id, o, n) -> seen.add(o + "->" + n));
            });
            mine.reset("two");
            awaitLast(seen, "->two");
            assertThat(seen).containsExactly("one->two");
        }
    }

    @Test
    void aWatchAddedAgainAfterAllWereRemovedStartsFromTheCurrentValue() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<String> store = new MapStateContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<String> mine = a.atom("s", store, "one");
            Atom<String> theirs = b.atom("s", store, "ignored");
            List<String> seen = new CopyOnWriteArrayList<>();
            theirs.addWatch("w", (k, id, o, n) -> seen.add(o + "->" + n));
            theirs.removeWatch("w");
            mine.reset("two"); // nobody watches: nothing to report
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!theirs.get().equals("two") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            theirs.addWatch("w2", (k, id, o, n) -> seen.add(o + "->" + n));
            mine.reset("three");
            awaitLast(seen, "->three");
            assertThat(seen)
                    .as("not from the value seen when the last watch went")
                    .containsExactly("two->three");
        }
    }

    @Test
    void addingAWatchToADestroyedIdentityFailsAndAddsNothing() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Ref<Long> ref = a.ref("r", LONG, 1L);
            Atom<Long> atom = a.atom("a", LONG, 1L);
            Atom<Long> inStore = a.atom("c", new MapStateContainer<>(), 1L);
            LocalRef<Long> local = a.localRef(1L);
            Ref<Long> refThere = b.ref("r", LONG);
            ref.destroy();
            atom.destroy();
            inStore.destroy();
            local.destroy();
            for (Identity<Long> gone : List.of(ref, atom, inStore, local, refThere)) {
                assertThatThrownBy(() -> gone.addWatch("w", (k, id, o, n) -> {}))
                        .as(gone.name())
                        .isInstanceOf(NoSuchRefException.class);
            }
        }
    }

    @Test
    void aWatchWhoseFirstReadFailsIsNotAddedAndCanBeAddedOnceTheStoreAnswers() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<String> store = new MapStateContainer<>();
        AtomicBoolean down = new AtomicBoolean();
        ForwardingStateContainer<String> flaky = new ForwardingStateContainer<>(store) {
            @Override
            public String get() {
                if (down.get()) {
                    throw new IllegalStateException("store unreachable");
                }
                return super.get();
            }
        };
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<String> mine = a.atom("s", store, "one");
            Atom<String> theirs = b.atom("s", flaky, "ignored");
            List<String> seen = new CopyOnWriteArrayList<>();
            down.set(true);
            assertThatThrownBy(() -> theirs.addWatch("w", (k, id, o, n) -> seen.add("w " + o + "->" + n)))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("'s'")
                    .hasRootCauseMessage("store unreachable");
            down.set(false);
            theirs.addWatch("w2", (k, id, o, n) -> seen.add("w2 " + o + "->" + n));
            mine.reset("two");
            awaitLast(seen, "->two");
            Thread.sleep(50);
            assertThat(seen).as("the failed watch was not added").containsExactly("w2 one->two");
        }
    }

    @Test
    void aChangeCommittedWhileTheFirstWatchReadsIsReported() throws Exception {
        AtomicReference<Runnable> duringRead = new AtomicReference<>();
        ForwardingCoordinator watching = new ForwardingCoordinator() {
            @Override
            public Versioned current(String name) {
                Versioned read = super.current(name);
                Runnable hook = duringRead.getAndSet(null);
                if (hook != null) {
                    hook.run(); // another client commits after the read, before addWatch returns
                }
                return read;
            }
        };
        try (Stm a = Stm.create(watching.real, TxnOptions.defaults());
                Stm b = Stm.create(watching, TxnOptions.defaults())) {
            Ref<Long> ra = a.ref("x", LONG, 1L);
            Ref<Long> rb = b.ref("x", LONG);
            List<String> seen = new CopyOnWriteArrayList<>();
            duringRead.set(() -> {
                a.run(txn -> ra.set(2L));
                try {
                    Thread.sleep(200); // the change is delivered meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            rb.addWatch("w", (k, id, o, n) -> seen.add(o + "->" + n));
            assertThat(duringRead.get()).as("the hook ran").isNull();
            a.run(txn -> ra.set(3L));
            awaitLast(seen, "->3");
            assertThat(seen).containsExactly("1->2", "2->3");
        }
    }
}
