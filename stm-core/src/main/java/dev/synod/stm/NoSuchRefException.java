package dev.synod.stm;

/** A ref or atom does not exist: it was never created, or it was destroyed. */
public class NoSuchRefException extends StmException {
    private static final long serialVersionUID = 1L;

    public NoSuchRefException(String message) {
        super(message);
    }

    public NoSuchRefException(String message, Throwable cause) {
        super(message, cause);
    }
}
