package dev.synod.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.bench.SynodBenchmark.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU figures of a run: thread groups, the per-operation report, and a real measured window. */
class CpuReportTest {

    @Test
    void threadsAreGroupedByNameWithoutNumbersOrAddresses() {
        assertThat(Runner.group("main-SendThread(127.0.0.1:40123)")).isEqualTo("main-SendThread");
        assertThat(Runner.group("synod-zk-cache-12")).isEqualTo("synod-zk-cache-#");
        assertThat(Runner.group("SyncThread:0")).isEqualTo("SyncThread:#");
        assertThat(Runner.group("bench-write txn, 3 refs-7")).isEqualTo(Runner.OPERATION_THREADS);
    }

    @Test
    void theReportListsGroupsOfAtLeastOneMicrosecondLargestFirstWithTheTotal() {
        List<Row> rows = List.of(
                new Row(
                        "write txn, 3 refs",
                        8,
                        "Synod",
                        4000,
                        1500,
                        7000,
                        0.9,
                        "0.75x",
                        Map.of("main-EventThread", 48.2, "operation threads", 105.0, "synod-zk-cache-#", 0.8)),
                new Row("cached deref", 1, "Synod", 1e7, 0.05, 0.07, 1.0, "-", Map.of()));

        String report = SynodBenchmark.cpuMarkdown(rows);

        assertThat(report.lines().toList())
                .containsExactly(
                        "| scenario | threads | system | CPU µs per operation, by thread group |",
                        "| --- | ---: | --- | --- |",
                        "| write txn, 3 refs | 8 | Synod | total 154; operation threads 105; main-EventThread 48 |");
    }

    @Test
    void aRunMeasuresTheCpuOfItsOperationThreadsAndLeavesNoThreadBehind() throws Exception {
        long[] sink = new long[2];
        Runner.Result r = Runner.run("cpu", "test", 2, Duration.ZERO, Duration.ofMillis(300), i -> () -> {
            long x = i;
            for (int k = 0; k < 20_000; k++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink[i] += x;
        });

        assertThat(r.ops()).isPositive();
        assertThat(r.cpuNanos()).containsKey(Runner.OPERATION_THREADS);
        assertThat(r.cpuNanos().get(Runner.OPERATION_THREADS)).isPositive();
        assertThat(r.cpuMicrosPerOp().keySet().iterator().next())
                .as("the busiest group comes first")
                .isEqualTo(Runner.OPERATION_THREADS);
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("bench-cpu-"));
    }
}
