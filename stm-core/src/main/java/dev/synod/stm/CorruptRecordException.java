package dev.synod.stm;

/** The stored bytes of a ref or atom cannot be read: written by something other than Synod, or by an incompatible codec. The message names the ref and the reason. */
public class CorruptRecordException extends StmException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
