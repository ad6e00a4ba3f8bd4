package dev.synod.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.bench.SynodBenchmark.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report shows how evenly the threads of a row shared the work, so that starvation shows. */
class FairnessReportTest {

    @Test
    void aThreadThatGetsFewOperationsDoneShowsAsASmallShareOfTheMean() throws Exception {
        Runner.Result r = Runner.run(
                "fairness",
                "test",
                2,
                Duration.ZERO,
                Duration.ofMillis(400),
                i -> i == 0 ? () -> {} : () -> Thread.sleep(50));

        // the sleeping thread completes at most 8 operations, the other many thousands
        assertThat(r.slowestThreadShare()).isBetween(0.0, 0.01);
        assertThat(Runner.Result.merge(r, withShare(r, 0.5)).slowestThreadShare())
                .isEqualTo(r.slowestThreadShare());
    }

    @Test
    void aWindowInWhichNoThreadCompletedAnythingIsTheWorstShareNotAnUnknownOne() throws Exception {
        Runner.Result r =
                Runner.run("fairness", "test", 2, Duration.ZERO, Duration.ofMillis(100), i -> () -> Thread.sleep(400));

        assertThat(r.ops()).isZero();
        assertThat(r.slowestThreadShare()).isZero();
        assertThat(Runner.run("fairness", "test", 1, Duration.ZERO, Duration.ofMillis(50), i -> () -> {})
                        .slowestThreadShare())
                .isEqualTo(1.0);
    }

    @Test
    void theTableGivesTheSlowestThreadsShareAsAPercentageAndADashForOneThread() {
        List<Row> rows = List.of(
                new Row("counter +1 (shared)", 8, "Synod atom swap", 700, 1200, 8000, 0.874, "0.95x", Map.of()),
                new Row("counter +1 (shared)", 1, "Synod atom swap", 1600, 600, 900, 1.0, "1.25x", Map.of()));

        String table =
                SynodBenchmark.markdown(rows, "127.0.0.1:2181", true, Duration.ofSeconds(2), Duration.ofSeconds(6), 3);

        assertThat(table.lines().toList())
                .contains(
                        "| scenario | threads | system | ops/s | p50 µs | p99 µs | slowest thread | Synod / baseline |",
                        "| counter +1 (shared) | 8 | Synod atom swap | 700 | 1200 | 8000 | 87% | 0.95x |",
                        "| counter +1 (shared) | 1 | Synod atom swap | 1,600 | 600 | 900 | - | 1.25x |");
    }

    private static Runner.Result withShare(Runner.Result r, double share) {
        return new Runner.Result(
                r.scenario(), r.system(), r.threads(), r.ops(), r.seconds(), r.sortedLatencies(), share, r.cpuNanos());
    }
}
