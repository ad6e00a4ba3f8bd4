package dev.synod.it.fault;

import static dev.synod.it.fault.RunAssertions.assertNoAnomalies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.check.Anomaly;
import dev.synod.it.check.CheckResult;
import dev.synod.it.run.FaultMix;
import dev.synod.it.run.FaultRun;
import dev.synod.it.run.RunReport;
import dev.synod.it.run.Workloads;
import dev.synod.stm.Isolation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checker's proof on the live system: transactions that read two keys and append to one,
 * under snapshot isolation without {@code ensure}, commit write skew, and the list-append checker
 * finds it (G2 or G-single cycles); the same workload under serializable isolation, in the same
 * run, shows none.
 */
@ExtendWith(SharedEnsemble.class)
class SnapshotWriteSkewTest {

    @Test
    void snapshotWithoutEnsureShowsWriteSkewAndSerializableDoesNot(Ensemble ensemble) throws Exception {
        RunReport report = FaultRun.builder("write-skew", ensemble)
                .duration(FaultScale.of(Duration.ofSeconds(8)))
                .quietTail(Duration.ZERO)
                .workload(Workloads.listAppend(2, 3, Isolation.SNAPSHOT, "skew", Duration.ofSeconds(3)))
                .workload(Workloads.listAppend(2, 3, Isolation.SERIALIZABLE, "skew", Duration.ofSeconds(3)))
                .mix(FaultMix.NONE)
                .run();

        CheckResult snapshot = report.result("list-append-skew-snapshot");
        assertThat(snapshot.count(Anomaly.G2) + snapshot.count(Anomaly.G_SINGLE))
                .as("G2 / G-single under snapshot isolation\n%s", report.summary())
                .isPositive();
        assertThat(snapshot.anomalies().keySet())
                .as("only anti-dependency cycles under snapshot isolation\n%s", report.summary())
                .isSubsetOf(Anomaly.G2, Anomaly.G_SINGLE);
        assertNoAnomalies(report, "list-append-skew");
    }
}
