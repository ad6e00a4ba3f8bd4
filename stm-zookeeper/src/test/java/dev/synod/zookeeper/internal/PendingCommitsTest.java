package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commits and reads hold back the events of their cells: their replies settle them, while nothing
 * settles them after a creation (an event held back for it could wait until the next hand-off).
 */
class PendingCommitsTest {

    @Test
    void commitsAndReadsInFlightHoldBackTheirCellsAndCreationsDoNot() {
        PendingCommits pending = new PendingCommits();
        PendingCommits.Pending creating = pending.beginCreation(List.of("a"));
        assertThat(pending.holdsBack("a")).isFalse();

        PendingCommits.Pending commit = pending.beginCommit(List.of("a", "b"));
        assertThat(pending.holdsBack("a")).isTrue();
        assertThat(pending.holdsBack("b")).isTrue();
        assertThat(pending.holdsBack("c")).isFalse();

        pending.end(commit);
        assertThat(pending.holdsBack("a")).isFalse();
        assertThat(pending.holdsBack("b")).isFalse();

        PendingCommits.Pending read = pending.beginRead(List.of("b"));
        assertThat(pending.holdsBack("a")).isFalse();
        assertThat(pending.holdsBack("b")).isTrue();
        pending.end(read);
        pending.end(read); // ending twice (reply, then the caller's finally) is harmless
        assertThat(pending.holdsBack("b")).isFalse();
        pending.end(creating);
    }

    @Test
    void awaitingReturnsOnceTheRequestsOnThoseCellsEnded() throws Exception {
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
        pending.awaitInFlight(List.of("a"), 10_000);
        assertThat(pending.holdsBack("a")).isFalse();
        ender.join();
    }
}
