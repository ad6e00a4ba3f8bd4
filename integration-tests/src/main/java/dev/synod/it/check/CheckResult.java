package dev.synod.it.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a checker found: valid when no anomaly was found, the number of anomalies per type,
 * witnesses (at most {@value #MAX_WITNESSES_PER_ANOMALY} per type, so that a broken run stays
 * readable; the counts are exact), and statistics such as {@code fenced-rejections}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param checker the name of the checker, such as {@code bank}
 * @param valid whether no anomaly was found
 * @param anomalies counts per anomaly type, only types that occurred, in declaration order
 * @param witnesses human-readable instances, grouped by type
 * @param stats named counts that are not anomalies, in insertion order
 */
public record CheckResult(
        String checker,
        boolean valid,
        Map<Anomaly, Integer> anomalies,
        List<Witness> witnesses,
        Map<String, Long> stats) {

    /** The number of witnesses kept per anomaly type. */
    public static final int MAX_WITNESSES_PER_ANOMALY = 10;

    /** Copies the collections and checks that {@code valid} agrees with {@code anomalies}. */
    public CheckResult {
        Objects.requireNonNull(checker, "checker");
        Map<Anomaly, Integer> counts = new EnumMap<>(Anomaly.class);
        counts.putAll(anomalies);
        anomalies = Collections.unmodifiableMap(counts);
        witnesses = List.copyOf(witnesses);
        stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        if (valid != anomalies.isEmpty()) {
            throw new IllegalArgumentException("valid must be " + anomalies.isEmpty() + " for " + anomalies);
        }
    }

    /** Returns a builder for the result of the named checker. */
    public static Builder builder(String checker) {
        return new Builder(checker);
    }

    /** Returns the number of anomalies of one type (0 if none). */
    public int count(Anomaly anomaly) {
        return anomalies.getOrDefault(anomaly, 0);
    }

    /** Returns the witnesses of one type. */
    public List<Witness> witnesses(Anomaly anomaly) {
        return witnesses.stream().filter(w -> w.anomaly() == anomaly).toList();
    }

    /** Returns a statistic (0 if absent). */
    public long stat(String name) {
        return stats.getOrDefault(name, 0L);
    }

    /** Returns a short plain-text table: the verdict, anomalies and statistics, then witnesses. */
    public String table() {
        TextTable table = new TextTable(checker + (valid ? " (valid)" : " (INVALID)"), "count");
        anomalies.forEach((anomaly, count) -> table.row(anomaly.label(), count));
        stats.forEach(table::row);
        StringBuilder out = new StringBuilder(table.render());
        witnesses.forEach(w -> out.append("  ").append(w).append('\n'));
        return out.toString();
    }

    /** Collects anomalies and statistics; not thread-safe. */
    public static final class Builder {
        private final String checker;
        private final Map<Anomaly, Integer> anomalies = new EnumMap<>(Anomaly.class);
        private final List<Witness> witnesses = new ArrayList<>();
        private final Map<String, Long> stats = new LinkedHashMap<>();

        private Builder(String checker) {
            this.checker = Objects.requireNonNull(checker, "checker");
        }

        /** Counts one anomaly and keeps its witness if fewer than the limit are kept. */
        public Builder anomaly(Anomaly anomaly, String description) {
            int count = anomalies.merge(anomaly, 1, Integer::sum);
            if (count <= MAX_WITNESSES_PER_ANOMALY) {
                witnesses.add(new Witness(anomaly, description));
            }
            return this;
        }

        /** Sets a statistic. */
        public Builder stat(String name, long value) {
            stats.put(name, value);
            return this;
        }

        /** Builds the result; valid when no anomaly was counted. */
        public CheckResult build() {
            List<Witness> sorted = new ArrayList<>(witnesses);
            sorted.sort((a, b) -> a.anomaly().compareTo(b.anomaly()));
            return new CheckResult(checker, anomalies.isEmpty(), anomalies, sorted, stats);
        }
    }
}
