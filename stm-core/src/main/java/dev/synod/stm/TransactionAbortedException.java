package dev.synod.stm;

/** A transaction ended without committing for a reason other than an exception from user code. Its effects were not applied. */
public class TransactionAbortedException extends StmException {
    private static final long serialVersionUID = 1L;

    public TransactionAbortedException(String message) {
        super(message);
    }

    public TransactionAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
