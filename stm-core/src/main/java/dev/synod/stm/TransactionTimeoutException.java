package dev.synod.stm;

/** A transaction did not commit within its timeout ({@code TxnOptions.timeout}). Nothing was applied. */
public class TransactionTimeoutException extends TransactionAbortedException {
    private static final long serialVersionUID = 1L;

    public TransactionTimeoutException(String message) {
        super(message);
    }

    public TransactionTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
