package dev.synod.stm;

/** The coordination service (ZooKeeper) failed or could not be reached: connection loss beyond the retry policy, an expired session, or a server error. Unless it is a {@link CommitOutcomeUnknownException} (a subclass, for a commit whose outcome could not be learned), a transaction or update that fails with this exception did not apply. */
public class CoordinationException extends StmException {
    private static final long serialVersionUID = 1L;

    public CoordinationException(String message) {
        super(message);
    }

    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
