package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.fixtures.MapVersionedContainer;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.VersionedStateContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Refs whose values live in a VersionedStateContainer while the coordinator orders versions. */
class ExternalRefTest {
    @Test
    void valuesLiveInTheContainerAndOldVersionsAreDeleted() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Long> store = new MapVersionedContainer<>();
            Ref<Long> r = stm.ref("ext", store, 0L);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        stm.run(txn -> r.alter(x -> x + 1));
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(r.get()).isEqualTo(2_000L);
            // current + history only: staged versions of aborted attempts and old ones are gone
            assertThat(store.versions().size()).isBetween(1, 11);
            assertThat(stm.sweepOrphans(r, Duration.ZERO)).isZero();
        }
    }

    @Test
    void aCommitLandingWhileASweepListsVersionsKeepsItsVersion() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        try (Stm sweeper = Stm.create(shared, TxnOptions.defaults());
                Stm writer = Stm.create(shared, TxnOptions.defaults())) {
            Ref<Long> swept = sweeper.ref("swept", store, 0L);
            Ref<Long> written = writer.ref("swept", store, 0L);
            // another client stages a version before the sweep starts (so that, with olderThan 0,
            // it is old enough) and commits it while the sweep lists the versions: only a record
            // read after the listing names it
            java.util.concurrent.CountDownLatch staged = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            store.afterNextStaging(() -> {
                staged.countDown();
                awaitLatch(release);
            });
            java.util.concurrent.CompletableFuture<Void> commit =
                    java.util.concurrent.CompletableFuture.runAsync(() -> writer.run(txn -> written.set(5L)));
            awaitLatch(staged);
            Thread.sleep(5); // version keys carry milliseconds: the sweep starts strictly later
            store.beforeNextListing(() -> {
                release.countDown();
                commit.join();
            });
            assertThat(sweeper.sweepOrphans(swept, Duration.ZERO)).isZero();
            assertThat(written.get()).isEqualTo(5L);
            assertThat((long) sweeper.atomically(txn -> swept.get())).isEqualTo(5L);
        }
    }

    /** A container equal to any other over the same place, as the plugins' containers are. */
    private static final class PlaceContainer<T> implements VersionedStateContainer<T> {
        private final MapVersionedContainer<T> inner;
        private final String place;

        PlaceContainer(MapVersionedContainer<T> inner, String place) {
            this.inner = inner;
            this.place = place;
        }

        @Override
        public void init() {
            inner.init();
        }

        @Override
        public void destroy() {
            inner.destroy();
        }

        @Override
        public java.util.Optional<T> getAt(String version) {
            return inner.getAt(version);
        }

        @Override
        public void setAt(T value, String version) {
            inner.setAt(value, version);
        }

        @Override
        public void deleteAt(String version) {
            inner.deleteAt(version);
        }

        @Override
        public java.util.Collection<String> versions() {
            return inner.versions();
        }

        @Override
        public String describe() {
            return "place[" + place + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PlaceContainer<?> p && p.place.equals(place);
        }

        @Override
        public int hashCode() {
            return place.hashCode();
        }
    }

    @Test
    void reopeningANameWithAnEqualButDifferentContainerIsRefused() {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Object> storage = new MapVersionedContainer<>();
            @SuppressWarnings({"unchecked", "rawtypes"})
            PlaceContainer<String> text = new PlaceContainer(storage, "p");
            @SuppressWarnings({"unchecked", "rawtypes"})
            PlaceContainer<Long> number = new PlaceContainer(storage, "p");
            Ref<String> first = stm.ref("shared", text, "x");
            assertThat(stm.ref("shared", text, "y"))
                    .as("the same container object")
                    .isSameAs(first);
            // equal (same storage) but maybe another value type: never handed the String ref
            assertThatThrownBy(() -> stm.ref("shared", number, 0L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("same container object");
        }
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            if (!latch.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("not reached within 10 s");
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aValueFarOverTheCoordinatorLimitWorksThroughTheContainer() {
        try (Stm stm = Stm.create(new InMemoryCoordinator(), TxnOptions.defaults())) {
            Ref<String> big = stm.ref("big", new MapVersionedContainer<>(), "");
            String tenMb = "x".repeat(10 * 1024 * 1024);
            stm.run(txn -> big.set(tenMb));
            assertThat(big.get()).hasSize(10 * 1024 * 1024);
        }
    }

    @Test
    void anUnreachableStoreAbortsWithAClearErrorAndChangesNothing() {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Long> store = new MapVersionedContainer<>();
            Ref<Long> r = stm.ref("ext", store, 1L);
            Ref<Long> plain = stm.ref("plain", Codec.json(Long.class), 1L);
            store.failing(true);
            assertThatThrownBy(() -> stm.run(txn -> {
                        plain.set(2L);
                        r.set(2L);
                    }))
                    .isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("map-store");
            store.failing(false);
            assertThat(plain.get()).isEqualTo(1L);
            assertThat(r.get()).isEqualTo(1L);
        }
    }

    @Test
    void aSweepDeletesOrphansOlderThanTheGraceAndKeepsTheRest() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Long> store = new MapVersionedContainer<>();
            Ref<Long> r = stm.ref("ext", store, 1L);
            stm.run(txn -> r.set(2L));
            // a writer that crashed after staging: a version nothing points at
            store.setAt(99L, "v" + (System.currentTimeMillis() - 60_000) + "-deadbeef-0");
            store.setAt(98L, "v" + System.currentTimeMillis() + "-cafebabe-0"); // maybe still committing
            store.setAt(97L, "not-ours");
            int before = store.versions().size();
            assertThat(stm.sweepOrphans(r, Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(store.versions()).hasSize(before - 1).contains("not-ours");
            assertThat(r.get()).isEqualTo(2L);
            assertThatThrownBy(() -> stm.sweepOrphans(stm.ref("inline", Codec.json(Long.class), 0L), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("external");
            // a store that finds another writer's data where it lists versions says so; an outage
            // of the store stays an outage
            CorruptRecordException garbage = new CorruptRecordException("a version listing of another writer");
            store.beforeNextListing(() -> {
                throw garbage;
            });
            assertThatThrownBy(() -> stm.sweepOrphans(r, Duration.ZERO)).isSameAs(garbage);
            store.beforeNextListing(() -> {
                throw new IllegalStateException("store unreachable");
            });
            assertThatThrownBy(() -> stm.sweepOrphans(r, Duration.ZERO))
                    .isInstanceOf(StateStoreException.class)
                    .hasRootCauseMessage("store unreachable");
        }
    }

    @Test
    void readersOfOldSnapshotsReadOldVersionsFromTheContainer() throws Exception {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("ext", new MapVersionedContainer<>(), 1L);
            long seen = stm.atomically(txn -> {
                if (txn.attempt() == 0) {
                    Thread w = new Thread(() -> stm.run(t -> r.set(2L)));
                    w.start();
                    w.join();
                }
                return r.get();
            });
            assertThat(seen).isEqualTo(1L);
            assertThat(r.get()).isEqualTo(2L);
        }
    }

    @Test
    void externalAtomsSwapExactlyAndKeepOneVersion() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<Long> atomA = a.atom("ext-atom", store, 0L);
            Atom<Long> atomB = b.atom("ext-atom", store, 0L);
            List<Thread> threads = new ArrayList<>();
            for (Atom<Long> atom : List.of(atomA, atomB, atomA, atomB)) {
                threads.add(new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        atom.swap(x -> x + 1);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(atomB.get()).isEqualTo(2_000L);
            assertThat(store.versions()).hasSize(2); // current and previous (for watches)
            assertThat(atomA.compareAndSet(2_000L, 7L)).isTrue();
            assertThat(atomB.get()).isEqualTo(7L);
            assertThat(a.sweepOrphans(atomA, Duration.ZERO)).isZero();
        }
    }

    @Test
    void watchesOnExternalRefsAndAtomsSeeOldAndNewValuesFromAnotherClient() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapVersionedContainer<Long> refStore = new MapVersionedContainer<>();
        MapVersionedContainer<Long> atomStore = new MapVersionedContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Ref<Long> refA = a.ref("r", refStore, 1L);
            Atom<Long> atomA = a.atom("a", atomStore, 1L);
            Ref<Long> refB = b.ref("r", refStore, 1L);
            Atom<Long> atomB = b.atom("a", atomStore, 1L);
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            refB.addWatch("w", (k, id, o, n) -> seen.add("ref " + o + "->" + n));
            atomB.addWatch("w", (k, id, o, n) -> seen.add("atom " + o + "->" + n));
            a.run(txn -> refA.set(2L));
            a.run(txn -> refA.set(3L));
            atomA.swap(x -> x + 1);
            atomA.swap(x -> x + 1);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (seen.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(seen).containsExactlyInAnyOrder("ref 1->2", "ref 2->3", "atom 1->2", "atom 2->3");
        }
    }

    @Test
    void aContainerHoldsTheValuesOfOneRefOrAtomOnly() {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Long> store = new MapVersionedContainer<>();
            Ref<Long> a = stm.ref("a", store, 1L);
            assertThatThrownBy(() -> stm.ref("b", store, 2L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'b' cannot use")
                    .hasMessageContaining("already holds the values of 'a'");
            assertThatThrownBy(() -> stm.atom("c", store, 3L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already holds the values of 'a'");
            assertThat(stm.sweepOrphans(a, Duration.ZERO)).isZero();
            assertThat(a.get()).isEqualTo(1L);
            assertThat(stm.ref("a", store, 9L)).as("the same ref again").isSameAs(a);
            a.destroy();
            assertThat(stm.ref("b", store, 2L).get())
                    .as("free again once 'a' is destroyed")
                    .isEqualTo(2L);

            dev.synod.stm.fixtures.MapStateContainer<Long> plain = new dev.synod.stm.fixtures.MapStateContainer<>();
            stm.atom("p", plain, 1L);
            assertThatThrownBy(() -> stm.atom("q", plain, 1L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already holds the values of 'p'");
        }
    }

    @Test
    void namesOpenedAtOnceWithOneContainerCannotBothHaveIt() throws Exception {
        for (int round = 0; round < 50; round++) {
            try (Stm stm = Stm.inMemory()) {
                MapVersionedContainer<Long> store = new MapVersionedContainer<>();
                int threads = 4;
                CyclicBarrier start = new CyclicBarrier(threads);
                AtomicInteger opened = new AtomicInteger();
                AtomicInteger refused = new AtomicInteger();
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String name = "n" + t;
                    Thread w = new Thread(() -> {
                        try {
                            start.await();
                            stm.ref(name, store, 1L);
                            opened.incrementAndGet();
                        } catch (IllegalArgumentException e) {
                            refused.incrementAndGet();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    w.start();
                    workers.add(w);
                }
                for (Thread w : workers) {
                    w.join(10_000);
                }
                assertThat(opened.get()).as("round %d", round).isEqualTo(1);
                assertThat(refused.get()).as("round %d", round).isEqualTo(threads - 1);
            }
        }
    }

    @Test
    void aVersionKeyTheContainerRefusesIsACorruptRecord() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        try (Stm writer = Stm.create(coordinator, TxnOptions.defaults());
                Stm reader = Stm.create(coordinator, TxnOptions.defaults())) {
            writer.ref("x", store, 1L);
            // a client whose container takes other keys than those the record points at
            VersionedStateContainer<Long> strict = new VersionedStateContainer<>() {
                @Override
                public void init() {}

                @Override
                public void destroy() {}

                @Override
                public java.util.Optional<Long> getAt(String version) {
                    throw new IllegalArgumentException("version keys here are numbers, not '" + version + "'");
                }

                @Override
                public void setAt(Long value, String version) {
                    store.setAt(value, version);
                }

                @Override
                public void deleteAt(String version) {
                    store.deleteAt(version);
                }

                @Override
                public java.util.Collection<String> versions() {
                    return store.versions();
                }

                @Override
                public String describe() {
                    return "strict-store";
                }
            };
            assertThatThrownBy(() -> reader.ref("x", strict, 0L))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("'x' points at version '")
                    .hasMessageContaining("strict-store, which that container refuses")
                    .hasMessageContaining("version keys here are numbers");
        }
    }

    @Test
    void aRefWhoseCellHoldsAnotherWritersBytesCanStillBeDestroyed() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<Long> r = stm.ref("garbled", store, 1L);
            coordinator.commit(new dev.synod.stm.spi.CommitRequest(
                    List.of(),
                    List.of(new dev.synod.stm.spi.CommitRequest.Write(
                            "garbled",
                            dev.synod.stm.spi.CommitRequest.ANY_VERSION,
                            "not a record".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                    List.of()));
            assertThatThrownBy(() -> stm.run(txn -> r.alter(x -> x + 1))).isInstanceOf(CorruptRecordException.class);
            r.destroy();
            assertThatThrownBy(() -> coordinator.current("garbled")).isInstanceOf(NoSuchRefException.class);
            assertThat(stm.ref("garbled", store, 7L).get()).as("created again").isEqualTo(7L);
        }
    }
}
