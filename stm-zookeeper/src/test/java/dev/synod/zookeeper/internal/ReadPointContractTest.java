package dev.synod.zookeeper.internal;

import static dev.synod.zookeeper.internal.CoordinatorFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.internal.CoordinatorFixture.Recorder;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read-point contract, observed from another client while commits stream in: for every opened
 * cell, {@code current} reflects every commit with a stamp up to {@code readPoint()}; and every
 * cache advance is notified once, in order, with the state known before.
 */
class ReadPointContractTest {
    private static final int CELLS = 4;

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    /** One observation: a read point and the stamps current() gave right after. */
    private record Sample(long readPoint, long[] stamps) {}

    @Test
    void currentReflectsEveryCommitUpToTheReadPointAndEachAdvanceIsNotifiedOnce() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client writer = fx.client();
        Client reader = fx.client();
        Map<String, List<Long>> committed = new HashMap<>();
        for (int i = 0; i < CELLS; i++) {
            Versioned v = writer.coordinator().open("c" + i, bytes("0"));
            committed.put(v.name(), new ArrayList<>(List.of(v.stamp())));
        }
        Map<String, Long> openedAt = new HashMap<>();
        for (int i = 0; i < CELLS; i++) {
            openedAt.put("c" + i, reader.coordinator().open("c" + i, null).stamp());
        }
        Recorder heard = new Recorder();
        reader.coordinator().subscribe(heard);

        AtomicBoolean writing = new AtomicBoolean(true);
        List<Sample> samples = new CopyOnWriteArrayList<>();
        Thread sampler = new Thread(() -> {
            while (writing.get()) {
                samples.add(sample(reader.coordinator()));
                Thread.onSpinWait();
            }
        });
        sampler.start();
        Random random = new Random(42);
        long last = 0;
        for (int n = 0; n < 300; n++) {
            List<CommitRequest.Write> writes = new ArrayList<>();
            int first = random.nextInt(CELLS);
            int count = 1 + random.nextInt(2);
            for (int k = 0; k < count; k++) {
                Versioned cur = writer.coordinator().current("c" + ((first + k) % CELLS));
                writes.add(new CommitRequest.Write(cur.name(), cur.version(), bytes("v" + n)));
            }
            CommitResult.Committed c = (CommitResult.Committed)
                    writer.coordinator().commit(new CommitRequest(List.of(), writes, List.of()));
            c.written().keySet().forEach(name -> committed.get(name).add(c.stamp()));
            last = c.stamp();
        }
        assertThat(reader.coordinator().awaitReadPoint(last, 10, TimeUnit.SECONDS))
                .isTrue();
        writing.set(false);
        sampler.join();

