package dev.synod.stm;

/**
 * A validator rejected the value a transaction or an atom update would have committed. Nothing was
 * applied and the transaction is not retried (unless it read a ref from a state that had moved on
 * meanwhile: see {@link Ref}, "Refs a client only writes").
 */
public class ValidationException extends StmException {
    private static final long serialVersionUID = 1L;
    private final String refName;

    public ValidationException(String refName, String message) {
        super(message);
        this.refName = refName;
    }

    /** The name of the ref or atom whose validator rejected the value. */
    public String refName() {
        return refName;
    }
}
