package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.locks.internal.LockQueue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who holds, read off a queue of lock nodes (what LockInspector and `synod locks` report). */
class LockQueueTest {
    private static final String W1 = "w~a~0000000001";
    private static final String R2 = "r~b~0000000002";
    private static final String W2 = "w~c~0000000002";
    private static final String D3 = "d~a~0000000003";
    private static final String R4 = "r~e~0000000004";

    private static final long S1 = 1;
    private static final long S2 = 2;

    @Test
    void aWriterHoldsWhenFirstAndReadersHoldWhenNoWriterPrecedesThem() {
        List<String> queue = LockQueue.sorted(List.of(R2, W1));
        assertThat(queue).containsExactly(W1, R2);
        List<Long> sessions = List.of(S1, S2);
        assertThat(LockQueue.holds(queue, sessions, 0)).isTrue();
        assertThat(LockQueue.holds(queue, sessions, 1)).isFalse();
    }

    @Test
    void aDowngradedReadLockHoldsWhereverItStandsAndHoldsBackTheWriterBeforeIt() {
        // the writer that held before (session 1) released its write node after taking D3 (a downgrade)
        List<String> queue = LockQueue.sorted(List.of(D3, W2, R4));
        assertThat(queue).containsExactly(W2, D3, R4);
        List<Long> sessions = List.of(S2, S1, S2);
        assertThat(LockQueue.holds(queue, sessions, 0))
                .as("waits for the downgraded reader")
                .isFalse();
        assertThat(LockQueue.holds(queue, sessions, 1)).isTrue();
        assertThat(LockQueue.holds(queue, sessions, 2))
                .as("behind the waiting writer")
                .isFalse();
        assertThat(LockQueue.isExclusive(D3)).isFalse();
    }

    @Test
    void aWriterThatTookTheReadLockHoldsBothAheadOfAQueuedWriter() {
        // session 1 holds W1, session 2 queued W2, then session 1 took the read lock: D3
        List<String> queue = LockQueue.sorted(List.of(D3, W2, W1));
        assertThat(queue).containsExactly(W1, W2, D3);
        List<Long> sessions = List.of(S1, S2, S1);
        assertThat(LockQueue.holds(queue, sessions, 0))
                .as("the downgrading writer")
                .isTrue();
        assertThat(LockQueue.holds(queue, sessions, 1)).isFalse();
        assertThat(LockQueue.holds(queue, sessions, 2)).isTrue();
    }

    @Test
    void sessionsMustMatchTheQueue() {
        assertThatThrownBy(() -> LockQueue.holds(List.of(W1), List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
