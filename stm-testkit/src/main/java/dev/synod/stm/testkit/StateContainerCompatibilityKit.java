package dev.synod.stm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.Stm;
import dev.synod.stm.spi.StateContainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link StateContainer} must keep, as abstract JUnit 5 tests. A back-end's
 * test extends this class and supplies fresh containers and sample values (see {@link
 * VersionedStateContainerCompatibilityKit} for an example).
 *
 * <p>Every test gets a container under a name no other test uses ({@link #container}), already
 * initialised; it is destroyed afterwards. The fencing tests run only for a container whose {@link
 * StateContainer#fencing()} is true (they are skipped otherwise).
 *
 * @param <T> the value type of the containers under test; values must implement {@code equals}
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StateContainerCompatibilityKit<T> {
    /** The container of the running test: initialised before it, destroyed after it. */
    protected StateContainer<T> container;

    /** The name {@link #container} was created with, unique to the running test. */
    protected String name;

    /**
     * A new handle on the container called {@code name}, not yet initialised. Two handles with
     * the same name must see the same value; different names must not see each other's values.
     */
    protected abstract StateContainer<T> newContainer(String name);

    /** A sample value; different {@code i} give values that are not {@code equals}. */
    protected abstract T value(int i);

    /** A value whose stored form takes at least {@code bytes} bytes; distinct for distinct {@code i}. */
    protected abstract T valueOfSize(int bytes, int i);

    /** The Stm the atom test runs on: {@link Stm#inMemory()} unless overridden. */
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
    void getBeforeAnySetThrowsNoSuchRef() {
        assertThatThrownBy(container::get).isInstanceOf(NoSuchRefException.class);
    }

    @Test
    void setThenGetReturnsTheLatestValue() {
        container.set(value(1));
        assertThat(container.get()).isEqualTo(value(1));
        container.set(value(2));
        assertThat(container.get()).isEqualTo(value(2));
    }

    @Test
    void initIsIdempotentAndKeepsTheValue() {
        container.set(value(1));
        container.init();
        container.init();
        assertThat(container.get()).isEqualTo(value(1));
    }

    @Test
    void destroyRemovesTheValueAndIsIdempotent() {
        container.set(value(1));
        container.destroy();
        container.destroy();
        container.init();
        assertThatThrownBy(container::get).isInstanceOf(NoSuchRefException.class);
        container.set(value(2));
        assertThat(container.get()).isEqualTo(value(2));
    }

    @Test
    void anotherHandleWithTheSameNameSeesTheSameValue() {
        container.set(value(3));
        StateContainer<T> other = newContainer(name);
        other.init();
        assertThat(other.get()).isEqualTo(value(3));
        other.set(value(4));
        assertThat(container.get()).isEqualTo(value(4));
    }

    @Test
    void containersWithDifferentNamesDoNotSeeEachOther() {
        StateContainer<T> other = newContainer(name + "-other");
        other.init();
        try {
            container.set(value(1));
            other.set(value(2));
            assertThat(container.get()).isEqualTo(value(1));
            other.destroy();
            assertThat(container.get()).isEqualTo(value(1));
            assertThatThrownBy(other::get).isInstanceOf(NoSuchRefException.class);
        } finally {
            other.destroy();
        }
    }

    @Test
    void nullValueIsRejected() {
        assertThatThrownBy(() -> container.set(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(container::get).isInstanceOf(NoSuchRefException.class);
    }

    /** Readers racing writers only ever see whole values that some writer set. */
    @Test
    void concurrentSetsAndGetsSeeOnlyWholeWrittenValues() throws Exception {
        int threads = 6;
        int perThread = 30;
        Set<T> written = ConcurrentHashMap.newKeySet();
        written.add(value(0));
        container.set(value(0));
        KitThreads.run(threads, t -> {
            for (int i = 1; i <= perThread; i++) {
                T v = value(t * 1000 + i);
                written.add(v);
                container.set(v);
                assertThat(written).contains(container.get());
            }
        });
        T last = container.get();
        assertThat(written).contains(last);
        assertThat(last).isNotEqualTo(value(0));
    }

    @Test
    void largeValuesRoundTrip() {
        T oneMb = valueOfSize(1024 * 1024, 1);
        container.set(oneMb);
        assertThat(container.get()).isEqualTo(oneMb);
        T tenMb = valueOfSize(10 * 1024 * 1024, 2);
        container.set(tenMb);
        assertThat(container.get()).isEqualTo(tenMb);
    }

    /** Skips the running test unless the container fences. */
    private void requireFencing() {
        Assumptions.assumeTrue(container.fencing(), "the container does not fence (StateContainer.fencing())");
    }

    @Test
    void aFencedWriteBelowTheStoredTokenIsRefusedAndStoresNothing() {
        requireFencing();
        assertThat(container.set(value(1), 10)).isTrue();
        assertThat(container.get()).isEqualTo(value(1));
        assertThat(container.set(value(2), 9)).isFalse();
        assertThat(container.get()).isEqualTo(value(1));
        assertThat(container.set(value(3), 10)).as("the same token again").isTrue();
        assertThat(container.get()).isEqualTo(value(3));
        assertThat(container.set(value(4), 11)).isTrue();
        assertThat(container.set(value(5), 10)).isFalse();
        assertThat(container.get()).isEqualTo(value(4));
    }

    @Test
    void aFencedWriteCreatesTheValueAndAnotherHandleSeesItsToken() {
        requireFencing();
        assertThat(container.set(value(1), 7)).isTrue();
        StateContainer<T> other = newContainer(name);
        other.init();
        assertThat(other.get()).isEqualTo(value(1));
        assertThat(other.set(value(2), 6)).isFalse();
        assertThat(container.get()).isEqualTo(value(1));
    }

    @Test
    void tokensRangeOverAllLongs() {
        requireFencing();
        assertThat(container.set(value(1), Long.MIN_VALUE)).isTrue();
        assertThat(container.set(value(2), -1)).isTrue();
        assertThat(container.set(value(3), Long.MAX_VALUE)).isTrue();
        assertThat(container.set(value(4), Long.MAX_VALUE - 1)).isFalse();
        assertThat(container.get()).isEqualTo(value(3));
    }

    @Test
    void anUnfencedSetAndDestroyClearTheToken() {
        requireFencing();
        assertThat(container.set(value(1), 100)).isTrue();
        container.set(value(2));
        assertThat(container.set(value(3), 1)).as("after an unfenced set").isTrue();
        assertThat(container.set(value(4), 100)).isTrue();
        container.destroy();
        container.init();
        assertThat(container.set(value(5), 1)).as("after destroy").isTrue();
        assertThat(container.get()).isEqualTo(value(5));
    }

    @Test
    void aNullValueIsRejectedByAFencedWriteToo() {
        assertThatThrownBy(() -> container.set(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(container::get).isInstanceOf(NoSuchRefException.class);
    }

    /**
     * Of concurrent fenced writes, in any order, the value of the highest token is the one left:
     * over a value that exists, and (in each of several rounds on a fresh name) when the writers
     * race to create it.
     */
    @Test
    void concurrentFencedWritesLeaveTheValueOfTheHighestToken() throws Exception {
        requireFencing();
        int threads = 6;
        int perThread = 10;
        int rounds = 5;
        for (int round = 0; round <= rounds; round++) {
            // round 0 on the test's container, which holds a value; then fresh names, created by the race
            StateContainer<T> target = round == 0 ? container : newContainer(name + "-r" + round);
            target.init();
            if (round == 0) {
                target.set(value(0), 0);
            }
            List<Long> tokens = new ArrayList<>();
            for (long t = 1; t <= threads * perThread; t++) {
                tokens.add(t);
            }
            Collections.shuffle(tokens, new Random(round));
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                KitThreads.run(threads, t -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        long token = tokens.get(t * perThread + i);
                        target.set(value((int) token), token);
                    }
                });
                assertThat(target.get()).as("round %d", round).isEqualTo(value(threads * perThread));
                assertThat(target.set(value(0), threads * perThread - 1)).isFalse();
            } finally {
                if (round > 0) {
                    target.destroy();
                }
            }
        }
    }

    @Test
    void anAtomOverTheContainerLosesNoUpdateUnderConcurrency() throws Exception {
        try (Stm stm = newStm()) {
            Atom<T> atom = stm.atom(name + "-atom", container, value(0));
            AtomicInteger next = new AtomicInteger();
            Map<T, T> successor = new ConcurrentHashMap<>();
            KitThreads.run(4, thread -> {
                for (int i = 0; i < 10; i++) {
                    atom.swap(old -> {
                        T fresh = value(next.incrementAndGet());
                        successor.put(old, fresh); // called once per applied update: the atom claims first
                        return fresh;
                    });
                }
            });
            // The updates form one chain from the initial value: none lost, none applied twice.
            T v = value(0);
            int steps = 0;
            while (successor.containsKey(v)) {
                v = successor.get(v);
                steps++;
            }
            assertThat(steps).isEqualTo(40);
            assertThat(successor).hasSize(40);
            assertThat(atom.get()).isEqualTo(v);
        }
    }
}
