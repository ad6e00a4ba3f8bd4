package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.internal.InMemoryCoordinator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Watches fire after commit, for other clients' commits too, with the real old value. */
class WatchTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    private static void await(List<?> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aWatchSeesOldAndNewValuesOfCommitsFromAnotherClient() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Ref<Long> ra = a.ref("x", LONG, 1L);
            Ref<Long> rb = b.ref("x", LONG);
            List<String> seen = new CopyOnWriteArrayList<>();
            rb.addWatch(
                    "w",
                    (key, ref, oldValue, newValue) ->
                            seen.add(key + ":" + ref.name() + ":" + oldValue + "->" + newValue));
            a.run(txn -> ra.alter(v -> v + 1));
            a.run(txn -> ra.alter(v -> v * 10));
            await(seen, 2);
            assertThat(seen).containsExactly("w:x:1->2", "w:x:2->20");
            assertThat(rb.get()).isEqualTo(20L);
        }
    }

    @Test
    void aThrowingWatchIsLoggedAndDoesNotDisturbOthers() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            List<Long> seen = new CopyOnWriteArrayList<>();
            r.addWatch("bad", (k, ref, o, n) -> {
                throw new IllegalStateException("watch failure (expected in this test)");
            });
            r.addWatch("good", (k, ref, o, n) -> seen.add(n));
            for (long i = 1; i <= 3; i++) {
                long v = i;
                stm.run(txn -> r.set(v));
            }
            await(seen, 3);
            assertThat(seen).containsExactly(1L, 2L, 3L);
            r.removeWatch("good");
            stm.run(txn -> r.set(4L));
            Thread.sleep(50);
            assertThat(seen).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void atomAndLocalRefWatchesFire() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Atom<Long> atom = stm.atom("a", LONG, 0L);
            LocalRef<Long> local = stm.localRef(0L);
            List<String> seen = new CopyOnWriteArrayList<>();
            atom.addWatch("w", (k, ref, o, n) -> seen.add("atom " + o + "->" + n));
            local.addWatch("w", (k, ref, o, n) -> seen.add("local " + o + "->" + n));
            atom.swap(x -> x + 5);
            stm.run(txn -> local.set(7L));
            await(seen, 2);
            assertThat(seen).containsExactlyInAnyOrder("atom 0->5", "local 0->7");
        }
    }

    @Test
    void noWatchFiresForAnAbortedTransaction() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 0L);
            List<Long> seen = new CopyOnWriteArrayList<>();
            r.addWatch("w", (k, ref, o, n) -> seen.add(n));
            try {
                stm.run(txn -> {
                    r.set(5L);
                    throw new IllegalStateException("abort");
                });
            } catch (IllegalStateException expected) {
                // the abort under test
            }
            stm.run(txn -> r.set(6L));
            await(seen, 1);
            Thread.sleep(50);
            assertThat(seen).containsExactly(6L);
        }
    }
}
