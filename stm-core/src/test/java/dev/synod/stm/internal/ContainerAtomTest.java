package dev.synod.stm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.Stm;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.ValidationException;
import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.fixtures.ForwardingStateContainer;
import dev.synod.stm.fixtures.MapStateContainer;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Atoms over a plain StateContainer: claimed updates, exact under contention, abandoned claims. */
class ContainerAtomTest {
    @Test
    void concurrentSwapsFromSeveralClientsAreExact() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>();
        List<Stm> clients = new ArrayList<>();
        try {
            List<Atom<Long>> atoms = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Stm client = Stm.create(shared, TxnOptions.defaults());
                clients.add(client);
                atoms.add(client.atom("counter", store, 0L));
            }
            swapInThreads(atoms, 300);
            assertThat(clients.get(0).atom("counter", store, 0L).get()).isEqualTo(1_200L);
            // each update: one claim and one settle
            assertThat(clients.stream()
                            .mapToLong(c -> c.metrics().atomUpdates())
                            .sum())
                    .isEqualTo(1_200L);
        } finally {
            clients.forEach(Stm::close);
        }
    }

    @Test
    void threadsOfOneClientTakeTurnsInsteadOfRacingForTheClaim() throws Exception {
        MapStateContainer<Long> store = new MapStateContainer<>();
        try (Stm stm = Stm.create(new InMemoryCoordinator(), TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("local", store, 0L);
            swapInThreads(List.of(atom, atom, atom, atom), 300);
            assertThat(atom.get()).isEqualTo(1_200L);
            assertThat(stm.metrics().atomConflicts())
                    .as("no thread found the claim of another thread of its client")
                    .isZero();
        }
    }

    @Test
    void compareAndSetResetValidatorsAndWatches() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<String> store = new MapStateContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<String> mine = a.atom("s", store, "one");
            Atom<String> theirs = b.atom("s", store, "ignored");
            List<String> seen = new CopyOnWriteArrayList<>();
            theirs.addWatch("w", (k, id, o, n) -> seen.add(o + "->" + n));
            assertThat(mine.compareAndSet("one", "two")).isTrue();
            assertThat(mine.compareAndSet("one", "three")).isFalse();
            assertThat(mine.reset("four")).isEqualTo("four");
            mine.setValidator(v -> !v.isEmpty());
            assertThatThrownBy(() -> mine.reset("")).isInstanceOf(ValidationException.class);
            assertThat(theirs.get()).isEqualTo("four");
            IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> mine.swap(v -> {
                        throw boom;
                    }))
                    .isSameAs(boom);
            assertThat(mine.swap(v -> v + "!")).isEqualTo("four!"); // the failed update released its claim
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((seen.isEmpty() || !seen.get(seen.size() - 1).endsWith("->four!")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // The store keeps only the latest value, so changes may be coalesced; the calls form a
            // chain from the first value to the last, each starting where the previous ended.
            assertThat(seen).isNotEmpty();
            assertThat(seen.get(0)).startsWith("one->");
            assertThat(seen.get(seen.size() - 1)).endsWith("->four!");
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).startsWith(seen.get(i - 1).split("->")[1] + "->");
            }
        }
    }

    @Test
    void anAbandonedClaimIsTakenOverAfterTheLease() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults().withTimeout(Duration.ofSeconds(2)))) {
            Atom<Long> atom = stm.atom("a", new MapStateContainer<>(), 1L);
            // a client that claimed the atom 10 s ago and crashed
            coordinator.commit(new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(
                            "a",
                            CommitRequest.ANY_VERSION,
                            ContainerAtom.record(TxnId.random(), true, System.currentTimeMillis() - 10_000, 2_000))),
                    List.of()));
            assertThat(atom.swap(x -> x + 1)).isEqualTo(2L);
            assertThat(atom.get()).isEqualTo(2L);
        }
    }

    @Test
    void aClaimInTheFormerLayoutWithoutItsLeaseIsStillRead() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults().withTimeout(Duration.ofSeconds(2)))) {
            Atom<Long> atom = stm.atom("old", new MapStateContainer<>(), 1L);
            // state (1 byte) and stamp (8), no lease: the observer's own timeout stands in for it
            byte[] state = java.nio.ByteBuffer.allocate(9)
                    .put((byte) 1)
                    .putLong(System.currentTimeMillis() - 10_000)
                    .array();
            byte[] former = new Record(Record.ATOM | Record.EXTERNAL, TxnId.random(), state, List.of()).encode();
            coordinator.commit(new CommitRequest(
                    List.of(), List.of(new CommitRequest.Write("old", CommitRequest.ANY_VERSION, former)), List.of()));
            assertThat(atom.swap(x -> x + 1)).isEqualTo(2L);
        }
    }

    @Test
    void aHolderStalledPastItsLeaseStoresNothingOnceItsClaimWasTakenOver() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>();
        try (Stm slow = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofMillis(600)));
                Stm fast = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofSeconds(10)))) {
            Atom<Long> stalled = slow.atom("taken", store, 1L);
            Atom<Long> other = fast.atom("taken", store, 1L);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            // paused (a GC, a slow function) for longer than its lease
            java.util.concurrent.CompletableFuture<Long> slowUpdate = swapHeldUntil(stalled, release);
            // the other client waits out the lease, takes the claim over and its update is acknowledged
            assertThat(other.swap(x -> x + 1)).isEqualTo(2L);
            release.countDown();
            assertThatThrownBy(slowUpdate::join)
                    .hasCauseInstanceOf(dev.synod.stm.LockLostException.class)
                    .hasMessageContaining("nothing was stored");
            assertThat(other.get())
                    .as("the acknowledged update after the takeover is not overwritten")
                    .isEqualTo(2L);
            assertThat(stalled.swap(x -> x + 1)).isEqualTo(3L);
        }
    }

    @Test
    void aStoreWriteHeldPastTheLeaseIsFencedOffByTheClaimThatTookOver() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>(true);
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
        // the slow client's store write is sent, then held (a hung connection, a pause) past its lease
        dev.synod.stm.spi.StateContainer<Long> slowStore = new ForwardingStateContainer<>(store) {
            @Override
            public boolean set(Long value, long token) {
                if (hold.getAndSet(false)) {
                    writing.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return store.set(value, token);
            }
        };
        try (Stm slow = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofMillis(600)));
                Stm fast = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofSeconds(10)))) {
            Atom<Long> stalled = slow.atom("fenced", slowStore, 1L);
            Atom<Long> other = fast.atom("fenced", store, 1L);
            hold.set(true);
            java.util.concurrent.CompletableFuture<Long> slowUpdate =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> stalled.swap(x -> x + 100));
            assertThat(writing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // the other client waits out the lease, takes the claim over and its update is acknowledged
            assertThat(other.swap(x -> x + 1)).isEqualTo(2L);
            release.countDown(); // the late write reaches the store now
            assertThatThrownBy(slowUpdate::join)
                    .hasCauseInstanceOf(dev.synod.stm.LockLostException.class)
                    .hasMessageContaining("fenced off")
                    .hasMessageContaining("nothing was stored");
            assertThat(other.get())
                    .as("the acknowledged update after the takeover is not overwritten")
                    .isEqualTo(2L);
            assertThat(stalled.swap(x -> x + 1)).isEqualTo(3L);
        }
    }

    @Test
    void aForeignTokenIsClearedByAWriteUnderAClaimThatStillStands() {
        MapStateContainer<Long> store = new MapStateContainer<>(true);
        try (Stm stm = Stm.create(new InMemoryCoordinator(), TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("foreign", store, 1L);
            // the coordinator's data was reset since: the store holds a token above its stamps
            assertThat(store.set(99L, Long.MAX_VALUE)).isTrue();
            assertThat(atom.swap(x -> x + 1)).isEqualTo(100L);
            assertThat(atom.swap(x -> x + 1)).isEqualTo(101L);
            assertThat(store.get()).isEqualTo(101L);
        }
    }

    @Test
    void aStoreFailingAfterTheClaimWasRenewedLeavesTheAtomSettled() {
        MapStateContainer<Long> inner = new MapStateContainer<>(true);
        java.util.concurrent.atomic.AtomicInteger fencedWrites = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        // refuses a write (a foreign token, as it seems), then fails on the write after the renewal
        dev.synod.stm.spi.StateContainer<Long> flaky = new ForwardingStateContainer<>(inner) {
            @Override
            public boolean set(Long value, long token) {
                if (!failing.get()) {
                    return inner.set(value, token);
                }
                if (fencedWrites.incrementAndGet() == 1) {
                    return false;
                }
                throw new IllegalStateException("store down");
            }
        };
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm first = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofSeconds(30)));
                Stm second = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofSeconds(30)))) {
            Atom<Long> atom = first.atom("renewed-then-failed", flaky, 1L);
            Atom<Long> other = second.atom("renewed-then-failed", inner, 1L);
            failing.set(true);
            assertThatThrownBy(() -> atom.swap(x -> x + 1)).isInstanceOf(dev.synod.stm.StateStoreException.class);
            assertThat(fencedWrites.get()).isEqualTo(2);
            long start = System.nanoTime();
            assertThat(other.swap(x -> x + 1)).isEqualTo(2L);
            assertThat(System.nanoTime() - start)
                    .as("the renewed claim was released: no one waits out its lease of 30 s")
                    .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void anAtomCreatedOverAStoreHoldingAForeignTokenStartsAfresh() {
        MapStateContainer<Long> store = new MapStateContainer<>(true);
        // left by a coordinator whose data was since reset: its stamps were far higher
        assertThat(store.set(99L, Long.MAX_VALUE)).isTrue();
        try (Stm stm = Stm.create(new InMemoryCoordinator(), TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("reset", store, 5L);
            assertThat(atom.get()).isEqualTo(5L);
            assertThat(atom.swap(x -> x + 1)).isEqualTo(6L);
            assertThat(store.get()).isEqualTo(6L);
        }
    }

    @Test
    void anotherClientHonoursTheLeaseTheHolderAsked() throws Exception {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>();
        try (Stm patient = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofSeconds(20)));
                Stm hasty = Stm.create(shared, TxnOptions.defaults().withTimeout(Duration.ofMillis(300)))) {
            Atom<Long> holder = patient.atom("lease", store, 1L);
            Atom<Long> other = hasty.atom("lease", store, 1L);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<Long> holding = swapHeldUntil(holder, release);
            sleep(200); // the claim is older than two thirds of the other client's own timeout
            // its own timeout is 300 ms, but the claim asks for 20 s: it gives up instead of taking over
            assertThatThrownBy(() -> other.swap(x -> x + 1))
                    .isInstanceOf(dev.synod.stm.TransactionTimeoutException.class);
            release.countDown();
            assertThat(holding.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(101L);
            assertThat(other.get()).isEqualTo(101L);
        }
    }

    @Test
    void aHolderPastHalfItsLeaseRenewsItsClaimBeforeItStores() {
        dev.synod.stm.fixtures.ForwardingCoordinator counting = new dev.synod.stm.fixtures.ForwardingCoordinator();
        try (Stm stm = Stm.create(counting, TxnOptions.defaults().withTimeout(Duration.ofMillis(400)))) {
            Atom<Long> atom = stm.atom("renewed", new MapStateContainer<Long>(), 0L);
            long before = counting.real.commitRequests();
            assertThat(atom.swap(x -> {
                        sleep(250); // past half the lease of 400 ms
                        return x + 1;
                    }))
                    .isEqualTo(1L);
            assertThat(counting.real.commitRequests() - before)
                    .as("claim, renewal, settle")
                    .isEqualTo(3);
            // a quick update is a claim and a settle: anUpdateSendsAClaimAndASettleAndReadsNothingBack
        }
    }

    @Test
    void aClaimStampedByAClockFarAheadIsTakenOverOnceWatchedForItsLease() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults().withTimeout(Duration.ofSeconds(10)))) {
            Atom<Long> atom = stm.atom("ahead", new MapStateContainer<>(), 1L);
            // a crashed holder whose clock ran an hour ahead, with a lease of 300 ms
            coordinator.commit(new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(
                            "ahead",
                            CommitRequest.ANY_VERSION,
                            ContainerAtom.record(TxnId.random(), true, System.currentTimeMillis() + 3_600_000, 300))),
                    List.of()));
            long start = System.nanoTime();
            assertThat(atom.swap(x -> x + 1)).isEqualTo(2L);
            assertThat(System.nanoTime() - start)
                    .as("not before it was watched for a whole lease")
                    .isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void destroyRemovesTheStoredValueWhileItsClaimKeepsTheAtomFromBeingCreatedAgain() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        List<String> cellWhenStoreDestroyed = new ArrayList<>();
        MapStateContainer<Long> inner = new MapStateContainer<>();
        dev.synod.stm.spi.StateContainer<Long> watched = new dev.synod.stm.spi.StateContainer<>() {
            @Override
            public void init() {}

            @Override
            public void destroy() {
                dev.synod.stm.spi.Versioned cell =
                        coordinator.fetch(List.of("doomed")).get(0);
                cellWhenStoreDestroyed.add(Records.view("doomed", cell.data()).value()[0] == 1 ? "claimed" : "settled");
                inner.destroy();
            }

            @Override
            public Long get() {
                return inner.get();
            }

            @Override
            public void set(Long value) {
                inner.set(value);
            }
        };
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("doomed", watched, 7L);
            atom.destroy();
            assertThat(cellWhenStoreDestroyed)
                    .as("the cell stands, claimed, while the store is destroyed")
                    .containsExactly("claimed");
            assertThatThrownBy(inner::get).isInstanceOf(dev.synod.stm.NoSuchRefException.class);
            assertThatThrownBy(() -> coordinator.fetch(List.of("doomed")))
                    .isInstanceOf(dev.synod.stm.NoSuchRefException.class);
        }
    }

    /**
     * Starts {@code atom.swap(x -> x + 100)} on another thread, its function held until {@code
     * release} opens; returns once the function runs (the claim is held).
     */
    private static java.util.concurrent.CompletableFuture<Long> swapHeldUntil(
            Atom<Long> atom, java.util.concurrent.CountDownLatch release) throws InterruptedException {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Long> update =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> atom.swap(x -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return x + 100;
                }));
        assertThat(inside.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return update;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUpdateSendsAClaimAndASettleAndReadsNothingBack() {
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        dev.synod.stm.fixtures.ForwardingCoordinator counting = new dev.synod.stm.fixtures.ForwardingCoordinator() {
            @Override
            public List<dev.synod.stm.spi.Versioned> fetch(List<String> names) {
                fetches.incrementAndGet();
                return super.fetch(names);
            }
        };
        try (Stm stm = Stm.create(counting, TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("counted", new MapStateContainer<Long>(), 0L);
            long commitsBefore = counting.real.commitRequests();
            fetches.set(0);
            for (int i = 0; i < 10; i++) {
                atom.swap(x -> x + 1);
            }
            assertThat(atom.get()).isEqualTo(10L);
            assertThat(counting.real.commitRequests() - commitsBefore)
                    .as("a claim and a settle per update")
                    .isEqualTo(20);
            assertThat(fetches.get())
                    .as("the commits' replies say what was written")
                    .isZero();
        }
    }

    /** One thread per atom given, each swapping +1 {@code each} times; returns when all are done. */
    private static void swapInThreads(List<Atom<Long>> atoms, int each) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Atom<Long> atom : atoms) {
            threads.add(new Thread(() -> {
                for (int n = 0; n < each; n++) {
                    atom.swap(x -> x + 1);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void anUpdateInterruptedAfterItsFunctionRanStillReleasesItsClaimAndReportsTheStoredValue() {
        // a coordinator that, like ZooKeeper's client, refuses to wait on an interrupted thread
        ForwardingCoordinator coordinator = new ForwardingCoordinator() {
            @Override
            public CommitResult commit(CommitRequest request) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new StmInterruptedException("interrupted while committing; nothing was sent");
                }
                return super.commit(request);
            }
        };
        MapStateContainer<Long> store = new MapStateContainer<>(true);
        // a's claims have a lease of a minute; b gives up after two seconds
        try (Stm a = Stm.create(coordinator, TxnOptions.defaults().withTimeout(Duration.ofSeconds(60)));
                Stm b = Stm.create(coordinator.real, TxnOptions.defaults().withTimeout(Duration.ofSeconds(2)))) {
            Atom<Long> mine = a.atom("n", store, 1L);
            Atom<Long> theirs = b.atom("n", store, 1L);
            try {
                // the caller is cancelled (Future.cancel(true), say) while its function runs
                assertThat(mine.swap(x -> {
                            Thread.currentThread().interrupt();
                            return x + 1;
                        }))
                        .isEqualTo(2L);
                assertThat(Thread.currentThread().isInterrupted())
                        .as("the interrupt is kept")
                        .isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(store.get()).isEqualTo(2L);
            // a claim left standing would hold b back for a minute: its swap would time out
            assertThat(theirs.swap(x -> x + 1)).isEqualTo(3L);
        }
    }

    @Test
    void anAtomWhoseCellHoldsAnotherWritersBytesCanStillBeDestroyed() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Atom<Long> atom = stm.atom("garbled", store, 1L);
            coordinator.commit(new CommitRequest(
                    List.of(),
                    List.of(new CommitRequest.Write(
                            "garbled", CommitRequest.ANY_VERSION, "not a record".getBytes(StandardCharsets.UTF_8))),
                    List.of()));
            assertThatThrownBy(() -> atom.swap(x -> x + 1)).isInstanceOf(CorruptRecordException.class);
            atom.destroy();
            assertThatThrownBy(store::get).as("the store's value is gone").isInstanceOf(NoSuchRefException.class);
            assertThatThrownBy(() -> coordinator.current("garbled")).isInstanceOf(NoSuchRefException.class);
            assertThat(stm.atom("garbled", store, 7L).get()).as("created again").isEqualTo(7L);
        }
    }

    @Test
    void destroyingAnAtomWhoseNameAnotherClientReusedForARefLeavesThatRefAlone() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        MapStateContainer<Long> store = new MapStateContainer<>();
        try (Stm a = Stm.create(shared, TxnOptions.defaults());
                Stm b = Stm.create(shared, TxnOptions.defaults())) {
            Atom<Long> stale = a.atom("reused", store, 1L);
            b.atom("reused", store, 1L).destroy();
            dev.synod.stm.Ref<Long> ref = b.ref("reused", dev.synod.stm.Codec.json(Long.class), 5L);
            assertThatThrownBy(stale::destroy).isInstanceOf(CorruptRecordException.class);
            assertThat(ref.get()).isEqualTo(5L);
            assertThat(shared.current("reused")).isNotNull();
        }
    }

    @Test
    void aDestroyWhoseCellCannotBeDeletedReleasesItsClaim() {
        ForwardingCoordinator coordinator = new ForwardingCoordinator() {
            private boolean failed;

            @Override
            public void delete(String name) {
                if (!failed) {
                    failed = true;
                    throw new dev.synod.stm.CoordinationException("no connection (injected)");
                }
                super.delete(name);
            }
        };
        MapStateContainer<Long> store = new MapStateContainer<>();
        // b gives up after two seconds: a claim left standing (a minute's lease) would stop it
        try (Stm a = Stm.create(coordinator, TxnOptions.defaults().withTimeout(Duration.ofSeconds(60)));
                Stm b = Stm.create(coordinator.real, TxnOptions.defaults().withTimeout(Duration.ofSeconds(2)))) {
            Atom<Long> mine = a.atom("undeleted", store, 1L);
            Atom<Long> theirs = b.atom("undeleted", store, 1L);
            assertThatThrownBy(mine::destroy)
                    .isInstanceOf(dev.synod.stm.CoordinationException.class)
                    .hasMessageContaining("injected");
            // b takes the claim at once (else it would time out: TransactionTimeoutException) and
            // finds the store's value destroyed
            assertThatThrownBy(() -> theirs.reset(9L))
                    .as("the claim was released")
                    .isInstanceOf(NoSuchRefException.class);
            mine.destroy(); // and a second attempt deletes it
            assertThatThrownBy(() -> coordinator.real.current("undeleted")).isInstanceOf(NoSuchRefException.class);
        }
    }
}
