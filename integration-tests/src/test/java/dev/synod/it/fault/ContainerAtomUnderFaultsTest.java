package dev.synod.it.fault;

import static dev.synod.it.fault.RunAssertions.assertExercised;
import static dev.synod.it.fault.RunAssertions.assertNoAnomalies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.it.run.FaultMix;
import dev.synod.it.run.FaultRun;
import dev.synod.it.run.RunReport;
import dev.synod.it.run.Workloads;
import dev.synod.it.workload.CounterClient;
import dev.synod.stm.testkit.ServiceAvailability;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An atom that keeps its value in Redis (claimed updates, fenced store writes) counts every swap
 * and successful compare-and-set exactly once under every fault mix: two client JVMs, two threads
 * each, against the shared three-server ensemble and the machine's Redis.
 */
@ExtendWith(SharedEnsemble.class)
class ContainerAtomUnderFaultsTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultMix.class)
    void noAnomalies(FaultMix mix, Ensemble ensemble) throws Exception {
        ServiceAvailability.require("Redis", CounterClient.REDIS_HOST, CounterClient.REDIS_PORT);
        RunReport report = FaultRun.builder("container-atom-" + mix.label(), ensemble)
                .mix(mix)
                .duration(FaultScale.of(Duration.ofSeconds(14)))
                .quietTail(Duration.ofSeconds(4))
                .workload(Workloads.containerCounter(2, 2))
                .run();

        assertNoAnomalies(report, "counter-redis");
        assertThat(report.counts().get(FaultRun.UNREPORTED_METRICS))
                .as("clients that ended without reporting their metrics in %s", report.name())
                .isZero();
        assertExercised(report, "counter-redis", 50);
        if (mix != FaultMix.NONE) {
            assertThat(report.counts().entrySet())
                    .as("faults injected in %s", report.name())
                    .anyMatch(e -> e.getKey().startsWith("fault: ") && e.getValue() > 0);
        }
    }
}
