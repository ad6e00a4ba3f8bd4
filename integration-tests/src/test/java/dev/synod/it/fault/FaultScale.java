package dev.synod.it.fault;

import java.time.Duration;

/**
 * Scales the durations of the fault runs: {@code -Dsynod.faults.scale=10} makes every run ten
 * times longer (the {@code faults-long} Maven profile does so). Default 1: the bounded CI run.
 */
public final class FaultScale {
    private FaultScale() {}

    /** The scale factor. */
    public static double factor() {
        return Double.parseDouble(System.getProperty("synod.faults.scale", "1"));
    }

    /** {@code base} times the scale factor. */
    public static Duration of(Duration base) {
        return Duration.ofMillis(Math.round(base.toMillis() * factor()));
    }
}
