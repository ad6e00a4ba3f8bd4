package dev.synod.stm;

/** The coordination service (ZooKeeper) failed or could not be reached: connection loss beyond the retry policy, an expired session, or a server error. A transaction that fails with this exception did not apply; see {@link CommitOutcomeUnknownException} for the case where that cannot be known. */
public class CoordinationException extends StmException {
    private static final long serialVersionUID = 1L;

    public CoordinationException(String message) {
        super(message);
    }

    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
