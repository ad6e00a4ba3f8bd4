package dev.synod.it.fault;

import static dev.synod.it.fault.RunAssertions.assertExercised;
import static dev.synod.it.fault.RunAssertions.assertNoAnomalies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.run.FaultMix;
import dev.synod.it.run.FaultRun;
import dev.synod.it.run.RunReport;
import dev.synod.it.run.Workloads;
import dev.synod.stm.Isolation;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Serializable transactions and atoms keep their promises under every fault mix: the bank keeps
 * its total and loses or duplicates no transfer, list-append histories have no G0 to G2 cycle,
 * the counter atom counts every swap and successful compare-and-set exactly once, and no client's
 * read point ever ran ahead of its cache (the engine's safety net never had to retry); a second
 * bank whose clients mostly write their own home accounts (and so stop watching them) keeps the
 * same promises. Seven client JVMs (two per workload, two threads each, one for the second bank)
 * against the shared three-server ensemble.
 */
@ExtendWith(SharedEnsemble.class)
class SerializableUnderFaultsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultMix.class)
    void noAnomalies(FaultMix mix, Ensemble ensemble) throws Exception {
        RunReport report = FaultRun.builder("serializable-" + mix.label(), ensemble)
                .mix(mix)
                .duration(FaultScale.of(Duration.ofSeconds(14)))
                .quietTail(Duration.ofSeconds(4))
                .workload(Workloads.bank(2, 2))
                .workload(Workloads.bankHome(1, 2))
                .workload(Workloads.listAppend(2, 2, Isolation.SERIALIZABLE, "general", Duration.ofSeconds(5)))
                .workload(Workloads.counter(2, 2))
                .run();

        assertNoAnomalies(report, "bank");
        assertNoAnomalies(report, "bank-home");
        assertNoAnomalies(report, "list-append");
        assertNoAnomalies(report, "counter");
        assertThat(report.counts().get(FaultRun.UNREPORTED_METRICS))
                .as("clients that ended without reporting their metrics in %s", report.name())
                .isZero();
        assertThat(report.counts().get(FaultRun.STALE_CACHE_RETRIES))
                .as(
                        "transactions the read-atomic safety net had to retry in %s: the read point ran ahead of"
                                + " the cache (see the clients' logs)",
                        report.name())
                .isZero();
        assertExercised(report, "bank", 50);
        assertExercised(report, "bank-home", 50);
        assertExercised(report, "list-append", 50);
        assertExercised(report, "counter", 50);
        if (mix != FaultMix.NONE) {
            assertThat(report.counts().entrySet())
                    .as("faults injected in %s", report.name())
                    .anyMatch(e -> e.getKey().startsWith("fault: ") && e.getValue() > 0);
        }
    }
}
