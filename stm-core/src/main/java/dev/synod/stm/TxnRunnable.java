package dev.synod.stm;

/** A transaction body without a result; see {@link TxnFunction} for the rules. */
@FunctionalInterface
public interface TxnRunnable {
    void run(Txn txn) throws Exception;
}
