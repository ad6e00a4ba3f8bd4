package dev.synod.stm.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides what a test does when an external service (PostgreSQL, Redis, ...) is unreachable: on
 * a developer machine the test is <em>skipped</em> with a message naming the service and its
 * address; in continuous integration (environment variable {@code CI=true}) it <em>fails</em>,
 * so that a missing service never turns a red build green.
 *
 * <pre>{@code
 * @BeforeAll
 * static void needsRedis() {
 *     ServiceAvailability.require("Redis", "127.0.0.1", 6379);
 * }
 * }</pre>
 *
 * <p>Thread-safe (stateless). {@link #require} blocks for the host name's lookup (none for an IP
 * address such as {@code 127.0.0.1}) and at most the connect timeout.
 */
public final class ServiceAvailability {
    /** How long a reachability probe waits for a TCP connection. */
    public static final int CONNECT_TIMEOUT_MS = 1_000;

    /** What a test does about a service. */
    public enum Decision {
        /** The service is reachable: run the test. */
        RUN,
        /** Unreachable outside CI: skip the test. */
        SKIP,
        /** Unreachable in CI: fail the test. */
        FAIL
    }

    private ServiceAvailability() {}

    /**
     * The decision for a service, as a pure function.
     *
     * @param ciEnv the value of the {@code CI} environment variable, or null when unset; only
     *     {@code true} (any case) counts as CI
     * @param reachable whether the service answered
     */
    public static Decision decide(String ciEnv, boolean reachable) {
        if (reachable) {
            return Decision.RUN;
        }
        return "true".equalsIgnoreCase(ciEnv == null ? null : ciEnv.trim()) ? Decision.FAIL : Decision.SKIP;
    }

    /**
     * Returns if {@code host:port} accepts a TCP connection; otherwise skips the calling test
     * (JUnit assumption) or, under {@code CI=true}, fails it with {@link AssertionError}. Either
     * message names {@code service} and the address.
     *
     * @throws NullPointerException if {@code service} or {@code host} is null
     * @throws IllegalArgumentException if {@code port} is outside 0-65535
     */
    public static void require(String service, String host, int port) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(host, "host");
        apply(decide(System.getenv("CI"), reachable(host, port)), service, host, port);
    }

    /** Applies a decision: nothing, a skipped assumption, or a failure. */
    static void apply(Decision decision, String service, String host, int port) {
        String address = host + ":" + port;
        switch (decision) {
            case RUN -> {}
            case SKIP ->
                Assumptions.abort(service + " is not reachable at " + address
                        + "; skipping (set CI=true to make this a failure)");
            case FAIL ->
                throw new AssertionError(
                        service + " is not reachable at " + address + " and CI=true: the service is required in CI");
        }
    }

    /**
     * Whether {@code host:port} accepts a TCP connection within {@link #CONNECT_TIMEOUT_MS} (after
     * the host name's lookup); false also for a host name that does not resolve.
     *
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code port} is outside 0-65535
     */
    public static boolean reachable(String host, int port) {
        Objects.requireNonNull(host, "host");
        InetSocketAddress address = new InetSocketAddress(host, port); // refuses a port out of range
        try (Socket s = new Socket()) {
            s.connect(address, CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
