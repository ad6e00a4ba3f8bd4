package dev.synod.stm.internal;

import dev.synod.stm.TxnOptions;
import dev.synod.stm.spi.Coordinator;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns (DESIGN 7): when an update keeps losing, it claims a turn on what it touches and the
 * other writers hold back until it commits, so that a long transaction or a slow swap finishes
 * against fast ones. The engine's side of it: when to claim, and waiting out others' turns.
 */
final class Turns {
    private final Coordinator coordinator;
    private final Metrics metrics;

    Turns(Coordinator coordinator, Metrics metrics) {
        this.coordinator = coordinator;
        this.metrics = metrics;
    }

    /**
     * Failed attempts in a row after which a transaction or an atom update claims a turn on what
     * it touches. High enough that ordinary contention never claims (a claim makes every other
     * writer of those cells wait: on a counter hammered by 8 clients, 8 cost a third of the
     * throughput), low enough that an update that can never win on its own gets its turn within
     * about a second of losing.
     */
    static final int CLAIM_AFTER = 16;

    /** {@link #CLAIM_AFTER}, or half the retries allowed if that is fewer, so that a claim comes before the limit. */
    static int claimAfter(TxnOptions options) {
        return Math.max(1, Math.min(CLAIM_AFTER, options.maxRetries() / 2));
    }

    /**
     * DESIGN 7, progress for an update that keeps losing (a long transaction against short ones, a
     * swap whose function is slow against fast ones): after {@link #claimAfter} failed attempts in
     * a row, a turn on {@code names} (for a transaction, the refs its last attempt wrote, ensured
     * or read; taken in name order), so that other clients' commits writing them hold back until
     * this update commits (or for the coordinator's lease at most, which it sizes from {@code
     * attemptNanos}, the longest attempt lost so far). Returns the claim to use next:
     * the one still held, a new one (the old one ran out or was lost with its session), or null
     * (nothing to claim, or a coordinator without turns).
     */
    Coordinator.Claim claimIfLosing(
            int attempt,
            Coordinator.Claim claim,
            TxnOptions options,
            long deadline,
            long attemptNanos,
            Supplier<List<String>> names) {
        if (attempt + 1 < claimAfter(options) || (claim != null && claim.held())) {
            return claim;
        }
        List<String> wanted = names.get();
        if (wanted.isEmpty()) {
            return claim;
        }
        release(claim);
        Coordinator.Claim fresh = coordinator.claim(wanted, attemptNanos, deadline);
        if (fresh != null) {
            metrics.turnsClaimed.increment();
        }
        return fresh;
    }

    /**
     * Waits while another client has its turn on one of {@code names} (see {@link
     * Coordinator#awaitTurn}); returns how long, which is not the caller's own attempt time when it
     * sizes a claim of its own. A memory read when no turn is known.
     */
    long await(Collection<String> names, Coordinator.Claim claim, long deadline) {
        if (!coordinator.turnsClaimed()) {
            return 0;
        }
        long start = System.nanoTime();
        coordinator.awaitTurn(names, claim, deadline);
        return System.nanoTime() - start;
    }

    /** Releases a turn (null: none). */
    static void release(Coordinator.Claim claim) {
        if (claim != null) {
            claim.close();
        }
    }
}
