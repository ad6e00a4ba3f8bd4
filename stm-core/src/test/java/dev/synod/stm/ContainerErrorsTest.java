package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.fixtures.MapVersionedContainer;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What an external store's own errors become: bytes it cannot decode stay a {@link
 * CorruptRecordException}, a value it cannot encode stays an {@link IllegalArgumentException}
 * (neither is a store outage), and destroying an identity removes its stored versions.
 */
class ContainerErrorsTest {
    @Test
    void anExternalRefReportsCorruptBytesAndUnencodableValuesAsSuch() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm stm = Stm.create(shared, TxnOptions.defaults());
                Stm fresh = Stm.create(shared, TxnOptions.defaults())) {
            MapVersionedContainer<String> store = new MapVersionedContainer<>();
            Ref<String> r = stm.ref("ext", store, "fine");
            store.refuse("bad");
            assertThatThrownBy(() -> stm.run(txn -> r.set("bad")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode");
            assertThat(r.get()).isEqualTo("fine");
            assertThat(store.versions()).hasSize(1);
            store.corrupt(true);
            // a fresh open (another client) decodes what the store holds
            assertThatThrownBy(() -> fresh.ref("ext", store, "x"))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("map-store");
        }
    }

    @Test
    void anExternalAtomReportsCorruptBytesAndUnencodableValuesAsSuch() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm stm = Stm.create(shared, TxnOptions.defaults());
                Stm fresh = Stm.create(shared, TxnOptions.defaults())) {
            MapVersionedContainer<String> store = new MapVersionedContainer<>();
            Atom<String> a = stm.atom("ext", store, "fine");
            store.refuse("bad");
            assertThatThrownBy(() -> a.reset("bad"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode");
            assertThat(a.get()).isEqualTo("fine");
            store.corrupt(true);
            Atom<String> other = stm.atom("other", new MapVersionedContainer<>(), "o");
            assertThat(other.get()).isEqualTo("o");
            assertThatThrownBy(() -> fresh.atom("ext", store, "x")).isInstanceOf(CorruptRecordException.class);
        }
    }

    @Test
    void anInitialValueAPlainContainerCannotEncodeIsAnIllegalArgumentAndLeavesNoAtom() {
        try (Stm stm = Stm.inMemory()) {
            dev.synod.stm.spi.StateContainer<String> refusing = new dev.synod.stm.spi.StateContainer<>() {
                @Override
                public void init() {}

                @Override
                public void destroy() {}

                @Override
                public String get() {
                    throw new NoSuchRefException("nothing stored");
                }

                @Override
                public void set(String value) {
                    throw new IllegalArgumentException("cannot encode " + value);
                }
            };
            assertThatThrownBy(() -> stm.atom("plain", refusing, "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode x");
            dev.synod.stm.fixtures.MapStateContainer<String> fine = new dev.synod.stm.fixtures.MapStateContainer<>();
            assertThat(stm.atom("plain", fine, "y").get())
                    .as("nothing was left behind under the name")
                    .isEqualTo("y");
        }
    }

    @Test
    void destroyingAnExternalAtomOrRefRemovesItsVersions() {
        try (Stm stm = Stm.inMemory()) {
            MapVersionedContainer<Long> atomStore = new MapVersionedContainer<>();
            Atom<Long> a = stm.atom("a", atomStore, 1L);
            a.swap(x -> x + 1);
            assertThat(atomStore.versions()).isNotEmpty();
            a.destroy();
            assertThat(atomStore.versions()).isEmpty();
            assertThatThrownBy(a::get).isInstanceOf(NoSuchRefException.class);

            MapVersionedContainer<Long> refStore = new MapVersionedContainer<>();
            Ref<Long> r = stm.ref("r", refStore, 1L);
            stm.run(txn -> r.alter(x -> x + 1));
            r.destroy();
            assertThat(refStore.versions()).isEmpty();
        }
    }

    @Test
    void destroyingLeavesTheVersionsOfARefOfTheSameNameCreatedAgainMeanwhile() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapVersionedContainer<Long> store = new MapVersionedContainer<>(); // both clients configured alike
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults());
                Stm c = Stm.create(shared, TxnOptions.defaults())) { // c reads what is stored, not a memory
            AtomicReference<Runnable> onCleanup = new AtomicReference<>();
            // runs once, at the first deletion: the instant after a's cell is gone
            Runnable hook = () -> {
                Runnable r = onCleanup.getAndSet(null);
                if (r != null) {
                    r.run();
                }
            };
            VersionedStateContainer<Long> hooked = new Forwarding<>(store, hook);

            Ref<Long> r = a.ref("r", hooked, 1L);
            a.run(txn -> r.alter(x -> x + 1));
            AtomicReference<Ref<Long>> again = new AtomicReference<>();
            onCleanup.set(() -> again.set(b.ref("r", store, 100L)));
            r.destroy();
            assertThat(again.get()).as("created again during the destroy").isNotNull();
            assertThat(again.get().get()).isEqualTo(100L);
            assertThat(c.ref("r", store, -1L).get()).as("read from the store").isEqualTo(100L);

            MapVersionedContainer<Long> atomStore = new MapVersionedContainer<>(); // one container per identity
            Atom<Long> x = a.atom("x", new Forwarding<>(atomStore, hook), 1L);
            x.swap(v -> v + 1);
            AtomicReference<Atom<Long>> atomAgain = new AtomicReference<>();
            onCleanup.set(() -> atomAgain.set(b.atom("x", atomStore, 200L)));
            x.destroy();
            assertThat(atomAgain.get()).as("created again during the destroy").isNotNull();
            assertThat(atomAgain.get().get()).isEqualTo(200L);
            assertThat(c.atom("x", atomStore, -1L).get())
                    .as("read from the store")
                    .isEqualTo(200L);
        }
    }

    /** A container that runs {@code beforeCleanup} before it deletes anything. */
    private record Forwarding<T>(VersionedStateContainer<T> to, Runnable beforeCleanup)
            implements VersionedStateContainer<T> {
        @Override
        public void init() {
            to.init();
        }

        @Override
        public void destroy() {
            beforeCleanup.run();
            to.destroy();
        }

        @Override
        public Optional<T> getAt(String version) {
            return to.getAt(version);
        }

        @Override
        public void setAt(T value, String version) {
            to.setAt(value, version);
        }

        @Override
        public void deleteAt(String version) {
            beforeCleanup.run();
            to.deleteAt(version);
        }

        @Override
        public Collection<String> versions() {
            return to.versions();
        }
    }

    @Test
    void aCodecThatReturnsNullIsAnIllegalArgumentNamingTheIdentity() {
        Codec<String> nullBytes = new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return null;
            }

            @Override
            public String decode(byte[] bytes) {
                return "";
            }
        };
        try (Stm stm = Stm.inMemory()) {
            assertThatThrownBy(() -> stm.ref("r", nullBytes, "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'r'")
                    .hasMessageContaining("returned null");
            assertThatThrownBy(() -> stm.atom("a", nullBytes, "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'a'")
                    .hasMessageContaining("returned null");
        }
    }

    @Test
    void openingAnotherKindUnderAnExistingNameIsACorruptRecordFromAnotherClient() {
        dev.synod.stm.internal.InMemoryCoordinator shared = new dev.synod.stm.internal.InMemoryCoordinator();
        try (Stm writer = Stm.create(shared, TxnOptions.defaults());
                Stm reader = Stm.create(shared, TxnOptions.defaults())) {
            writer.ref("k", Codec.json(Long.class), 1L);
            writer.atom("a", Codec.json(Long.class), 1L);
            assertThatThrownBy(() -> reader.atom("k", new dev.synod.stm.fixtures.MapStateContainer<Long>(), 0L))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("not an atom kept in a StateContainer");
            assertThatThrownBy(() -> reader.atom("k", Codec.json(Long.class), 0L))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("holds a ref");
            assertThatThrownBy(() -> reader.ref("a", Codec.json(Long.class), 0L))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("holds an atom");
            // the failed opens did not hold the names in the reader
            assertThat(reader.ref("k", Codec.json(Long.class)).get()).isEqualTo(1L);
        }
    }

    @Test
    void aFailedOpenDoesNotHoldTheName() {
        try (Stm stm = Stm.inMemory()) {
            assertThatThrownBy(() -> stm.ref("x", Codec.json(Long.class))).isInstanceOf(NoSuchRefException.class);
            Atom<Long> a = stm.atom("x", Codec.json(Long.class), 1L); // not "already open as a ref"
            assertThat(a.get()).isEqualTo(1L);

            stm.ref("s", Codec.json(String.class), "not a number");
        }
        dev.synod.stm.internal.InMemoryCoordinator shared = new dev.synod.stm.internal.InMemoryCoordinator();
        try (Stm writer = Stm.create(shared, TxnOptions.defaults());
                Stm reader = Stm.create(shared, TxnOptions.defaults())) {
            writer.ref("s", Codec.json(String.class), "not a number");
            assertThatThrownBy(() -> reader.ref("s", Codec.json(Long.class)))
                    .isInstanceOf(CorruptRecordException.class);
            // the wrong codec did not stick: the right one opens it
            assertThat(reader.ref("s", Codec.json(String.class)).get()).isEqualTo("not a number");
        }
    }
}
