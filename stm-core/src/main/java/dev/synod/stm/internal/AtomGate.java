package dev.synod.stm.internal;

import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One update of an atom at a time among the threads of one client, in the order they arrive: each
 * starts from the state the one before it wrote, so threads of one client never lose races to
 * each other, only to other clients. Reentrant: an update function may update the same atom.
 */
final class AtomGate {
    private final ReentrantLock lock = new ReentrantLock(true);
    private final String name;

    AtomGate(String name) {
        this.name = name;
    }

    /**
     * Waits for the other threads of this client updating the atom; pair with {@link #exit()}.
     *
     * @throws TransactionTimeoutException if {@code deadline} passes first (nothing was applied)
     * @throws StmInterruptedException if interrupted first (nothing was applied; the flag is set)
     */
    void enter(TxnOptions options, long deadline) {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TransactionTimeoutException("atom '" + name + "' could not be updated within "
                        + options.timeout() + ": other threads of this client kept updating it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException(
                    "interrupted while waiting for another thread's update of atom '" + name + "'; nothing was applied",
                    e);
        }
    }

    void exit() {
        lock.unlock();
    }
}
