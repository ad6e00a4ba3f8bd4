package dev.synod.stm;

/**
 * A transaction body with a result. It may run several times (on retry), so apart from changing
 * refs it should have no side effects. It may throw: an unchecked exception or error aborts the
 * transaction and reaches the caller unchanged; a checked one reaches it as the cause of a {@link
 * TransactionBodyException}, except an {@link InterruptedException}, which reaches it as the cause
 * of a {@link StmInterruptedException} with the thread's interrupt flag set again.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface TxnFunction<R> {
    R apply(Txn txn) throws Exception;
}
