package dev.synod.stm;

/**
 * A transaction body with a result. It may run several times (on retry), so apart from changing
 * refs it should have no side effects. It may throw: an unchecked exception or error aborts the
 * transaction and reaches the caller unchanged; a checked one reaches it as the cause of a {@link
 * TransactionBodyException}.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface TxnFunction<R> {
    R apply(Txn txn) throws Exception;
}
