package dev.synod.stm;

/** A distributed lock is no longer held (its session expired or its node was removed), or a commit guarded by a lock was rejected because the lock had been lost. Writes guarded by the lock were not applied. */
public class LockLostException extends StmException {
    private static final long serialVersionUID = 1L;

    public LockLostException(String message) {
        super(message);
    }

    public LockLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
