package dev.synod.it.check;

import java.util.Objects;

/**
 * One instance of an anomaly, described for a human: which operations, keys and values.
 *
 * @param anomaly the type
 * @param description what was seen, such as {@code T3 -rw[x]-> T5 -wr[y]-> T3}
 */
public record Witness(Anomaly anomaly, String description) {
    /** Validates that both parts are present. */
    public Witness {
        Objects.requireNonNull(anomaly, "anomaly");
        Objects.requireNonNull(description, "description");
    }

    @Override
    public String toString() {
        return anomaly.label() + ": " + description;
    }
}
