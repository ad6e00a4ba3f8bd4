package dev.synod.stm;

import dev.synod.stm.spi.CommitGuard;

/**
 * The running transaction, handed to the body. Only valid on the thread running the body and
 * only while it runs.
 */
public interface Txn {

    /** 0 for the first run of the body, 1 for the first retry, and so on. */
    int attempt();

    /** The options this transaction runs with. */
    TxnOptions options();

    /**
     * The coordinator stamp of this attempt's snapshot (for ZooKeeper, a zxid). Fixed from the
     * attempt's first read or write on; before that it may still move forward (a first read that
     * had to fetch a ref afresh begins the snapshot at that ref's state).
     */
    long readPoint();

    /**
     * Makes the commit conditional on {@code guard} (e.g. a lock still being held): if the guard
     * fails at commit time nothing is applied and the transaction fails with {@link
     * LockLostException}. See {@code DistributedReentrantLock.guard()} in {@code stm-locks}.
     * Guards protect writes: a transaction that writes nothing sends no commit, so its guards are
     * not checked. A guard applies to this attempt only: a retried body adds it again.
     *
     * @throws NullPointerException if {@code guard} is null
     * @throws IllegalStateException if not called from the body of this attempt while it runs, on
     *     its thread (from another thread, after the body returned, or from a validator)
     */
    void guard(CommitGuard guard);
}
