package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.internal.InMemoryCoordinator;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets a clear, specific error and leaves state unchanged. */
class BadInputTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);

    @Test
    void nullFunctionsAndValuesAreRejected() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 1L);
            assertThatThrownBy(() -> stm.run(txn -> r.alter(null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("fn");
            assertThatThrownBy(() -> stm.run(txn -> r.set(null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("must not be null");
            assertThatThrownBy(() -> stm.run(txn -> r.alter(x -> null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("function returned null for 'r'");
            assertThatThrownBy(() -> stm.ref("s", LONG, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("initial value must not be null");
            assertThatThrownBy(() -> stm.run(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> stm.atomically(TxnOptions.defaults(), null))
                    .isInstanceOf(NullPointerException.class);
            Atom<Long> a = stm.atom("a", LONG, 1L);
            assertThatThrownBy(() -> a.swap(x -> null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("function returned null for 'a'");
            assertThatThrownBy(() -> a.reset(null)).isInstanceOf(NullPointerException.class);
            assertThat(r.get()).isEqualTo(1L);
            assertThat(a.get()).isEqualTo(1L);
        }
    }

    @Test
    void changingARefOutsideATransactionNamesTheFix() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 1L);
            assertThatThrownBy(() -> r.alter(x -> x + 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Ref.alter on 'r' must be called inside a transaction")
                    .hasMessageContaining("stm.run(txn -> ...)");
            assertThatThrownBy(() -> r.set(2L)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.commute(x -> x)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(r::ensure).isInstanceOf(IllegalStateException.class);
            LocalRef<Long> l = stm.localRef(1L);
            assertThatThrownBy(() -> l.set(2L)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anExceptionFromTheBodyReachesTheCallerUnchangedAndNothingApplies() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 1L);
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> stm.run(txn -> {
                        runs.incrementAndGet();
                        r.set(99L);
                        throw boom;
                    }))
                    .isSameAs(boom);
            assertThat(runs.get()).isEqualTo(1);
            assertThat(r.get()).isEqualTo(1L);
            assertThat(stm.metrics().aborts()).isEqualTo(1);
        }
    }

    @Test
    void aCheckedExceptionIsTheCauseOfTransactionBodyException() {
        try (Stm stm = Stm.inMemory()) {
            IOException io = new IOException("disk");
            assertThatThrownBy(() -> stm.run(txn -> {
                        throw io;
                    }))
                    .isInstanceOf(TransactionBodyException.class)
                    .hasCause(io);
        }
    }

    /** A codec that gives null for the values (or bytes) it is told to, and works otherwise. */
    private static Codec<Long> nullFor(long badValue, boolean decodeNull) {
        return new Codec<>() {
            @Override
            public byte[] encode(Long value) {
                return value == badValue ? null : LONG.encode(value);
            }

            @Override
            public Long decode(byte[] bytes) {
                return decodeNull ? null : LONG.decode(bytes);
            }
        };
    }

    @Test
    void aCodecGivingNullIsReportedAndNothingIsApplied() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> ref = stm.ref("r", nullFor(13L, false), 1L);
            assertThatThrownBy(() -> stm.run(txn -> ref.set(13L)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'r'")
                    .hasMessageContaining("codec returned null");
            assertThat(ref.get()).isEqualTo(1L);
            Atom<Long> atom = stm.atom("a", nullFor(13L, false), 1L);
            assertThatThrownBy(() -> atom.reset(13L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'a'");
            assertThatThrownBy(() -> atom.swap(x -> 13L)).isInstanceOf(IllegalArgumentException.class);
            assertThat(atom.get()).isEqualTo(1L);
            assertThatThrownBy(() -> stm.atom("born-bad", nullFor(13L, false), 13L))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCodecDecodingToNullIsReportedAsCorrupt() {
        InMemoryCoordinator shared = new InMemoryCoordinator();
        try (Stm writer = Stm.create(shared, TxnOptions.defaults());
                Stm reader = Stm.create(shared, TxnOptions.defaults())) {
            writer.ref("r", LONG, 5L);
            writer.atom("a", LONG, 6L);
            // opening reads the value: it is reported there
            assertThatThrownBy(() -> reader.ref("r", nullFor(0L, true)))
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("'r'")
                    .hasMessageContaining("codec returned null");
            assertThatThrownBy(() -> reader.atom("a", nullFor(0L, true)).get())
                    .isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("'a'");
        }
    }

    @Test
    void anInterruptedBodyGivesStmInterruptedExceptionWithTheFlagSetAndNothingApplied() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("r", LONG, 1L);
            InterruptedException interrupted = new InterruptedException("stop");
            try {
                assertThatThrownBy(() -> stm.run(txn -> {
                            r.set(2L);
                            throw interrupted;
                        }))
                        .isInstanceOf(StmInterruptedException.class)
                        .hasCause(interrupted)
                        .hasMessageContaining("nothing was applied");
                assertThat(Thread.currentThread().isInterrupted())
                        .as("the flag is set again")
                        .isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(r.get()).isEqualTo(1L);
        }
    }

    @Test
    void aRejectingValidatorAbortsWithoutRetryAndAThrowingOnePropagatesUnchanged() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Long> r = stm.ref("balance", LONG, 10L);
            r.setValidator(v -> v >= 0);
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> stm.run(txn -> {
                        runs.incrementAndGet();
                        r.alter(v -> v - 20);
                    }))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("validator of 'balance' rejected the value -10")
                    .extracting(e -> ((ValidationException) e).refName())
                    .isEqualTo("balance");
            assertThat(runs.get()).isEqualTo(1);
            assertThat(r.get()).isEqualTo(10L);

            IllegalStateException mine = new IllegalStateException("mine");
            r.setValidator(v -> {
                if (v > 100) {
                    throw mine;
                }
                return true;
            });
            assertThatThrownBy(() -> stm.run(txn -> r.set(101L))).isSameAs(mine);
            assertThat(r.get()).isEqualTo(10L);

            assertThatThrownBy(() -> r.setValidator(v -> v > 50))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("current value of 'balance' does not pass");
        }
    }

    @Test
    void invalidNamesFailBeforeAnythingIsSent() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator();
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            for (String bad : new String[] {"", "/", "a//b", "a/../b", "sp ace", "é", "a/", "x".repeat(101)}) {
                assertThatThrownBy(() -> stm.ref(bad, LONG, 0L))
                        .as(bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("invalid name");
            }
            assertThatThrownBy(() -> stm.ref(null, LONG, 0L)).isInstanceOf(NullPointerException.class);
            assertThat(stm.ref("/accounts/alice", LONG, 0L).name()).isEqualTo("accounts/alice");
            assertThat(coordinator.commitRequests()).isZero();
        }
    }

    @Test
    void aValueTooLargeFailsBeforeSendingAndNamesRefSizeAndLimit() {
        InMemoryCoordinator coordinator = new InMemoryCoordinator(1_000);
        try (Stm stm = Stm.create(coordinator, TxnOptions.defaults())) {
            Ref<String> r = stm.ref("doc", Codec.json(String.class), "small");
            assertThatThrownBy(() -> stm.run(txn -> r.set("x".repeat(2_000))))
                    .isInstanceOf(ValueTooLargeException.class)
                    .hasMessageContaining("'doc'")
                    .hasMessageContaining("over the limit of 1000 bytes")
                    .hasMessageContaining("VersionedStateContainer");
            assertThat(coordinator.commitRequests()).isZero();
            assertThat(r.get()).isEqualTo("small");
            // Close to the limit, history is dropped rather than failing.
            stm.run(txn -> r.set("y".repeat(900)));
            assertThat(r.get()).hasSize(900);
        }
    }

    @Test
    void aValueTheCodecCannotEncodeIsAnIllegalArgumentNamingTheRef() {
        try (Stm stm = Stm.inMemory()) {
            Ref<Object> r = stm.ref("obj", Codec.json(Object.class), "fine");
            assertThatThrownBy(() -> stm.run(txn -> r.set(new Object())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode the value of 'obj'");
            assertThat(r.get()).isEqualTo("fine");
        }
    }

    @Test
    void attachingToAMissingRefOrTheWrongKindIsClear() {
        try (Stm stm = Stm.inMemory()) {
            assertThatThrownBy(() -> stm.ref("nope", LONG))
                    .isInstanceOf(NoSuchRefException.class)
                    .hasMessageContaining("'nope'");
            stm.atom("a", LONG, 1L);
            assertThatThrownBy(() -> stm.ref("a", LONG, 1L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already open as an atom");
        }
    }

    @Test
    void aClosedStmRefusesEverything() {
        Stm stm = Stm.inMemory();
        Ref<Long> r = stm.ref("r", LONG, 1L);
        Atom<Long> a = stm.atom("a", LONG, 1L);
        stm.close();
        stm.close(); // idempotent
        assertThatThrownBy(r::get).isInstanceOf(StmClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> a.swap(x -> x + 1)).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.run(txn -> {})).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.ref("s", LONG, 1L)).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> r.addWatch("k", (key, ref, o, n) -> {})).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> a.setValidator(x -> true)).isInstanceOf(StmClosedException.class);
        // what only reads local state still answers
        assertThat(r.name()).isEqualTo("r");
        assertThat(stm.inTransaction()).isFalse();
        r.removeWatch("k");
    }

    @Test
    void aTransactionRunningWhenTheStmClosesFailsWithStmClosedAndAppliesNothing() throws Exception {
        UnknownOutcomeTest.LosingCoordinator coordinator = new UnknownOutcomeTest.LosingCoordinator();
        Stm stm = Stm.create(coordinator, TxnOptions.defaults());
        Ref<Long> r = stm.ref("r", LONG, 1L);
        java.util.concurrent.CountDownLatch inBody = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                stm.run(txn -> {
                    r.set(2L);
                    inBody.countDown();
                    closed.await();
                });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        assertThat(inBody.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        stm.close();
        closed.countDown();
        assertThat(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(StmClosedException.class);
        assertThat(coordinator.commits).as("no commit was sent").isZero();
    }
}