        assertThat(samples).hasSizeGreaterThan(10);
        long previousPoint = 0;
        for (Sample s : samples) {
            assertThat(s.readPoint()).as("read points never go backwards").isGreaterThanOrEqualTo(previousPoint);
            previousPoint = s.readPoint();
            for (int i = 0; i < CELLS; i++) {
                long required = lastCommitAtOrBefore(committed.get("c" + i), s.readPoint());
                assertThat(s.stamps()[i])
                        .as("c%d at read point %d", i, s.readPoint())
                        .isGreaterThanOrEqualTo(required);
            }
        }
        for (int i = 0; i < CELLS; i++) {
            String name = "c" + i;
            List<Long> stamps = committed.get(name);
            assertThat(reader.coordinator().current(name).stamp()).isEqualTo(stamps.get(stamps.size() - 1));
            CoordinatorFixture.await(() -> {
                List<Versioned[]> changes = heard.of(name);
                return !changes.isEmpty()
                        && changes.get(changes.size() - 1)[1].stamp() == stamps.get(stamps.size() - 1);
            });
            long known = openedAt.get(name);
            for (Versioned[] change : heard.of(name)) {
                assertThat(change[0].stamp())
                        .as("previous = the state known before")
                        .isEqualTo(known);
                assertThat(change[1].stamp()).isGreaterThan(known);
                assertThat(stamps).contains(change[1].stamp());
                known = change[1].stamp();
            }
        }
    }

    /**
     * The same contract while the observing client sends requests of its own (commits on its own
     * cell and fetches), whose replies are barriers queued among the notifications of two other
     * writers' two-cell commits: a read point raised past a notification not yet applied to the
     * cache shows up as a cell older than a commit at or below the read point.
     */
    @Test
    void currentReflectsTheReadPointWhileTheObserverSendsBarriersOfItsOwn() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        List<Client> writers = List.of(fx.client(), fx.client());
        Client reader = fx.client();
        Map<String, List<Long>> committed = new HashMap<>();
        for (int i = 0; i < CELLS; i++) {
            writers.get(0).coordinator().open("c" + i, bytes("0"));
            writers.get(1).coordinator().open("c" + i, null);
            committed.put("c" + i, new ArrayList<>());
        }
        for (int i = 0; i < CELLS; i++) {
            reader.coordinator().open("c" + i, null);
        }
        reader.coordinator().open("own", bytes("0"));

        AtomicBoolean running = new AtomicBoolean(true);
        List<Sample> samples = new ArrayList<>(); // the sampler's own; read after join
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ownCommits = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        threads.add(guarded(failures, () -> {
            while (running.get()) {
                samples.add(sample(reader.coordinator()));
                Thread.onSpinWait();
            }
        }));
        threads.add(guarded(failures, () -> {
            while (running.get()) {
                Versioned own = reader.coordinator().current("own");
                reader.coordinator()
                        .commit(new CommitRequest(
                                List.of(),
                                List.of(new CommitRequest.Write("own", own.version(), bytes("x"))),
                                List.of()));
                ownCommits.incrementAndGet();
            }
        }));
        threads.add(guarded(failures, () -> {
            Random random = new Random(7);
            while (running.get()) {
                reader.coordinator().fetch(List.of("c" + random.nextInt(CELLS)));
                fetches.incrementAndGet();
            }
        }));
        threads.forEach(Thread::start);
        List<Thread> writing = new ArrayList<>();
        for (int w = 0; w < writers.size(); w++) {
            Client writer = writers.get(w);
            Random random = new Random(w);
            writing.add(guarded(failures, () -> {
                for (int n = 0; n < 400; n++) {
                    int first = random.nextInt(CELLS);
                    List<CommitRequest.Write> writes = new ArrayList<>();
                    for (int k = 0; k < 2; k++) {
                        Versioned cur = writer.coordinator().current("c" + ((first + k) % CELLS));
                        writes.add(new CommitRequest.Write(cur.name(), cur.version(), bytes("v" + n)));
                    }
                    if (writer.coordinator().commit(new CommitRequest(List.of(), writes, List.of()))
                            instanceof CommitResult.Committed c) {
                        synchronized (committed) {
                            c.written()
                                    .keySet()
                                    .forEach(name -> committed.get(name).add(c.stamp()));
                        }
                    }
                }
            }));
        }
        writing.forEach(Thread::start);
        for (Thread t : writing) {
            t.join();
        }
        long last = committed.values().stream()
                .flatMap(List::stream)
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        assertThat(reader.coordinator().awaitReadPoint(last, 10, TimeUnit.SECONDS))
                .isTrue();
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).as("threads that failed").isEmpty();
        assertThat(ownCommits.get()).as("the observer's own commits (barriers)").isPositive();
        assertThat(fetches.get()).as("the observer's fetches (barriers)").isPositive();
        assertThat(samples).hasSizeGreaterThan(10);
        int violations = 0;
        String first = null;
        for (Sample s : samples) {
            for (int i = 0; i < CELLS; i++) {
                long required = lastCommitAtOrBefore(committed.get("c" + i), s.readPoint());
                if (s.stamps()[i] < required) {
                    violations++;
                    if (first == null) {
                        first = "c" + i + " at stamp " + s.stamps()[i] + " while read point " + s.readPoint()
                                + " covers its commit " + required;
                    }
                }
            }
        }
        assertThat(violations)
                .as("samples behind the read point; first: %s", first)
                .isZero();
    }

    /** The read point, then the stamp {@code current()} gives for every cell. */
    private static Sample sample(ZkCoordinator coordinator) {
        long t = coordinator.readPoint();
        long[] stamps = new long[CELLS];
        for (int i = 0; i < CELLS; i++) {
            stamps[i] = coordinator.current("c" + i).stamp();
        }
        return new Sample(t, stamps);
    }

    /** A thread whose failure is recorded instead of lost. */
    private static Thread guarded(List<Throwable> failures, Runnable body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
    }

    private static long lastCommitAtOrBefore(List<Long> stamps, long point) {
        long best = -1;
        for (long s : stamps) {
            if (s <= point) {
                best = Math.max(best, s);
            }
        }
        return best;
    }
}
