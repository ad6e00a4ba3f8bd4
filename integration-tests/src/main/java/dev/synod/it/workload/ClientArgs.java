package dev.synod.it.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of a workload client: {@code key=value} pairs. The keys every client reads are
 * constants here; workloads add their own. Immutable.
 */
public final class ClientArgs {
    /** The ensemble (through the client's proxies). */
    public static final String CONNECT = "connect";
    /** The Synod namespace of the run. */
    public static final String NAMESPACE = "namespace";
    /** The process number recorded in the history. */
    public static final String PROCESS = "process";
    /** The number of worker threads. */
    public static final String THREADS = "threads";
    /** How long the workers issue operations, in milliseconds. */
    public static final String DURATION_MS = "durationMs";
    /** The file the history is written to (JSON Lines). */
    public static final String HISTORY = "history";
    /** The ZooKeeper session timeout in milliseconds. */
    public static final String SESSION_TIMEOUT_MS = "sessionTimeoutMs";
    /** The transaction timeout in milliseconds. */
    public static final String OP_TIMEOUT_MS = "opTimeoutMs";
    /** The wall-clock start of the run (epoch ms), the same for every client. */
    public static final String RUN_START_MS = "runStartMs";

    private final Map<String, String> values;

    private ClientArgs(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Parses {@code key=value} arguments. */
    public static ClientArgs parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments must be key=value but was " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new ClientArgs(values);
    }

    /** Formats {@code values} as arguments. */
    public static List<String> format(Map<String, String> values) {
        List<String> args = new ArrayList<>();
        values.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    /** A required string. */
    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key + " in " + values);
        }
        return value;
    }

    /** A string, or {@code fallback}. */
    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** A required int. */
    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    /** An int, or {@code fallback}. */
    public int getInt(String key, int fallback) {
        return values.containsKey(key) ? getInt(key) : fallback;
    }

    /** A long, or {@code fallback}. */
    public long getLong(String key, long fallback) {
        return values.containsKey(key) ? Long.parseLong(get(key)) : fallback;
    }

    /** A duration in milliseconds, or {@code fallback}. */
    public Duration millis(String key, Duration fallback) {
        return values.containsKey(key) ? Duration.ofMillis(Long.parseLong(get(key))) : fallback;
    }

    /** A boolean, or {@code fallback}. */
    public boolean getBoolean(String key, boolean fallback) {
        return values.containsKey(key) ? Boolean.parseBoolean(get(key)) : fallback;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
