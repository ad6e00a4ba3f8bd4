package dev.synod.stm;

import java.util.function.Predicate;

/**
 * What refs and atoms have in common (Clojure's {@code IRef}): a name, a current value, a
 * validator and watches. Values are never {@code null}: use {@code Optional} or an empty
 * collection to say "nothing".
 *
 * <p>Values are treated as immutable, as in Clojure: the instance {@link #get()} returns may be
 * shared with other readers in this process, and the instance a transaction writes may be the one
 * later reads return. Never modify a value after handing it to Synod or getting it from Synod;
 * build a new one (records, immutable collections such as {@code List.of}) instead.
 *
 * <p>Thread-safe.
 *
 * @param <T> the value type
 */
public interface Identity<T> {

    /** The name, unique within one {@link Stm}'s namespace. */
    String name();

    /**
     * The value. Of a ref inside a transaction: the value as of the transaction's snapshot, or
     * the value this transaction wrote. Otherwise (and for an atom always, inside a transaction
     * too: atoms are not transactional) the latest committed value this client knows, usually from
     * memory (it may trail a commit made elsewhere by the time a change notification takes to
     * arrive); an atom kept in a plain {@code StateContainer} reads its store.
     *
     * @throws NoSuchRefException if it was destroyed
     * @throws CorruptRecordException if the stored bytes cannot be decoded
     * @throws StateStoreException if an external store holding the value cannot be read
     * @throws StmClosedException after {@link Stm#close()}
     */
    T get();

    /**
     * Sets the validator checked before every commit that changes this identity, in this client.
     * A validator that returns false makes the commit fail with {@link ValidationException}; one
     * that throws makes it fail with that exception, unchanged. Neither is retried, unless the
     * transaction read a ref from a state that had moved on meanwhile (see {@link Ref}, "Refs a
     * client only writes"): it then runs again, as a conflict would make it. {@code null} removes
     * the validator.
     *
     * @throws ValidationException if the current value does not pass the new validator
     */
    void setValidator(Predicate<? super T> validator);

    /** The current validator, or {@code null}. */
    Predicate<? super T> getValidator();

    /**
     * Adds (or replaces) a watch under {@code key}. The watch is called after every committed
     * change this client learns of, made here or by another client, with the value before and the
     * value after; per identity in commit order. Intermediate versions may be coalesced when
     * changes arrive faster than they are delivered. A watch that throws is logged and does not
     * disturb other watches. Watches run on a Synod thread and should be quick. A watch is not
     * called when the identity is destroyed: destroyed here, it is called no more; destroyed by
     * another client, it is called again if that name is created again while this handle is open
     * (from the last value it saw to the new identity's value).
     *
     * <p>The first change a watch hears of is reported from the latest committed value this client
     * knows when it was added (also when it is added inside a transaction: not from what that
     * transaction wrote), so adding the first watch reads the value: the same read as {@link
     * #get()} outside a transaction, with the same failures. If that read fails, the watch is not
     * added.
     *
     * @throws NullPointerException if key or watch is null
     * @throws NoSuchRefException if the identity was destroyed (the watch is not added)
     * @throws CorruptRecordException if its value cannot be read back (the watch is not added)
     * @throws StateStoreException if its external store cannot be read (the watch is not added)
     * @throws CoordinationException if the coordinator cannot be reached (the watch is not added)
     * @throws StmClosedException after {@link Stm#close()}
     */
    void addWatch(Object key, Watch<T> watch);

    /** Removes the watch under {@code key}; does nothing if there is none. */
    void removeWatch(Object key);
}
