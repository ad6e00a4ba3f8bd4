package dev.synod.it.check;

import static dev.synod.it.check.CounterChecker.INCR;
import static dev.synod.it.check.CounterChecker.READ;
import static dev.synod.it.check.CounterChecker.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.node.LongNode;
import org.junit.jupiter.api.Test;

/** Hand-made counter histories. */
class CounterCheckerTest {
    private final CounterChecker checker = new CounterChecker(0);

    private static TestHistory unitIncrements(long finalValue) {
        TestHistory history = new TestHistory();
        history.ok(INCR, null);
        history.ok(INCR, delta(1));
        history.info(INCR, delta(1));
        history.fail(INCR, delta(1), "conflict");
        history.ok(INCR, delta(1));
        history.ok(READ, LongNode.valueOf(finalValue));
        return history;
    }

    @Test
    void okIncrementsPlusSomeInfoOnesAreValid() {
        assertThat(checker.check(unitIncrements(3).ops()).valid()).isTrue();
        assertThat(checker.check(unitIncrements(4).ops()).valid()).isTrue();
    }

    @Test
    void lostOrExtraIncrementIsMismatch() {
        CheckResult lost = checker.check(unitIncrements(2).ops());
        CheckResult extra = checker.check(unitIncrements(5).ops());

        assertThat(lost.anomalies()).containsExactly(entry(Anomaly.COUNTER_MISMATCH, 1));
        assertThat(lost.witnesses().get(0).description())
                .isEqualTo("final read #5 = 2 but the certain increments give 3 and 1 uncertain ones cannot add -1");
        assertThat(extra.anomalies()).containsExactly(entry(Anomaly.COUNTER_MISMATCH, 1));
    }

    @Test
    void subsetOfInfoDeltasMustMatchExactly() {
        TestHistory history = new TestHistory();
        history.ok(INCR, delta(5));
        history.info(INCR, delta(3));
        history.info(INCR, delta(7));
        TestHistory broken = new TestHistory();
        broken.ok(INCR, delta(5));
        broken.info(INCR, delta(3));
        broken.info(INCR, delta(7));
        history.ok(READ, LongNode.valueOf(12));
        broken.ok(READ, LongNode.valueOf(6));

        assertThat(checker.check(history.ops()).valid()).isTrue();
        assertThat(checker.check(broken.ops()).anomalies()).containsExactly(entry(Anomaly.COUNTER_MISMATCH, 1));
    }

    @Test
    void intermediateReadOutsideRangeIsReported() {
        TestHistory history = new TestHistory();
        history.ok(INCR, delta(1));
        history.ok(READ, LongNode.valueOf(0));
        history.ok(INCR, delta(1));
        history.ok(READ, LongNode.valueOf(2));

        CheckResult result = checker.check(history.ops());

        assertThat(result.anomalies()).containsExactly(entry(Anomaly.COUNTER_READ_OUT_OF_RANGE, 1));
        assertThat(result.witnesses().get(0).description()).isEqualTo("read #1 = 0 outside [1, 1]");
    }
}
