package dev.synod.stm;

/**
 * A transaction body or function threw a checked exception; it is the cause. Unchecked exceptions
 * and errors are never wrapped, and an {@link InterruptedException} arrives as the cause of a
 * {@link StmInterruptedException} instead (the interrupt flag set again).
 */
public class TransactionBodyException extends StmException {
    private static final long serialVersionUID = 1L;

    public TransactionBodyException(String message) {
        super(message);
    }

    public TransactionBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
