package dev.synod.it.check;

import static dev.synod.it.check.BankValues.READ;
import static dev.synod.it.check.BankValues.TRANSFER;
import static dev.synod.it.check.BankValues.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.history.OpType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-made bank histories, each with exactly one anomaly, and clean ones. */
class BankCheckerTest {
    private final BankChecker checker = new BankChecker(Map.of("a", 10L, "b", 10L, "c", 10L));
    private final TestHistory history = new TestHistory();

    private static JsonNode balances(long a, long b, long c) {
        Map<String, Long> balances = new LinkedHashMap<>();
        balances.put("a", a);
        balances.put("b", b);
        balances.put("c", c);
        return BankValues.balances(balances);
    }

    private static String only(CheckResult result, Anomaly anomaly) {
        assertThat(result.anomalies()).containsExactly(entry(anomaly, 1));
        return result.witnesses(anomaly).get(0).description();
    }

    @Test
    void transfersThatAddUpAreValid() {
        history.ok(TRANSFER, transfer("a", "b", 5));
        history.ok(READ, balances(5, 15, 10));
        history.fail(TRANSFER, transfer("c", "a", 50), "insufficient funds");
        history.ok(TRANSFER, transfer("b", "c", 3));
        history.ok(READ, balances(5, 12, 13));

        CheckResult result = checker.check(history.ops());

        assertThat(result.valid()).isTrue();
        assertThat(result.stats())
                .containsEntry("reads", 2L)
                .containsEntry("certain-transfers", 2L)
                .containsEntry("uncertain-transfers", 0L);
    }

    @Test
    void readWithAnotherTotalIsWrongTotal() {
        history.ok(TRANSFER, transfer("a", "b", 5));
        history.ok(READ, balances(5, 10, 10));
        history.ok(READ, balances(5, 15, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.WRONG_TOTAL))
                .isEqualTo("read #1 totals 25 over 3 accounts, expected 30 over 3: {a=5, b=10, c=10}");
    }

    @Test
    void negativeBalanceIsReported() {
        history.ok(TRANSFER, transfer("a", "b", 15));
        history.ok(READ, balances(-5, 25, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.NEGATIVE_BALANCE)).isEqualTo("read #1 has a = -5");
    }

    @Test
    void missingOkTransferIsLost() {
        history.ok(TRANSFER, transfer("a", "b", 5));
        history.ok(TRANSFER, transfer("b", "c", 3));
        history.ok(READ, balances(5, 15, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.LOST_TRANSFER))
                .isEqualTo("final read #2: ok transfer #1 (b -> c, 3) is missing");
    }

    @Test
    void transferAppliedTwiceIsDuplicated() {
        history.ok(TRANSFER, transfer("a", "b", 5));
        history.ok(READ, balances(0, 20, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.DUPLICATED_TRANSFER))
                .isEqualTo("final read #1: transfer #0 (a -> b, 5) applied twice");
    }

    @Test
    void infoTransferMayHaveHappenedOrNot() {
        history.info(TRANSFER, transfer("a", "b", 5));
        history.info(TRANSFER, transfer("b", "c", 2));
        history.info(TRANSFER, transfer("c", "a", 1));
        TestHistory none = new TestHistory();
        none.info(TRANSFER, transfer("a", "b", 5));
        none.ok(READ, balances(10, 10, 10));

        history.ok(READ, balances(6, 15, 9));

        assertThat(checker.check(history.ops()).valid()).isTrue();
        assertThat(checker.check(none.ops()).valid()).isTrue();
    }

    @Test
    void infoTransferAppliedTwiceIsDuplicated() {
        history.info(TRANSFER, transfer("a", "b", 5));
        history.ok(READ, balances(0, 20, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.DUPLICATED_TRANSFER))
                .isEqualTo("final read #1: transfer #0 (a -> b, 5) applied twice");
    }

    @Test
    void okTransferConcurrentWithFinalReadMayBeMissing() {
        history.at(10, 20, OpType.OK, READ, balances(10, 10, 10));
        history.at(5, 15, OpType.OK, TRANSFER, transfer("a", "b", 5));

        CheckResult result = checker.check(history.ops());

        assertThat(result.valid()).isTrue();
        assertThat(result.stat("uncertain-transfers")).isEqualTo(1);
    }

    @Test
    void failedTransferThatTookEffectIsUnexplained() {
        history.fail(TRANSFER, transfer("a", "b", 5), "conflict");
        history.ok(READ, balances(5, 15, 10));

        assertThat(only(checker.check(history.ops()), Anomaly.UNEXPLAINED_BALANCES))
                .isEqualTo("final read #1: after the certain transfers the balances change by {a=-5, b=5}, "
                        + "which no subset of the uncertain transfers explains");
    }

    @Test
    void manyUncertainTransfersFallBackToBounds() {
        long start = 1_000_000;
        BankChecker wide = new BankChecker(Map.of("a", start, "b", start, "c", start));
        TestHistory fine = new TestHistory();
        TestHistory broken = new TestHistory();
        for (int i = 0; i < 18; i++) { // 2^18 distinct subset sums, past the search limit
            fine.info(TRANSFER, transfer("a", "b", 1L << i));
            broken.info(TRANSFER, transfer("a", "b", 1L << i));
        }
        fine.ok(READ, balances(start - 17, start + 17, start));
        broken.ok(READ, balances(start - 10, start, start + 10));

        CheckResult valid = wide.check(fine.ops());
        CheckResult invalid = wide.check(broken.ops());

        assertThat(valid.valid()).isTrue();
        assertThat(valid.stat("flow-check-bounded")).isEqualTo(1);
        assertThat(invalid.anomalies()).containsExactly(entry(Anomaly.UNEXPLAINED_BALANCES, 1));
        assertThat(invalid.witnesses().get(0).description())
                .isEqualTo("final read #18: c is off by 10 but uncertain transfers allow only [0, 0]");
    }
}
