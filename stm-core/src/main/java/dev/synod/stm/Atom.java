package dev.synod.stm;

import java.util.function.UnaryOperator;

/**
 * An independent, shared value changed atomically on its own, without a transaction (Clojure's
 * atom). Every change is a compare-and-set on the stored version: a change computed from a stale
 * value is never written.
 *
 * <p>Atom operations do not take part in an enclosing transaction: called inside one, they apply
 * at once and are not undone if the transaction retries (as in Clojure). Values must not be
 * null. Thread-safe.
 *
 * <p><b>Progress.</b> An update that keeps losing compare-and-set races (one whose function is
 * slow against fast ones, say) claims a turn after 16 losses in a row (or half of {@code
 * maxRetries}, if fewer): on a coordinator that supports turns (ZooKeeper does), other clients'
 * changes of the atom then hold back until it commits, for twice as long as its attempts take at
 * most (one second at least, ten seconds at most). {@link
 * StmMetrics#turnsClaimed()} counts the turns taken. Threads of one {@code Stm} changing the same
 * atom take turns in the order they arrive, each starting from the value the one before it wrote:
 * they never lose races to each other, only to other clients (waiting for them counts towards the
 * timeout; an interrupt while waiting is {@link StmInterruptedException}, nothing applied). So an
 * update function must not wait for another thread's update of the same atom, nor two functions
 * update each other's atoms from two threads: those wait until the timeout.
 *
 * <p><b>Reading.</b> {@link #get()} is a read of the local cache, kept current by a watch, with
 * one exception: a client whose updates of an atom have lost 16 races since it last called {@code
 * get()}, and that has no watch on it
 * ({@link #addWatch}), stops watching it (on ZooKeeper; not with {@code maxRetries} 0), since every
 * change of the others would otherwise be announced to a client that only learns of it from its
 * next lost race anyway. Its next {@code get()}, or a watch added, makes the client watch the atom
 * again; that {@code get()} reads the atom (one round trip) and returns the latest value, so it
 * needs the connection: without one it fails with {@link CoordinationException} once the retry
 * policy gives up, where a watched atom would answer from its cache; {@code addWatch} then fails
 * the same way, the watch not added. Updates are compare-and-sets either way and never write a
 * value computed from a stale one.
 *
 * <h2>Faults, for every changing method</h2>
 * The limits are the Stm's {@linkplain Stm#defaultOptions() default options}: {@link
 * RetryLimitExceededException} after more lost races than {@code maxRetries}, {@link
 * TransactionTimeoutException} after {@code timeout} under contention. A new value over the
 * coordinator's size limit fails with {@link ValueTooLargeException} and one the codec cannot
 * encode with {@link IllegalArgumentException}, before anything is sent. {@link
 * CoordinationException} means the change did not apply, unless it is a {@link
 * CommitOutcomeUnknownException} (the reply was lost and reading back did not tell). An atom in an
 * external store also reports {@link StateStoreException}; one in a plain {@code StateContainer}
 * reports {@link LockLostException} when its claim was taken over before it stored anything
 * (nothing applied). Bytes in the atom's cell that are not an atom's record, or a value its codec
 * cannot decode (another writer's garbage), give {@link CorruptRecordException} naming the cell,
 * from reads and changes alike; {@link #destroy()} removes such an atom. After {@link
 * Stm#close()}: {@link StmClosedException}; after {@link #destroy()}: {@link NoSuchRefException}.
 *
 * @param <T> the value type
 */
public interface Atom<T> extends Identity<T> {

    /**
     * Atomically replaces the value with {@code fn(value)} and returns the new value. {@code fn}
     * is re-applied to the fresh value when another client changed it in between, so it may be
     * called several times and must be free of side effects.
     *
     * @throws NullPointerException if {@code fn} is null or returns null (nothing applied)
     * @throws ValidationException if the validator rejects the new value
     * @throws RetryLimitExceededException if the retry limit of the Stm's default options is
     *     exceeded under contention
     */
    T swap(UnaryOperator<T> fn);

    /**
     * Sets the value, whatever it was, and returns it. Still a compare-and-set underneath (so that
     * the record of who wrote which version stays exact): under heavy contention it can run into
     * the retry limit or the timeout like {@link #swap}.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws ValidationException if the validator rejects it
     */
    T reset(T value);

    /**
     * Sets the value to {@code value} if the current value {@link Object#equals equals} {@code
     * expected}.
     *
     * @return whether the value was set; false is decided on the latest committed value, not a
     *     cached one
     * @throws NullPointerException if either argument is null
     * @throws ValidationException if the validator rejects {@code value}
     */
    boolean compareAndSet(T expected, T value);

    /**
     * Deletes the atom (and, for an external store, its stored versions). Other clients then get
     * {@link NoSuchRefException}. Must not be called inside a transaction ({@link
     * IllegalStateException}).
     *
     * <p>For a {@code VersionedStateContainer}, the versions deleted are those the atom's last
     * state points at and the unreferenced ones staged a minute or more before (as for {@link
     * Ref#destroy()}): an atom of the same name created again meanwhile keeps its value. For a
     * plain {@code StateContainer}, the atom is claimed, its container destroyed, then its cell
     * deleted. An atom whose cell holds bytes that are no Synod record (another writer's) is
     * claimed over them and destroyed so too; a cell holding a record of another kind (a ref or an
     * atom of another kind created under the name since) is left alone ({@link
     * CorruptRecordException}).
     */
    void destroy();
}
