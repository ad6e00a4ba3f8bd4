package dev.synod.stm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.fixtures.ForwardingCoordinator;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A claim asks for a lease sized by how long the claimant's own attempts take: time spent waiting
 * for other clients' turns is not its own, and counting it would make every claim after a long one
 * longer still. The coordinator here stands in for a busy cluster: another client always seems to
 * have a turn for 500 ms before each commit, and the first commits lose.
 */
class TurnSizingTest {
    private static final Codec<Long> LONG = Codec.json(Long.class);
    private static final long TURN_WAIT_MS = 500;

    @Test
    void anAtomUpdateSizesItsClaimWithoutTheTimeItWaitedForOthers() {
        BusyCoordinator coordinator = new BusyCoordinator();
        try (Stm stm = Stm.create(coordinator, options())) {
            Atom<Long> atom = stm.atom("a", LONG, 0L);
            coordinator.losses.set(2);
            assertThat(atom.swap(x -> x + 1)).isEqualTo(1L);
        }
        assertClaimedForItsOwnTime(coordinator);
    }

    @Test
    void aTransactionSizesItsClaimWithoutTheTimeItWaitedForOthers() {
        BusyCoordinator coordinator = new BusyCoordinator();
        try (Stm stm = Stm.create(coordinator, options())) {
            Ref<Long> ref = stm.ref("r", LONG, 0L);
            coordinator.losses.set(2);
            stm.run(txn -> ref.alter(x -> x + 1));
            assertThat(ref.get()).isEqualTo(1L);
        }
        assertClaimedForItsOwnTime(coordinator);
    }

    /** Gives up after 4 losses, so it claims after 2 (half); no pauses between attempts. */
    private static TxnOptions options() {
        return TxnOptions.defaults()
                .withMaxRetries(4)
                .withBackoff(Backoff.none())
                .withTimeout(Duration.ofSeconds(30));
    }

    private static void assertClaimedForItsOwnTime(BusyCoordinator coordinator) {
        assertThat(coordinator.waits.get()).as("it waited for others' turns").isGreaterThanOrEqualTo(2);
        assertThat(coordinator.claimedFor).as("one claim, after two losses").hasSize(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(coordinator.claimedFor.get(0)))
                .as("its attempts took well under the %d ms it waited each time", TURN_WAIT_MS)
                .isLessThan(TURN_WAIT_MS / 2);
    }

    private static final class BusyCoordinator extends ForwardingCoordinator {
        final AtomicInteger losses = new AtomicInteger();
        final AtomicInteger waits = new AtomicInteger();
        final List<Long> claimedFor = new CopyOnWriteArrayList<>();

        @Override
        public boolean turnsClaimed() {
            return true;
        }

        @Override
        public void awaitTurn(Collection<String> names, Claim claim, long deadlineNanos) {
            if (claim != null) {
                return; // its own turn
            }
            waits.incrementAndGet();
            try {
                Thread.sleep(TURN_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Claim claim(List<String> names, long attemptNanos, long deadlineNanos) {
            claimedFor.add(attemptNanos);
            return new Claim() {
                private volatile boolean held = true;

                @Override
                public List<String> names() {
                    return List.copyOf(names);
                }

                @Override
                public boolean held() {
                    return held;
                }

                @Override
                public void close() {
                    held = false;
                }
            };
        }

        @Override
        public CommitResult commit(CommitRequest request) {
            if (losses.getAndDecrement() > 0) {
                return new CommitResult.Conflict(
                        request.writes().stream()
                                .map(CommitRequest.Write::name)
                                .collect(java.util.stream.Collectors.toSet()),
                        null);
            }
            return super.commit(request);
        }
    }
}
