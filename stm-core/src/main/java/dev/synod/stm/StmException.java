package dev.synod.stm;

/**
 * Root of Synod's unchecked exceptions. Catch this to handle every failure Synod itself reports;
 * exceptions thrown by your own transaction bodies, functions and validators are not wrapped and
 * reach you unchanged.
 */
public class StmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StmException(String message) {
        super(message);
    }

    public StmException(String message, Throwable cause) {
        super(message, cause);
    }
}
