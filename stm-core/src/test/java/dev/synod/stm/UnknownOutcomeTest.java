package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.fixtures.MapVersionedContainer;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Versioned;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A commit whose reply is lost and whose outcome cannot be learned: the caller gets a clear
 * exception, and nothing the commit may have made current is deleted. A coordinator that applies
 * the commit, then reports the outcome unknown and fails every read stands in for a connection
 * lost at the worst moment.
 */
class UnknownOutcomeTest {
    private final LosingCoordinator coordinator = new LosingCoordinator();
    private final Stm stm = Stm.create(coordinator, TxnOptions.defaults());

    @AfterEach
    void close() {
        Thread.interrupted();
        stm.close();
    }

    @Test
    void anExternalRefKeepsTheVersionAnInterruptedResolutionCouldNotRuleOut() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Ref<Long> r = stm.ref("ext", store, 1L);
        coordinator.loseNextReply(true);
        assertThatThrownBy(() -> stm.run(txn -> r.set(2L)))
                .isInstanceOf(StmInterruptedException.class)
                .hasMessageContaining("applied exactly once or not at all");
        assertThat(Thread.interrupted()).isTrue(); // the flag stays set for the caller
        coordinator.heal();
        // the commit did apply: the ref points at the staged version, which must still be there
        assertThat(r.get()).isEqualTo(2L);
        stm.run(txn -> r.alter(x -> x + 1));
        assertThat(r.get()).isEqualTo(3L);
    }

    @Test
    void anExternalAtomKeepsTheVersionAnInterruptedResolutionCouldNotRuleOut() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Atom<Long> a = stm.atom("ext-atom", store, 1L);
        coordinator.loseNextReply(true);
        assertThatThrownBy(() -> a.swap(x -> x + 1))
                .isInstanceOf(StmInterruptedException.class)
                .hasMessageContaining("ext-atom")
                .hasMessageContaining("applied exactly once or not at all");
        assertThat(Thread.interrupted()).isTrue();
        coordinator.heal();
        assertThat(a.get()).isEqualTo(2L);
        assertThat(a.swap(x -> x + 1)).isEqualTo(3L);
    }

    @Test
    void closingTheClientWhileResolvingReportsTheOutcomeUnknownAndKeepsTheVersion() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Ref<Long> r = stm.ref("ext", store, 1L);
        coordinator.closeOnLostReply = true;
        coordinator.loseNextReply(false);
        assertThatThrownBy(() -> stm.run(txn -> r.set(2L)))
                .isInstanceOf(CommitOutcomeUnknownException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining("applied exactly once or not at all");
        // the commit applied: its version is still in the store, and the new pointer names it
        assertThat(store.versions()).hasSize(2);
    }

    @Test
    void anAtomClosedWhileResolvingReportsTheOutcomeUnknown() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Atom<Long> a = stm.atom("ext-atom", store, 1L);
        coordinator.closeOnLostReply = true;
        coordinator.loseNextReply(false);
        assertThatThrownBy(() -> a.reset(5L))
                .isInstanceOf(CommitOutcomeUnknownException.class)
                .hasMessageContaining("ext-atom")
                .hasMessageContaining("closed");
        assertThat(store.versions()).hasSize(2);
    }

    @Test
    void aVersionKeptForAnUpdateThatDidNotApplyIsSweptAsAnOrphan() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Ref<Long> r = stm.ref("ext", store, 1L);
        coordinator.dropNextCommit = true; // the commit does not apply, and the reply is lost
        coordinator.loseNextReply(true);
        assertThatThrownBy(() -> stm.run(txn -> r.set(2L))).isInstanceOf(StmInterruptedException.class);
        Thread.interrupted();
        coordinator.heal();
        assertThat(r.get()).isEqualTo(1L);
        assertThat(store.versions()).hasSize(2); // the staged version, kept while unresolved
        assertThat(stm.sweepOrphans(r, Duration.ZERO)).isEqualTo(1);
        assertThat(store.versions()).hasSize(1);
        assertThat(r.get()).isEqualTo(1L);
    }

    @Test
    void anInterruptWhileReadingBackStillSaysTheOutcomeIsUnknown() {
        MapVersionedContainer<Long> store = new MapVersionedContainer<>();
        Ref<Long> r = stm.ref("ext", store, 1L);
        Atom<Long> a = stm.atom("ext-atom", new MapVersionedContainer<>(), 1L);
        coordinator.interruptReads = true; // as a ZooKeeper read interrupted in Curator's retry loop
        coordinator.loseNextReply(false);
        assertThatThrownBy(() -> stm.run(txn -> r.set(2L)))
                .isInstanceOf(StmInterruptedException.class)
                .hasMessageContaining("applied exactly once or not at all");
        assertThat(Thread.interrupted()).isTrue();
        coordinator.loseNextReply(false);
        assertThatThrownBy(() -> a.swap(x -> x + 1))
                .isInstanceOf(StmInterruptedException.class)
                .hasMessageContaining("applied exactly once or not at all");
        assertThat(Thread.interrupted()).isTrue();
        coordinator.interruptReads = false;
        coordinator.heal();
        assertThat(r.get()).isEqualTo(2L);
        assertThat(a.get()).isEqualTo(2L);
    }

    @Test
    void aCommitThatAppliedIsReportedAsSuchEvenIfTheClientClosesRightAfter() {
        Ref<Long> r = stm.ref("r", Codec.json(Long.class), 1L);
        coordinator.closeAfterNextCommit = true;
        stm.run(txn -> r.set(2L)); // no StmClosedException: it committed
        assertThat(coordinator.commits).isEqualTo(1);
    }

    /** Delegates to an in-memory coordinator; can lose the reply to one commit and fail reads. */
    static final class LosingCoordinator extends ForwardingCoordinator {
        private volatile boolean loseReply;
        private volatile boolean interrupt;
        private volatile boolean readsFail;
        volatile boolean closeOnLostReply;
        volatile boolean dropNextCommit;
        volatile boolean interruptReads;
        volatile boolean closeAfterNextCommit;
        volatile int commits;

        /** The next commit applies (unless dropped), then reports its outcome unknown. */
        void loseNextReply(boolean interruptCaller) {
            loseReply = true;
            interrupt = interruptCaller;
        }

        void heal() {
            readsFail = false;
        }

        @Override
        public CommitResult commit(CommitRequest request) {
            commits++;
            if (closeAfterNextCommit) {
                closeAfterNextCommit = false;
                CommitResult result = real.commit(request);
                real.close();
                return result;
            }
            if (!loseReply) {
                return real.commit(request);
            }
            loseReply = false;
            if (!dropNextCommit) {
                real.commit(request);
            }
            dropNextCommit = false;
            readsFail = true;
            if (closeOnLostReply) {
                real.close();
            }
            if (interrupt) {
                Thread.currentThread().interrupt();
            }
            throw new CommitOutcomeUnknownException("test: the reply was lost", new RuntimeException("lost"));
        }

        @Override
        public List<Versioned> fetch(List<String> names) {
            if (readsFail && interruptReads) {
                Thread.currentThread().interrupt();
                throw new StmInterruptedException("test: interrupted while reading");
            }
            if (readsFail) {
                real.fetch(List.of()); // a closed coordinator says so first
                throw new CoordinationException("test: not connected");
            }
            return real.fetch(names);
        }
    }
}
