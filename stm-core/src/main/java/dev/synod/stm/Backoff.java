package dev.synod.stm;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retry number {@code attempt} (1 for the first retry). Implementations
 * are immutable and thread-safe.
 */
@FunctionalInterface
public interface Backoff {

    /** The pause before retry {@code attempt} (>= 1); never negative. */
    Duration delay(int attempt);

    /** No pause between retries. */
    static Backoff none() {
        return attempt -> Duration.ZERO;
    }

    /**
     * Exponential backoff with full jitter: a random pause between 0 and {@code min(max, base *
     * 2^(attempt-1))}. Jitter keeps contending clients from retrying in lockstep.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if base is not positive, max is below base, or max is over
     *     {@link TxnOptions#MAX_TIMEOUT} (a pause no transaction could wait for)
     */
    static Backoff exponential(Duration base, Duration max) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be > 0 but was " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("max must be >= base (" + base + ") but was " + max);
        }
        if (max.compareTo(TxnOptions.MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("max must be at most " + TxnOptions.MAX_TIMEOUT + " but was " + max);
        }
        long baseNanos = base.toNanos();
        long maxNanos = max.toNanos();
        return attempt -> {
            int shift = Math.min(Math.max(attempt - 1, 0), 30);
            long cap = baseNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, baseNanos << shift);
            return Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap + 1));
        };
    }
}
