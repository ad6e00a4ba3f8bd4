package dev.synod.it.check;

import static dev.synod.it.check.ListAppendValues.append;
import static dev.synod.it.check.ListAppendValues.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-made list-append histories, each with exactly one anomaly, and clean ones. */
class ListAppendCheckerTest {
    private final ListAppendChecker checker = new ListAppendChecker();
    private final TestHistory history = new TestHistory();

    private static JsonNode r(String key, Long... values) {
        return ListAppendValues.read(key, List.of(values));
    }

    private void ok(JsonNode... microOps) {
        history.ok(ListAppendValues.TXN, txn(microOps));
    }

    private CheckResult check() {
        return checker.check(history.ops());
    }

    private static String only(CheckResult result, Anomaly anomaly) {
        assertThat(result.anomalies()).containsExactly(entry(anomaly, 1));
        assertThat(result.valid()).isFalse();
        return result.witnesses(anomaly).get(0).description();
    }

    @Test
    void serialHistoryIsValid() {
        ok(append("x", 1));
        ok(r("x", 1L), append("x", 2), append("y", 1));
        ok(r("x", 1L, 2L), r("y", 1L), append("y", 2), r("y", 1L, 2L));
        ok(r("x", 1L, 2L), r("y", 1L, 2L));

        CheckResult result = check();

        assertThat(result.valid()).isTrue();
        assertThat(result.anomalies()).isEmpty();
        assertThat(result.stat("graph-nodes")).isEqualTo(4);
        assertThat(result.stat("cyclic-components")).isZero();
    }

    @Test
    void writeCycleIsG0() {
        ok(append("x", 1), append("y", 2));
        ok(append("x", 2), append("y", 1));
        ok(r("x", 1L, 2L), r("y", 1L, 2L));

        assertThat(only(check(), Anomaly.G0))
                .isEqualTo("T0 -ww[x]-> T1 -ww[y]-> T0 where T0 = [[\"append\",\"x\",1],[\"append\",\"y\",2]]"
                        + " T1 = [[\"append\",\"x\",2],[\"append\",\"y\",1]]");
    }

    @Test
    void readOfFailedAppendIsG1a() {
        history.fail(ListAppendValues.TXN, txn(append("x", 1)), "aborted");
        ok(r("x", 1L));

        assertThat(only(check(), Anomaly.G1A)).isEqualTo("T1 read x = [1]: 1 was appended by failed T0");
    }

    @Test
    void readOfValueNeverAppendedIsG1a() {
        ok(append("x", 1));
        ok(r("x", 1L, 7L));

        assertThat(only(check(), Anomaly.G1A)).isEqualTo("T1 read x = [1, 7]: 7 was never appended");
    }

    @Test
    void readOfIntermediateStateIsG1b() {
        ok(append("x", 1), append("x", 2));
        ok(r("x", 1L));

        assertThat(only(check(), Anomaly.G1B)).isEqualTo("T1 read x = [1]: saw 1 but not 2, both appended by T0");
    }

    @Test
    void circularInformationFlowIsG1c() {
        ok(append("x", 1), r("y", 1L));
        ok(append("y", 1), r("x", 1L));

        assertThat(only(check(), Anomaly.G1C)).startsWith("T0 -wr[x]-> T1 -wr[y]-> T0 where");
    }

    @Test
    void readSkewIsGSingle() {
        ok(r("x"), r("y", 1L));
        ok(append("x", 1), append("y", 1));
        ok(r("x", 1L));

        assertThat(only(check(), Anomaly.G_SINGLE)).startsWith("T0 -rw[x]-> T1 -wr[y]-> T0 where");
    }

    @Test
    void writeSkewIsG2() {
        ok(r("x"), append("y", 1));
        ok(r("y"), append("x", 2));
        ok(r("x", 2L), r("y", 1L));

        assertThat(only(check(), Anomaly.G2)).startsWith("T0 -rw[x]-> T1 -rw[y]-> T0 where");
    }

    @Test
    void readsThatAreNotPrefixesAreIncompatible() {
        ok(append("x", 1));
        ok(append("x", 2));
        ok(r("x", 1L, 2L));
        ok(r("x", 2L));

        assertThat(only(check(), Anomaly.INCOMPATIBLE_ORDER)).isEqualTo("key x: T3 read [2] but T2 read [1, 2]");
    }

    @Test
    void valueReadTwiceIsDuplicate() {
        ok(append("x", 1));
        ok(r("x", 1L, 1L));

        assertThat(only(check(), Anomaly.DUPLICATE_ELEMENTS)).isEqualTo("T1 read x = [1, 1], with [1] more than once");
    }

    @Test
    void readIgnoringOwnAppendIsInternal() {
        ok(append("x", 1), r("x"));

        assertThat(only(check(), Anomaly.INTERNAL))
                .isEqualTo("T0 read x = [] but its own earlier operations imply a list ending in [1]");
    }

    @Test
    void readIgnoringOwnEarlierReadIsInternal() {
        ok(append("x", 1));
        ok(append("x", 2));
        ok(r("x", 1L), append("x", 3), r("x", 1L, 2L, 3L));

        CheckResult result = check();

        assertThat(result.count(Anomaly.INTERNAL)).isEqualTo(1);
        assertThat(result.witnesses(Anomaly.INTERNAL).get(0).description())
                .isEqualTo("T2 read x = [1, 2, 3] but its own earlier operations imply [1, 3]");
    }

    @Test
    void infoTxnMayHaveHappenedOrNot() {
        history.info(ListAppendValues.TXN, txn(append("x", 1)));
        history.info(ListAppendValues.TXN, txn(append("y", 1)));
        ok(r("x", 1L), r("y"));

        CheckResult result = check();

        assertThat(result.valid()).isTrue();
        assertThat(result.stat("graph-nodes"))
                .as("the observed info txn and the reader")
                .isEqualTo(2);
    }

    @Test
    void infoTxnWhoseEffectsAreObservedJoinsCycles() {
        history.info(ListAppendValues.TXN, txn(append("x", 1), append("y", 2)));
        ok(append("x", 2), append("y", 1));
        ok(r("x", 1L, 2L), r("y", 1L, 2L));

        assertThat(only(check(), Anomaly.G0)).startsWith("T0 -ww[x]-> T1 -ww[y]-> T0 where");
    }

    @Test
    void unobservedFailedTxnIsIgnored() {
        history.fail(ListAppendValues.TXN, txn(append("x", 9)), "aborted");
        ok(append("x", 1));
        ok(r("x", 1L));

        assertThat(check().valid()).isTrue();
    }

    @Test
    void valueAppendedTwiceToOneKeyIsBadInput() {
        ok(append("x", 1));
        ok(append("x", 1));

        assertThatThrownBy(this::check)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value 1 appended to x twice, by T0 and T1");
    }

    @Test
    void unfinishedInvokeIsInfo() {
        history.at(0, dev.synod.it.history.Op.NO_END, dev.synod.it.history.OpType.INVOKE, "txn", txn(append("x", 1)));
        ok(r("x", 1L));

        CheckResult result = check();

        assertThat(result.valid()).isTrue();
        assertThat(result.stats()).contains(Map.entry("txns", 2L), Map.entry("graph-nodes", 2L));
    }
}
