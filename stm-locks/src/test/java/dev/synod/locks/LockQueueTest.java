package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aWriterHoldsWhenFirstAndReadersHoldWhenNoWriterPrecedesThem() {
        List<String> queue = LockQueue.sorted(List.of(R2, W1));
        assertThat(queue).containsExactly(W1, R2);
        assertThat(LockQueue.holds(queue, 0)).isTrue();
        assertThat(LockQueue.holds(queue, 1)).isFalse();
    }

    @Test
    void aDowngradedReadLockHoldsWhereverItStandsAndHoldsBackTheWriterBeforeIt() {
        // the writer that held before released its write node after taking D3 (a downgrade)
        List<String> queue = LockQueue.sorted(List.of(D3, W2, R4));
        assertThat(queue).containsExactly(W2, D3, R4);
        assertThat(LockQueue.holds(queue, 0))
                .as("waits for the downgraded reader")
                .isFalse();
        assertThat(LockQueue.holds(queue, 1)).isTrue();
        assertThat(LockQueue.holds(queue, 2)).as("behind the waiting writer").isFalse();
        assertThat(LockQueue.isExclusive(D3)).isFalse();
    }
}
