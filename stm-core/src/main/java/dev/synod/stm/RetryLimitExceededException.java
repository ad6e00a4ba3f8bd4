package dev.synod.stm;

/** A transaction kept conflicting and reached its retry limit ({@code TxnOptions.maxRetries}). Nothing was applied. */
public class RetryLimitExceededException extends TransactionAbortedException {
    private static final long serialVersionUID = 1L;

    public RetryLimitExceededException(String message) {
        super(message);
    }

    public RetryLimitExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
