package dev.synod.stm.internal;

import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.StmException;
import dev.synod.stm.StmInterruptedException;

/**
 * What reading back a commit of unknown outcome does between attempts and when it is stopped, for
 * transactions and atoms alike: the caller always learns that the commit applied exactly once or
 * not at all.
 */
final class OutcomeReadBack {
    private OutcomeReadBack() {}

    /**
     * Pauses before the next read-back attempt.
     *
     * @param what the commit, e.g. "transaction 1a2b" or "an update of atom 'a'"
     * @throws StmInterruptedException if interrupted (the flag set again)
     */
    static void pause(String what) {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException(
                    "interrupted while learning the outcome of " + what + "; it applied exactly once or not at all", e);
        }
    }

    /**
     * What a read-back stopped by an interrupt or by the client closing becomes: the interrupt
     * (flag set again) or {@link CommitOutcomeUnknownException}, both saying the outcome is unknown.
     */
    static RuntimeException stopped(String what, StmException e, CommitOutcomeUnknownException cause) {
        if (e instanceof StmInterruptedException) {
            Thread.currentThread().interrupt();
            return new StmInterruptedException(
                    "interrupted while learning the outcome of " + what + "; it applied exactly once or not at all", e);
        }
        CommitOutcomeUnknownException closed = new CommitOutcomeUnknownException(
                what + " lost its connection while committing and the client was closed before it could be read"
                        + " back; it applied exactly once or not at all",
                cause);
        closed.addSuppressed(e);
        return closed;
    }
}
