package dev.synod.stm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link VersionedStateContainer} must keep, as abstract JUnit 5 tests. A
 * back-end's test extends this class and supplies fresh containers and sample values:
 *
 * <pre>{@code
 * class JdbcVersionedStateContainerTest extends VersionedStateContainerCompatibilityKit<String> {
 *     protected VersionedStateContainer<String> newContainer(String name) {
 *         return JdbcVersionedStateContainer.builder(dataSource, name, String.class).build();
 *     }
 *     protected String value(int i) { return "value-" + i; }
 *     protected String valueOfSize(int bytes, int i) { return i + "x".repeat(bytes); }
 * }
 * }</pre>
 *
 * <p>Every test gets a container under a name no other test uses ({@link #container}), already
 * initialised; it is destroyed afterwards. The transactional tests run refs over the container
 * through {@link #newStm()} ({@link Stm#inMemory()} unless overridden, e.g. with a ZooKeeper Stm).
 *
 * @param <T> the value type of the containers under test; values must implement {@code equals}
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class VersionedStateContainerCompatibilityKit<T> {
    /**
     * The most versions a ref may keep referenced: its current value plus the engine's largest
     * history (10 previous values).
     */
    protected static final int MAX_REFERENCED_VERSIONS = 11;

    /** The container of the running test: initialised before it, destroyed after it. */
    protected VersionedStateContainer<T> container;

    /** The name {@link #container} was created with, unique to the running test. */
    protected String name;

    /**
     * A new handle on the container called {@code name}, not yet initialised. Two handles with
     * the same name must see the same versions (as two JVMs would); different names must not see
     * each other's versions.
     */
    protected abstract VersionedStateContainer<T> newContainer(String name);

    /** A sample value; different {@code i} give values that are not {@code equals}. */
    protected abstract T value(int i);

    /** A value whose stored form takes at least {@code bytes} bytes; distinct for distinct {@code i}. */
    protected abstract T valueOfSize(int bytes, int i);

    /** The Stm the transactional tests run on. Closed by the test. */
    protected Stm newStm() {
        return Stm.inMemory();
    }

    @BeforeEach
    void createContainer(TestInfo info) {
        name = KitNames.unique(info);
        container = newContainer(name);
        container.init();
    }

    @AfterEach
    void destroyContainer() {
        if (container != null) {
            container.destroy();
        }
    }

    @Test
    void initIsIdempotentAndKeepsVersions() {
        container.setAt(value(1), "v1");
        container.init();
        container.init();
        assertThat(container.getAt("v1")).contains(value(1));
        assertThat(container.versions()).containsExactly("v1");
    }

    @Test
    void setAtThenGetAtReturnsEachVersionsOwnValue() {
        for (int i = 0; i < 5; i++) {
            container.setAt(value(i), "v" + i);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(container.getAt("v" + i)).contains(value(i));
        }
    }

    @Test
    void missingVersionIsEmptyAndDeletingItDoesNothing() {
        container.setAt(value(1), "present");
        assertThat(container.getAt("absent")).isEmpty();
        container.deleteAt("absent");
        assertThat(container.versions()).containsExactly("present");
    }

    @Test
    void deleteAtRemovesOnlyThatVersion() {
        container.setAt(value(1), "a");
        container.setAt(value(2), "b");
        container.deleteAt("a");
        container.deleteAt("a");
        assertThat(container.getAt("a")).isEmpty();
        assertThat(container.getAt("b")).contains(value(2));
        assertThat(container.versions()).containsExactly("b");
    }

    @Test
    void versionsListsExactlyTheStoredKeys() {
        assertThat(container.versions()).isEmpty();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String key = "0123456789abcdef0123456789abcdef-" + i;
            container.setAt(value(i), key);
            keys.add(key);
        }
        assertThat(container.versions()).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void destroyRemovesEverythingAndIsIdempotent() {
        container.setAt(value(1), "a");
        container.setAt(value(2), "b");
        container.destroy();
        container.destroy();
        assertThat(container.versions()).isEmpty();
        assertThat(container.getAt("a")).isEmpty();
        container.init();
        assertThat(container.versions()).isEmpty();
        container.setAt(value(3), "a");
        assertThat(container.getAt("a")).contains(value(3));
    }

    @Test
    void anotherHandleWithTheSameNameSeesTheSameVersions() {
        container.setAt(value(7), "shared");
        VersionedStateContainer<T> other = newContainer(name);
        other.init();
        assertThat(other.getAt("shared")).contains(value(7));
        other.deleteAt("shared");
        assertThat(container.getAt("shared")).isEmpty();
    }

    @Test
    void containersWithDifferentNamesDoNotSeeEachOther() {
        VersionedStateContainer<T> other = newContainer(name + "-other");
        other.init();
        try {
            container.setAt(value(1), "same-key");
            other.setAt(value(2), "same-key");
            assertThat(container.getAt("same-key")).contains(value(1));
            assertThat(other.getAt("same-key")).contains(value(2));
            other.destroy();
            assertThat(container.versions()).containsExactly("same-key");
            assertThat(other.versions()).isEmpty();
        } finally {
            other.destroy();
        }
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> container.setAt(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> container.setAt(value(1), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> container.getAt(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> container.deleteAt(null)).isInstanceOf(NullPointerException.class);
        assertThat(container.versions()).isEmpty();
    }

    @Test
    void describeIsShortAndNonEmpty() {
        assertThat(container.describe()).isNotBlank().hasSizeLessThan(200);
    }

    @Test
    void concurrentUseFromSeveralThreadsLosesNothing() throws Exception {
        int threads = 6;
        int perThread = 30;
        Map<String, T> expected = new ConcurrentHashMap<>();
        KitThreads.run(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                String key = "t" + t + "-" + i;
                T v = value(t * 1000 + i);
                container.setAt(v, key);
                assertThat(container.getAt(key)).contains(v);
                if (i % 3 == 0) {
                    container.deleteAt(key);
                } else {
                    expected.put(key, v);
                }
                container.versions(); // listing while others write must not fail
            }
        });
        assertThat(container.versions()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, T> e : expected.entrySet()) {
            assertThat(container.getAt(e.getKey())).contains(e.getValue());
        }
    }

    @Test
    void largeValuesRoundTrip() {
        T oneMb = valueOfSize(1024 * 1024, 1);
        T tenMb = valueOfSize(10 * 1024 * 1024, 2);
        container.setAt(oneMb, "one-mb");
        container.setAt(tenMb, "ten-mb");
        assertThat(container.getAt("one-mb")).contains(oneMb);
        assertThat(container.getAt("ten-mb")).contains(tenMb);
        container.deleteAt("ten-mb");
        assertThat(container.versions()).containsExactly("one-mb");
    }

    /**
     * Refs over the container, altered from several threads: the final value is exact, and
     * afterwards the container holds only versions the ref still references (aborted attempts and
     * versions that fell out of history were deleted). Each committed value is distinct, so the
     * referenced versions are exactly the newest few committed values, without duplicates.
     */
    @Test
    void refOverTheContainerCommitsExactlyAndLeavesNoStrayVersions() throws Exception {
        int threads = 4;
        int perThread = 25;
        int total = threads * perThread;
        Map<T, Integer> index = indexOfValues(total);
        try (Stm stm = newStm()) {
            Ref<T> ref = stm.ref(name, container, value(0));
            KitThreads.run(threads, t -> {
                for (int i = 0; i < perThread; i++) {
                    stm.run(txn -> ref.alter(v -> value(index.get(v) + 1)));
                }
            });
            assertThat(ref.get()).isEqualTo(value(total));
            assertOnlyNewestVersionsRemain(index, total);
        }
    }

    /**
     * A transaction whose staged version loses the commit (a concurrent commit lands between its
     * staging and its commit) deletes that version and retries; nothing it staged is left behind.
     */
    @Test
    void abortedCommitDeletesItsStagedVersion() throws Exception {
        Map<T, Integer> index = indexOfValues(3);
        StagingInterceptor<T> interceptor = new StagingInterceptor<>(container);
        try (Stm stm = newStm()) {
            Ref<T> ref = stm.ref(name, interceptor, value(0));
            interceptor.beforeNextStage(
                    () -> KitThreads.runInOtherThread(() -> stm.run(txn -> ref.alter(v -> value(index.get(v) + 1)))));
            stm.run(txn -> ref.alter(v -> value(index.get(v) + 1)));
            assertThat(ref.get()).isEqualTo(value(2));
            assertThat(interceptor.staged()).hasSizeGreaterThanOrEqualTo(3);
            String lostAttempt = interceptor.staged().get(1);
            assertThat(container.getAt(lostAttempt)).isEmpty();
            assertThat(container.versions()).doesNotContain(lostAttempt);
            assertOnlyNewestVersionsRemain(index, 2);
        }
    }

    /**
     * Regression test for an engine race: a reader loads a ref's record, then, before it reads the
     * version that record points at, concurrent commits push that version out of the history and
     * delete it. The read must then see a newer value (or retry), not fail with {@code
     * CorruptRecordException} (fixed in stm-core by 82daf89).
     */
    @Test
    void readerRacingAHistoryTrimSeesANewerValue() {
        Map<T, Integer> index = indexOfValues(4);
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm writer = Stm.create(coordinator, TxnOptions.defaults());
                Stm reader = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<T> w = writer.ref(name, container, value(0));
            writer.run(txn -> w.alter(v -> value(index.get(v) + 1)));
            StagingInterceptor<T> slowReads = new StagingInterceptor<>(container);
            Ref<T> r = reader.ref(name, slowReads, value(0));
            writer.run(txn -> w.alter(v -> value(index.get(v) + 1)));
            slowReads.beforeNextRead(() -> KitThreads.runInOtherThread(() -> {
                writer.run(txn -> w.alter(v -> value(index.get(v) + 1)));
                writer.run(txn -> w.alter(v -> value(index.get(v) + 1)));
            }));
            assertThat(r.get()).isEqualTo(value(4));
        }
    }

    private Map<T, Integer> indexOfValues(int total) {
        Map<T, Integer> index = new HashMap<>();
        for (int i = 0; i <= total; i++) {
            assertThat(index.put(value(i), i))
                    .as("value(%s) must differ from earlier values", i)
                    .isNull();
        }
        return index;
    }

    private void assertOnlyNewestVersionsRemain(Map<T, Integer> index, int newest) {
        List<Integer> held = new ArrayList<>();
        for (String key : container.versions()) {
            Optional<T> v = container.getAt(key);
            assertThat(v).as("version %s listed but not readable", key).isPresent();
            held.add(index.get(v.get()));
        }
        assertThat(held).as("indexes of the values still stored").doesNotHaveDuplicates();
        assertThat(held).contains(newest);
        assertThat(held).hasSizeLessThanOrEqualTo(MAX_REFERENCED_VERSIONS);
        int oldest = newest - held.size() + 1;
        assertThat(held)
                .as("stored values must be the newest committed ones, contiguous")
                .allMatch(i -> i != null && i >= oldest && i <= newest);
    }

    /** Passes calls through, remembering staged keys and running a hook before one staging or read. */
    private static final class StagingInterceptor<T> implements VersionedStateContainer<T> {
        private final VersionedStateContainer<T> delegate;
        private final List<String> staged = new ArrayList<>();
        private volatile Runnable hook;
        private volatile Runnable readHook;

        StagingInterceptor(VersionedStateContainer<T> delegate) {
            this.delegate = delegate;
        }

        void beforeNextStage(Runnable r) {
            hook = r;
        }

        void beforeNextRead(Runnable r) {
            readHook = r;
        }

        synchronized List<String> staged() {
            return List.copyOf(staged);
        }

        @Override
        public void init() {
            delegate.init();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public Optional<T> getAt(String version) {
            Runnable r = readHook;
            if (r != null) {
                readHook = null;
                r.run();
            }
            return delegate.getAt(version);
        }

        @Override
        public void setAt(T value, String version) {
            synchronized (this) {
                staged.add(version);
            }
            delegate.setAt(value, version);
            Runnable r = hook;
            if (r != null) {
                hook = null;
                r.run();
            }
        }

        @Override
        public void deleteAt(String version) {
            delegate.deleteAt(version);
        }

        @Override
        public Collection<String> versions() {
            return delegate.versions();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
