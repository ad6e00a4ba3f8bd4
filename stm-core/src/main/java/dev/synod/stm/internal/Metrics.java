package dev.synod.stm.internal;

import dev.synod.stm.StmMetrics;
import java.util.concurrent.atomic.LongAdder;

/** Live counters behind {@link StmMetrics}. */
final class Metrics {
    final LongAdder commits = new LongAdder();
    final LongAdder writeCommits = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder conflicts = new LongAdder();
    final LongAdder commuteReapplies = new LongAdder();
    final LongAdder snapshotMisses = new LongAdder();
    final LongAdder aborts = new LongAdder();
    final LongAdder outcomeResolutions = new LongAdder();
    final LongAdder atomUpdates = new LongAdder();
    final LongAdder atomConflicts = new LongAdder();
    final LongAdder staleCacheRetries = new LongAdder();
    final LongAdder turnsClaimed = new LongAdder();
    final LongAdder atomsUnwatched = new LongAdder();
    final LongAdder refsUnwatched = new LongAdder();

    StmMetrics snapshot() {
        return new StmMetrics(
                commits.sum(),
                writeCommits.sum(),
                retries.sum(),
                conflicts.sum(),
                commuteReapplies.sum(),
                snapshotMisses.sum(),
                aborts.sum(),
                outcomeResolutions.sum(),
                atomUpdates.sum(),
                atomConflicts.sum(),
                staleCacheRetries.sum(),
                turnsClaimed.sum(),
                atomsUnwatched.sum(),
                refsUnwatched.sum());
    }
}
