package dev.synod.stm;

/** The thread was interrupted while Synod was waiting (for a retry backoff, a commit or a lock). The thread's interrupt flag is set again when this is thrown; no effect was applied unless the message says otherwise. */
public class StmInterruptedException extends StmException {
    private static final long serialVersionUID = 1L;

    public StmInterruptedException(String message) {
        super(message);
    }

    public StmInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
