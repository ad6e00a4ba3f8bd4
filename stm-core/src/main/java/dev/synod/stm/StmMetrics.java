package dev.synod.stm;

/**
 * Counters of one {@link Stm} since it was created. A snapshot: immutable.
 *
 * @param commits transactions that committed (read-only ones included)
 * @param writeCommits committed transactions that wrote something
 * @param retries times a transaction body was re-run
 * @param conflicts commits rejected by the coordinator because of a concurrent change
 * @param commuteReapplies times commute functions were re-applied at commit without re-running
 *     the body
 * @param snapshotMisses reads that found no value old enough for the snapshot (the ref's history
 *     grows when this happens)
 * @param aborts transactions that ended with an exception
 * @param outcomeResolutions commits whose outcome was unknown (connection lost) and was
 *     resolved by reading back the transaction id
 * @param atomUpdates atom changes applied
 * @param atomConflicts atom compare-and-set attempts that lost to a concurrent change
 * @param staleCacheRetries transactions retried because the coordinator's local state trailed a
 *     commit that another ref's record showed to be part of the snapshot (a safety net that
 *     should never trip: a non-zero count points at a coordinator bug, and a WARN is logged)
 * @param turnsClaimed times an update that kept losing races took a turn on what it writes, so
 *     that other clients hold back until it commits (DESIGN 7; see {@code Atom} and {@code Stm})
 * @param atomsUnwatched times this client stopped watching an atom it only updated (16 races lost
 *     since its last {@code get()}, no watch on it; see {@code Atom}, "Reading")
 */
public record StmMetrics(
        long commits,
        long writeCommits,
        long retries,
        long conflicts,
        long commuteReapplies,
        long snapshotMisses,
        long aborts,
        long outcomeResolutions,
        long atomUpdates,
        long atomConflicts,
        long staleCacheRetries,
        long turnsClaimed,
        long atomsUnwatched,
        long refsUnwatched) {}
