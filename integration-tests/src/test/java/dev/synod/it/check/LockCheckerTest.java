package dev.synod.it.check;

import static dev.synod.it.check.LockValues.ACQUIRE;
import static dev.synod.it.check.LockValues.ADD;
import static dev.synod.it.check.LockValues.READ;
import static dev.synod.it.check.LockValues.RELEASE;
import static dev.synod.it.check.LockValues.add;
import static dev.synod.it.check.LockValues.elements;
import static dev.synod.it.check.LockValues.holder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.synod.it.history.OpType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made lock-guarded set histories, each with exactly one anomaly, and clean ones. */
class LockCheckerTest {
    private final LockChecker checker = new LockChecker();
    private final TestHistory history = new TestHistory();

    private static String only(CheckResult result, Anomaly anomaly) {
        assertThat(result.anomalies()).containsExactly(entry(anomaly, 1));
        return result.witnesses(anomaly).get(0).description();
    }

    @Test
    void holdersOneAfterAnotherAreValid() {
        history.ok(ACQUIRE, holder("h1", 1L));
        history.ok(ADD, add("h1", 1L, 1));
        history.ok(RELEASE, holder("h1", 1L));
        history.ok(ACQUIRE, holder("h2", 2L));
        history.ok(ADD, add("h2", 2L, 2));
        history.ok(RELEASE, holder("h2", 2L));
        history.ok(READ, elements(List.of(1L, 2L)));

        CheckResult result = checker.check(history.ops());

        assertThat(result.valid()).isTrue();
        assertThat(result.stats()).containsEntry("tenures", 2L).containsEntry("fenced-rejections", 0L);
    }

