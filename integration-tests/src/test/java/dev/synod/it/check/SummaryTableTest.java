package dev.synod.it.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.LongNode;
import dev.synod.it.history.OpType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void rendersOperationsAnomaliesAndCounters() {
        TestHistory history = new TestHistory();
        for (int i = 1; i <= 100; i++) {
            history.at(0, i * 1_000_000L, OpType.OK, "incr", null);
        }
        history.at(0, 5, OpType.FAIL, "add", null, "fenced");
        history.at(0, 5, OpType.FAIL, "add", null, "conflict");
        history.at(0, 5, OpType.INFO, "incr", null, "timeout");
        history.at(0, 3_000_000, OpType.OK, "read", LongNode.valueOf(100));
        CheckResult counter = new CounterChecker(0).check(history.ops());
        CheckResult broken = CheckResult.builder("list-append")
                .anomaly(Anomaly.G2, "T1 -rw[x]-> T2 -rw[y]-> T1")
                .anomaly(Anomaly.G2, "T3 -rw[x]-> T4 -rw[y]-> T3")
                .build();

        String table = SummaryTable.of(history.ops())
                .result(counter)
                .result(broken)
                .count("SUSPENDED", 2)
                .count("LOST", 0)
                .render();

        assertThat(table)
                .isEqualTo(String.join(
                        "\n",
                        "operation   ok  fail  info  p50 ms  p99 ms",
                        "------------------------------------------",
                        "add          0     2     0       -       -",
                        "incr       100     0     1   50.00   99.00",
                        "read         1     0     0    3.00    3.00",
                        "total      101     2     1   50.00   99.00",
                        "",
                        "checker      anomaly  count",
                        "---------------------------",
                        "counter      -            0",
                        "list-append  G2           2",
                        "",
                        "counter            count",
                        "------------------------",
                        "fenced rejections      1",
                        "SUSPENDED              2",
                        "LOST                   0",
                        ""));
        assertThat(counter.valid()).isTrue();
    }

    @Test
    void checkResultTableListsWitnesses() {
        CheckResult result = CheckResult.builder("bank")
                .anomaly(Anomaly.LOST_TRANSFER, "final read #3: ok transfer #1 (a -> b, 5) is missing")
                .stat("reads", 4)
                .build();

        assertThat(result.table())
                .isEqualTo(String.join(
                        "\n",
                        "bank (INVALID)  count",
                        "---------------------",
                        "lost-transfer       1",
                        "reads               4",
                        "  lost-transfer: final read #3: ok transfer #1 (a -> b, 5) is missing",
                        ""));
    }

    @Test
    void witnessesAreCappedButCountsAreExact() {
        CheckResult.Builder builder = CheckResult.builder("locks");
        for (int i = 0; i < 25; i++) {
            builder.anomaly(Anomaly.LOST_ADD, "add " + i);
        }

        CheckResult result = builder.build();

        assertThat(result.count(Anomaly.LOST_ADD)).isEqualTo(25);
        assertThat(result.witnesses()).hasSize(CheckResult.MAX_WITNESSES_PER_ANOMALY);
        assertThat(List.copyOf(result.anomalies().keySet())).containsExactly(Anomaly.LOST_ADD);
    }
}
