package dev.synod.stm;

/** The Stm (or its client) was closed; no further operations are possible. */
public class StmClosedException extends StmException {
    private static final long serialVersionUID = 1L;

    public StmClosedException(String message) {
        super(message);
    }

    public StmClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
