package dev.synod.plugins.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/** The operation timeout of the containers: its default, its validation, and how a timeout looks. */
public final class Timeouts {
    /** How long one store operation may wait unless a container is told otherwise. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private static final Duration MAX = Duration.ofMillis(Integer.MAX_VALUE);

    private Timeouts() {}

    /**
     * {@code timeout}, if it is 1 ms to {@link Integer#MAX_VALUE} ms (what the drivers accept).
     *
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException otherwise
     */
    public static Duration check(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.compareTo(MAX) > 0 || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be 1 ms to " + MAX.toMillis() + " ms but was " + timeout);
        }
        return timeout;
    }

    /** {@code operation timeout <n> ms}: how a failure message names the limit. */
    public static String describe(long millis) {
        return "operation timeout " + millis + " ms";
    }

    /**
     * Whether {@code e} or one of its causes reports a timeout: an exception whose class name ends
     * in {@code TimeoutException} ({@code java.net.SocketTimeoutException}, {@code
     * java.sql.SQLTimeoutException}, the MongoDB driver's), or a statement the database cancelled
     * (SQLState {@code 57014}, how PostgreSQL and H2 report a query timeout).
     */
    public static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getSimpleName().endsWith("TimeoutException")
                    || (t instanceof SQLException s && "57014".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
