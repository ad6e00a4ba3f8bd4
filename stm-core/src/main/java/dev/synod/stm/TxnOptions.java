package dev.synod.stm;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable transaction options. Start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * TxnOptions opts = TxnOptions.defaults()
 *         .withIsolation(Isolation.SNAPSHOT)
 *         .withMaxRetries(50)
 *         .withTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param isolation serializable snapshot (default) or snapshot isolation
 * @param maxRetries how many times the body may be re-run after a conflict (or after reading a
 *     state that had moved on: see {@link Ref}, "Refs a client only writes") before {@link
 *     RetryLimitExceededException} (>= 0). With 0, transactions never read a ref from its last known
 *     state. A transaction that keeps failing claims a turn after
 *     16 failed attempts in a row (or half of {@code maxRetries}, if fewer) on the refs it wrote,
 *     ensured or read: on a coordinator that supports turns (ZooKeeper does), other clients'
 *     commits writing those refs hold back until it commits, for twice as long as its attempts
 *     take at most (one second at least, ten seconds at most), so a long transaction makes
 *     progress against short ones
 * @param backoff pause between retries
 * @param timeout how long the transaction may keep trying, retries and their pauses included, and
 *     wait for a commit of a local ref in progress or for a connection to the coordinator before
 *     a read or a commit is sent (whichever of this timeout and the coordinator's connection
 *     timeout ends first); checked before each attempt and during those waits, after which it
 *     fails with {@link TransactionTimeoutException} (> 0, at most {@link #MAX_TIMEOUT}), nothing applied. It does not cut short
 *     a body that runs long, nor a commit already sent: the coordinator bounds that wait
 *     (ZooKeeper: the session timeout plus the connection timeout, twice). Resolving an unknown
 *     outcome keeps reading back until this timeout or for at least 5 s (10 s for an atom),
 *     whichever is later.
 */
public record TxnOptions(Isolation isolation, int maxRetries, Backoff backoff, Duration timeout) {

    /**
     * The longest {@link #timeout()}: 100 days (deadlines are counted in nanoseconds of {@link
     * System#nanoTime()}, which a much longer one would overflow).
     */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(100);

    private static final TxnOptions DEFAULTS = new TxnOptions(
            Isolation.SERIALIZABLE,
            10_000,
            Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(100)),
            Duration.ofMinutes(1));

    public TxnOptions {
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(timeout, "timeout");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0 but was " + maxRetries);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0 but was " + timeout);
        }
        if (timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be at most " + MAX_TIMEOUT + " but was " + timeout);
        }
    }

    /**
     * Serializable, up to 10,000 retries with jittered exponential backoff from 1 ms to 100 ms,
     * one minute overall.
     */
    public static TxnOptions defaults() {
        return DEFAULTS;
    }

    /**
     * These options with another isolation level.
     *
     * @throws NullPointerException if {@code isolation} is null
     */
    public TxnOptions withIsolation(Isolation isolation) {
        return new TxnOptions(isolation, maxRetries, backoff, timeout);
    }

    /**
     * These options with another retry limit (0: one attempt, no retry).
     *
     * @throws IllegalArgumentException if {@code maxRetries} is negative
     */
    public TxnOptions withMaxRetries(int maxRetries) {
        return new TxnOptions(isolation, maxRetries, backoff, timeout);
    }

    /**
     * These options with another pause between retries.
     *
     * @throws NullPointerException if {@code backoff} is null
     */
    public TxnOptions withBackoff(Backoff backoff) {
        return new TxnOptions(isolation, maxRetries, backoff, timeout);
    }

    /**
     * These options with another timeout (see the class description).
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive, or over {@link
     *     #MAX_TIMEOUT}
     */
    public TxnOptions withTimeout(Duration timeout) {
        return new TxnOptions(isolation, maxRetries, backoff, timeout);
    }
}
