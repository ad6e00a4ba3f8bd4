package dev.synod.stm;

import java.util.function.UnaryOperator;

/**
 * A transactional reference: its value changes only inside a transaction ({@link
 * Stm#atomically}), together with the other refs that transaction changes, atomically.
 *
 * <p>{@link #alter}, {@link #set}, {@link #commute} and {@link #ensure} must be called inside a
 * transaction of the {@link Stm} that created the ref; outside one they throw {@link
 * IllegalStateException}. Functions passed to them may be called more than once (on retry) and
 * must be free of side effects. Values and function results must not be null ({@link
 * NullPointerException}, which aborts the transaction). Once a transaction has commuted a ref it
 * had not written before, {@code alter} and {@code set} of that ref in the same transaction throw
 * {@link IllegalStateException} (the commute is re-applied at commit, and would overwrite them).
 *
 * <h2>Refs a client only writes</h2>
 *
 * A client keeps the refs it opened current through change notifications (on ZooKeeper, one watch
 * per ref), so that reads cost no round trip. Such a notification is sent for the client's own
 * commits too. So a ref that a client only writes, in serializable transactions, is no longer kept
 * current once it has made 16 commits of it in a row, each on top of its previous one, with no
 * read outside a transaction and no watch on it since. Its serializable transactions that may be
 * retried ({@link TxnOptions#maxRetries()} above 0) then start from the state their last commit
 * left, and the commit checks that state: a change made elsewhere in between costs a retry, and
 * every ref the transaction read that way is kept current again. An
 * attempt that read such a ref and would end without that check (a read-only transaction, or a
 * body or validator that throws) first reads the ref again, one round trip (so it needs the
 * coordinator, where a read-only transaction over watched refs would not, and waits for it no
 * longer than the transaction's {@link TxnOptions#timeout()}); if it had changed, the attempt is
 * retried instead of returning or failing, and if that read fails, its exception ({@link
 * TransactionTimeoutException} once the timeout passes) is thrown with the attempt's own failure
 * suppressed in it. A {@link #commute} never starts from such
 * a state. What a transaction returns, commits or throws therefore rests on one consistent
 * snapshot. An attempt that is retried may have seen such a ref's older state beside newer states
 * of other refs, so a body must not loop waiting for a state (it must not block anyway: it may run
 * more than once). A read outside a transaction ({@link #get()}), a watch, or a transaction under
 * snapshot isolation or without retries makes the ref current again (if that is the transaction's
 * first read, its snapshot begins at the state read, so another client's write in between costs
 * no conflict); {@link
 * StmMetrics#refsUnwatched()} counts the times a ref stopped being kept current.
 *
 * <p>Thread-safe.
 *
 * @param <T> the value type
 */
public interface Ref<T> extends Identity<T> {

    /**
     * Sets the in-transaction value to {@code fn(current in-transaction value)} and returns it.
     * The ref is checked at commit: if another transaction committed a change to it since this
     * transaction's snapshot, this one retries.
     */
    T alter(UnaryOperator<T> fn);

    /** Sets the in-transaction value (Clojure's {@code ref-set}) and returns it. */
    T set(T value);

    /**
     * Applies a commutative function: {@code fn} is applied to the in-transaction value now (the
     * result is returned), and applied again at commit to the latest committed value. A
     * conflict on a commuted ref never re-runs the transaction body; only the commute functions
     * are re-applied. Use it for counters and other order-independent updates.
     *
     * <p>The in-transaction value is this transaction's snapshot of the ref when the ref's
     * history still reaches back to it, and otherwise the latest committed value (Clojure's
     * {@code commute} always starts from the latest). So the value returned need not be
     * consistent with other refs read in the same transaction: do not check invariants across refs
     * on it; what commits is {@code fn} re-applied at commit.
     */
    T commute(UnaryOperator<T> fn);

    /**
     * Reads the ref and protects it from changes by other transactions until this one commits,
     * without writing it. Under {@link Isolation#SNAPSHOT} this is what prevents write skew;
     * under {@link Isolation#SERIALIZABLE} every read is already protected.
     */
    T ensure();

    /**
     * Deletes the ref from the coordinator (and its external versions, if any). Other clients
     * then get {@link NoSuchRefException}. Must not be called inside a transaction.
     *
     * <p>For a ref kept in a {@code VersionedStateContainer}, the versions deleted are those its
     * last state points at and the unreferenced ones staged a minute or more before; never the
     * whole container, so that a ref of the same name created again meanwhile (by another client,
     * say) keeps its new versions. A version left by a writer that crashed within that minute
     * stays in the store.
     *
     * @throws IllegalStateException inside a transaction (nothing is deleted)
     * @throws StmClosedException after {@link Stm#close()}
     * @throws CoordinationException if the coordinator cannot be reached
     */
    void destroy();
}
