package dev.synod.stm;

/** A commit was sent but its outcome could not be determined before the timeout (the connection was lost in flight and could not be re-established to read it back). The transaction applied exactly once or not at all; read the refs to find out. */
public class CommitOutcomeUnknownException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    public CommitOutcomeUnknownException(String message) {
        super(message);
    }

    public CommitOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