    @Test
    void secondAcquireBeforeFirstReleaseIsOverlap() {
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(2, 3, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(4, 5, OpType.OK, RELEASE, holder("h1", 1L));
        history.at(6, 7, OpType.OK, RELEASE, holder("h2", 2L));

        assertThat(only(checker.check(history.ops()), Anomaly.OVERLAPPING_HOLDERS))
                .isEqualTo("h1 (token 1, acquired #0, released #2) and h2 (token 2, acquired #1, released #3)"
                        + " held the lock at the same time");
    }

    @Test
    void acquireCompletingAfterReleaseWasInvokedIsNoOverlap() {
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(4, 8, OpType.OK, RELEASE, holder("h1", 1L));
        history.at(2, 5, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(9, 10, OpType.OK, RELEASE, holder("h2", 2L));

        assertThat(checker.check(history.ops()).valid()).isTrue();
    }

    @Test
    void holderThatNeverReleasedHoldsUntilItsLastAdd() {
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(5, 6, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(10, 11, OpType.OK, ADD, add("h1", 1L, 7));

        assertThat(only(checker.check(history.ops()), Anomaly.OVERLAPPING_HOLDERS))
                .isEqualTo("h1 (token 1, acquired #0, not released) and h2 (token 2, acquired #1, not released)"
                        + " held the lock at the same time");
    }

    @Test
    void okAddMissingFromFinalReadIsLost() {
        history.ok(ACQUIRE, holder("h1", 1L));
        history.ok(ADD, add("h1", 1L, 1));
        history.ok(ADD, add("h1", 1L, 2));
        history.ok(RELEASE, holder("h1", 1L));
        history.ok(READ, elements(List.of(1L)));

        assertThat(only(checker.check(history.ops()), Anomaly.LOST_ADD))
                .isEqualTo("ok add #2 of 2 by h1 is missing from final read #4");
    }

    @Test
    void fencedRejectionsAreCountedNotAnomalies() {
        history.ok(ACQUIRE, holder("h1", 1L));
        history.fail(ADD, add("h1", 1L, 1), LockValues.FENCED);
        history.fail(ADD, add("h1", 1L, 2), LockValues.FENCED);
        history.info(ADD, add("h1", 1L, 3));
        history.ok(RELEASE, holder("h1", 1L));
        history.ok(READ, elements(List.of()));

        CheckResult result = checker.check(history.ops());

        assertThat(result.valid()).isTrue();
        assertThat(result.stat("fenced-rejections")).isEqualTo(2);
    }

    @Test
    void fencedAddThatTookEffectIsUnexpected() {
        history.ok(ACQUIRE, holder("h1", 1L));
        history.fail(ADD, add("h1", 1L, 1), LockValues.FENCED);
        history.ok(RELEASE, holder("h1", 1L));
        history.ok(READ, elements(List.of(1L)));

        CheckResult result = checker.check(history.ops());

        assertThat(only(result, Anomaly.UNEXPECTED_ELEMENT))
                .isEqualTo("final read #3 holds 1, whose add #1 failed (fenced)");
        assertThat(result.stat("fenced-rejections")).isEqualTo(1);
    }

    @Test
    void laterHolderWithSmallerTokenIsNonMonotonic() {
        history.ok(ACQUIRE, holder("h1", 5L));
        history.ok(RELEASE, holder("h1", 5L));
        history.ok(ACQUIRE, holder("h2", 3L));
        history.ok(RELEASE, holder("h2", 3L));

        assertThat(only(checker.check(history.ops()), Anomaly.NON_MONOTONIC_TOKEN))
                .isEqualTo("h2 (token 3, acquired #2, released #3) acquired after"
                        + " h1 (token 5, acquired #0, released #1) but got no greater token");
    }

    @Test
    void fencedHolderHeldOnlyUntilItsLastAddBeforeTheRejection() {
        // h1 is paused after its add; its lock expires, h2 takes it; h1 resumes and is fenced
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(2, 3, OpType.OK, ADD, add("h1", 1L, 1));
        history.at(10, 11, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(12, 13, OpType.OK, ADD, add("h2", 2L, 2));
        history.at(14, 15, OpType.OK, RELEASE, holder("h2", 2L));
        history.at(20, 21, OpType.FAIL, ADD, add("h1", 1L, 3), LockValues.FENCED);
        history.at(22, 23, OpType.FAIL, RELEASE, holder("h1", 1L), LockValues.LOST);
        history.at(30, 31, OpType.OK, READ, elements(List.of(1L, 2L)));

        CheckResult result = checker.check(history.ops());

        assertThat(result.valid()).isTrue();
        assertThat(result.stat("fenced-rejections")).isEqualTo(1);
    }

    @Test
    void holderThatLostTheLockOverlapsThroughItsOkAdds() {
        // the same pause, unfenced: h1's add after resuming commits
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(10, 11, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(12, 13, OpType.OK, ADD, add("h2", 2L, 2));
        history.at(14, 15, OpType.OK, RELEASE, holder("h2", 2L));
        history.at(20, 21, OpType.OK, ADD, add("h1", 1L, 3));
        history.at(22, 23, OpType.FAIL, RELEASE, holder("h1", 1L), LockValues.LOST);
        history.at(30, 31, OpType.OK, READ, elements(List.of(2L, 3L)));

        assertThat(only(checker.check(history.ops()), Anomaly.OVERLAPPING_HOLDERS))
                .isEqualTo("h1 (token 1, acquired #0, released #5) and h2 (token 2, acquired #1, released #3)"
                        + " held the lock at the same time");
    }

    @Test
    void holderThatLostTheLockWithoutAddsHeldItOnlyAtItsAcquisition() {
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(10, 11, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(14, 15, OpType.OK, RELEASE, holder("h2", 2L));
        history.at(20, 21, OpType.FAIL, ADD, add("h1", 1L, 3), "CoordinationException");
        history.at(22, 23, OpType.FAIL, RELEASE, holder("h1", 1L), LockValues.LOST);

        assertThat(checker.check(history.ops()).valid()).isTrue();
    }

    @Test
    void unknownAddThatNeverTookEffectDoesNotExtendALostTenure() {
        // resumed after losing the lock, h1's guarded add has an unknown outcome, then is fenced
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(10, 11, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(14, 15, OpType.OK, RELEASE, holder("h2", 2L));
        history.at(20, 21, OpType.INFO, ADD, add("h1", 1L, 3), "CommitOutcomeUnknownException");
        history.at(22, 23, OpType.FAIL, ADD, add("h1", 1L, 4), LockValues.FENCED);
        history.at(24, 25, OpType.FAIL, RELEASE, holder("h1", 1L), LockValues.LOST);
        history.at(30, 31, OpType.OK, READ, elements(List.of()));

        assertThat(checker.check(history.ops()).valid()).isTrue();
    }

    @Test
    void unknownAddThatTookEffectExtendsALostTenure() {
        history.at(0, 1, OpType.OK, ACQUIRE, holder("h1", 1L));
        history.at(10, 11, OpType.OK, ACQUIRE, holder("h2", 2L));
        history.at(14, 15, OpType.OK, RELEASE, holder("h2", 2L));
        history.at(20, 21, OpType.INFO, ADD, add("h1", 1L, 3), "CommitOutcomeUnknownException");
        history.at(22, 23, OpType.FAIL, ADD, add("h1", 1L, 4), LockValues.FENCED);
        history.at(24, 25, OpType.FAIL, RELEASE, holder("h1", 1L), LockValues.LOST);
        history.at(30, 31, OpType.OK, READ, elements(List.of(3L)));

        assertThat(only(checker.check(history.ops()), Anomaly.OVERLAPPING_HOLDERS))
                .startsWith("h1 (token 1");
    }
}
