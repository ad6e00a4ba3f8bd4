package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Only commits hold back the events of their cells: a commit's reply settles them, while nothing
 * settles them after a creation (an event held back for it could wait until the next hand-off).
 */
class PendingCommitsTest {

    @Test
    void onlyACommitInFlightCountsAsCommittingItsCells() {
        PendingCommits pending = new PendingCommits();
        PendingCommits.Pending creating = pending.beginCreation(List.of("a"));
        assertThat(pending.isCommitting("a")).isFalse();

        PendingCommits.Pending commit = pending.beginCommit(List.of("a", "b"));
        assertThat(pending.isCommitting("a")).isTrue();
        assertThat(pending.isCommitting("b")).isTrue();
        assertThat(pending.isCommitting("c")).isFalse();

        pending.end(commit);
        assertThat(pending.isCommitting("a")).isFalse();
        assertThat(pending.isCommitting("b")).isFalse();
        pending.end(creating);
    }

    @Test
    void awaitingWritesReturnsOnceTheCommitsOnThoseCellsEnded() throws Exception {
        PendingCommits pending = new PendingCommits();
        PendingCommits.Pending commit = pending.beginCommit(List.of("a"));
        Thread ender = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pending.end(commit);
        });
        ender.start();
        pending.awaitWriting(List.of("a"), 10_000);
        assertThat(pending.isCommitting("a")).isFalse();
        ender.join();
    }
}
