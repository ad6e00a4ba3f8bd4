package dev.synod.it.fault;

import static dev.synod.it.fault.RunAssertions.assertNoAnomalies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.check.Anomaly;
import dev.synod.it.run.FaultMix;
import dev.synod.it.run.FaultRun;
import dev.synod.it.run.RunReport;
import dev.synod.it.run.Workloads;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A holder paused past its session timeout while it holds the lock (SIGSTOP of its JVM) loses the
 * lock without knowing; another process takes it. Unfenced, the paused holder's adds still commit
 * when it resumes: two holders wrote at once. Fenced (lock-guarded commits), they are rejected.
 */
@ExtendWith(SharedEnsemble.class)
class LockFencingTest {
    private static final Duration HOLD = Duration.ofMillis(150);

    private RunReport run(String name, boolean fenced, Ensemble ensemble) throws Exception {
        return FaultRun.builder(name, ensemble)
                .mix(FaultMix.PAUSE)
                .duration(FaultScale.of(Duration.ofSeconds(14)))
                .quietTail(Duration.ofSeconds(4))
                .workload(Workloads.lock(2, 2, fenced, HOLD))
                .run();
    }

    @Test
    void unfencedLockUnderPausesLetsTwoHoldersWrite(Ensemble ensemble) throws Exception {
        RunReport report = run("lock-unfenced-pause", false, ensemble);

        assertThat(report.count("fault: processes paused")).isPositive();
        assertThat(report.result("lock-unfenced").count(Anomaly.OVERLAPPING_HOLDERS))
                .as("overlapping holders in %s (histories in %s)\n%s", report.name(), report.dir(), report.summary())
                .isPositive();
    }

    @Test
    void fencedLockUnderPausesRejectsStaleWrites(Ensemble ensemble) throws Exception {
        RunReport report = run("lock-fenced-pause", true, ensemble);

        assertThat(report.count("fault: processes paused")).isPositive();
        assertNoAnomalies(report, "lock-fenced");
        assertThat(report.result("lock-fenced").stat("fenced-rejections"))
                .as("fenced rejections in %s\n%s", report.name(), report.summary())
                .isPositive();
    }
}
