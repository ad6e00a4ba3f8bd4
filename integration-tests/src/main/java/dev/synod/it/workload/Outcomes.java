package dev.synod.it.workload;

import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.TransactionAbortedException;

/**
 * Records how an operation ended from the exception it threw, as Synod documents them: an
 * unknown commit outcome is {@code info}; a coordination failure or an aborted transaction did
 * not apply and is {@code fail}; anything else is {@code info}, since nothing promises that it did
 * not apply.
 */
final class Outcomes {
    private Outcomes() {}

    static void record(History history, Op invoke, RuntimeException e) {
        String error = e.getClass().getSimpleName();
        if (e instanceof CommitOutcomeUnknownException) {
            history.info(invoke, invoke.value(), error);
        } else if (e instanceof CoordinationException || e instanceof TransactionAbortedException) {
            history.fail(invoke, invoke.value(), error);
        } else {
            history.info(invoke, invoke.value(), error + ": " + e.getMessage());
        }
    }
}
