package dev.synod.stm.internal;

import dev.synod.stm.TxnOptions;
import java.time.Duration;
import java.util.Objects;

/** The pauses a {@link dev.synod.stm.Backoff} asks for, as the engine takes them. */
final class Backoffs {
    private Backoffs() {}

    /**
     * {@code pause} in nanoseconds: none if negative, and at most {@link TxnOptions#MAX_TIMEOUT}
     * (a longer one could not be waited for, and would overflow).
     *
     * @throws NullPointerException if a backoff returned null
     */
    static long nanos(Duration pause) {
        Objects.requireNonNull(pause, "Backoff.delay returned null");
        if (pause.isNegative()) {
            return 0;
        }
        return pause.compareTo(TxnOptions.MAX_TIMEOUT) > 0 ? TxnOptions.MAX_TIMEOUT.toNanos() : pause.toNanos();
    }
}
