package dev.synod.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.run.RunReport;

/** Assertions on a {@link RunReport} that keep the histories of a failing run. */
final class RunAssertions {
    private RunAssertions() {}

    /** Asserts that {@code workload} shows no anomaly; if it does, keeps the histories. */
    static void assertNoAnomalies(RunReport report, String workload) {
        int anomalies = report.anomalies(workload);
        if (anomalies != 0) {
            throw new AssertionError(workload + " shows " + anomalies + " anomalies in run " + report.name()
                    + "; histories kept in " + report.keepHistories().toAbsolutePath() + "\n" + report.summary());
        }
    }

    /** Asserts that {@code workload} completed at least {@code min} operations with ok. */
    static void assertExercised(RunReport report, String workload, int min) {
        long ok = report.histories().get(workload).stream()
                .filter(op -> op.isOk() && op.process() != 0)
                .count();
        if (ok < min) {
            report.keepHistories();
        }
        assertThat(ok)
                .as(
                        "ok ops of %s in %s (histories kept under target/fault-histories)\n%s",
                        workload, report.name(), report.summary())
                .isGreaterThanOrEqualTo(min);
    }
}
