package dev.synod.it.fault;

import static dev.synod.it.fault.RunAssertions.assertNoAnomalies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.run.FaultMix;
import dev.synod.it.run.FaultRun;
import dev.synod.it.run.RunReport;
import dev.synod.it.run.Workloads;
import dev.synod.it.workload.CounterClient;
import dev.synod.stm.Isolation;
import dev.synod.stm.testkit.ServiceAvailability;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The long run ({@code -Pfaults-long}, tag {@code faults-long}): every workload with a promise
 * (serializable bank, the same with home accounts that clients stop watching, list-append, counter
 * atom, the same kept in Redis, fenced lock) at once, under each fault mix,
 * for 30 s times the scale (5 minutes per mix in the profile).
 */
@Tag("faults-long")
@ExtendWith(SharedEnsemble.class)
class AllWorkloadsLongTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultMix.class)
    void noAnomalies(FaultMix mix, Ensemble ensemble) throws Exception {
        ServiceAvailability.require("Redis", CounterClient.REDIS_HOST, CounterClient.REDIS_PORT);
        RunReport report = FaultRun.builder("long-" + mix.label(), ensemble)
                .mix(mix)
                .duration(FaultScale.of(Duration.ofSeconds(30)))
                .workload(Workloads.bank(2, 2))
                .workload(Workloads.bankHome(2, 2))
                .workload(Workloads.listAppend(2, 2, Isolation.SERIALIZABLE, "general", Duration.ofSeconds(5)))
                .workload(Workloads.counter(2, 2))
                .workload(Workloads.lock(2, 2, true, Duration.ofMillis(100)))
                .workload(Workloads.containerCounter(2, 2))
                .run();

        assertNoAnomalies(report, "bank");
        assertNoAnomalies(report, "bank-home");
        assertNoAnomalies(report, "list-append");
        assertNoAnomalies(report, "counter");
        assertNoAnomalies(report, "lock-fenced");
        assertNoAnomalies(report, "counter-redis");
        assertThat(report.counts().get(FaultRun.UNREPORTED_METRICS))
                .as("clients that ended without reporting their metrics in %s", report.name())
                .isZero();
        assertThat(report.counts().get(FaultRun.STALE_CACHE_RETRIES))
                .as("transactions the read-atomic safety net had to retry in %s", report.name())
                .isZero();
        assertThat(report.counts().get(FaultRun.ATOMS_UNWATCHED))
                .as(
                        "times a counter client stopped watching the atom in %s (the mode must be exercised)",
                        report.name())
                .isPositive();
        assertThat(report.counts().get(FaultRun.REFS_UNWATCHED))
                .as(
                        "times a client stopped watching a ref it only wrote in %s (the mode must be exercised)",
                        report.name())
                .isPositive();
    }
}
