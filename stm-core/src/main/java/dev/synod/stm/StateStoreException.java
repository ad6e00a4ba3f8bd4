package dev.synod.stm;

/** An external state store (database, Redis, ...) failed. The message names the store. */
public class StateStoreException extends StmException {
    private static final long serialVersionUID = 1L;

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
