package dev.synod.stm;

import dev.synod.stm.internal.Engine;
import dev.synod.stm.internal.InMemoryCoordinator;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.VersionedStateContainer;

/**
 * The entry point: creates refs and atoms on one coordinator and runs transactions over them.
 *
 * <pre>{@code
 * try (Stm stm = Stm.inMemory()) {               // or ZooKeeperStm.connect("127.0.0.1:2181")
 *     Ref<Integer> r0 = stm.ref("r0", Codec.json(Integer.class), 0);
 *     Ref<List<Integer>> r1 = stm.ref("r1", Codec.json(new TypeReference<List<Integer>>() {}), List.of());
 *     stm.run(txn -> {
 *         r0.alter(x -> x + 1);
 *         r1.alter(list -> append(list, r0.get()));
 *     });
 * }
 * }</pre>
 *
 * <h2>Names</h2>
 *
 * Names are one or more segments separated by {@code /} (a leading {@code /} is allowed and
 * ignored); a segment is 1 to 100 characters from {@code [A-Za-z0-9._-]} and is not {@code .} or
 * {@code ..}; a name is at most 400 characters. Other names fail with {@link
 * IllegalArgumentException} before anything is sent. A ref and an atom cannot share a name.
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>After {@link #close()}, every method that reads or changes state (opening refs and atoms,
 *       transactions, {@code get}, {@code swap}, {@code setValidator}, {@code addWatch}, {@link
 *       #sweepOrphans}) throws {@link StmClosedException}; {@link #close()}, {@link #describe()},
 *       {@link #metrics()}, {@link #defaultOptions()}, {@link #inTransaction()}, {@code
 *       Identity.name()}, {@code getValidator()} and {@code removeWatch} still answer.
 *   <li>When the coordinator cannot be reached, {@link CoordinationException}: nothing applied,
 *       unless it is its subclass {@link CommitOutcomeUnknownException}, thrown when a commit was
 *       sent, its reply was lost, and reading it back did not tell (it applied exactly once or not
 *       at all; read the refs to find out). Outcomes are resolved by reading back, never by
 *       re-sending.
 *   <li>An interrupted thread gets {@link StmInterruptedException}, with its interrupt flag set
 *       again, from the waits Synod controls: between retries, for a lock, for a commit in
 *       progress on a local ref, while resolving an unknown outcome (the message then says it
 *       applied exactly once or not at all). A commit already sent is waited for without
 *       interruption (the flag is kept): an interrupt never turns a known outcome into an unknown
 *       one. A coordinator call retried by its client library may instead end with {@link
 *       CoordinationException} when interrupted; the flag is set either way.
 *   <li>Values are never {@code null}; a codec that cannot encode a value (or returns {@code null})
 *       gives {@link IllegalArgumentException}; stored bytes that cannot be decoded give {@link
 *       CorruptRecordException} naming where they are, and do not disturb other refs.
 * </ul>
 *
 * Thread-safe.
 */
public interface Stm extends AutoCloseable {

    /** A Stm whose refs live in this JVM's memory: the whole engine without a network. */
    static Stm inMemory() {
        return create(new InMemoryCoordinator(), TxnOptions.defaults());
    }

    /**
     * A Stm on a coordinator of your own (see {@link Coordinator}). The Stm closes the
     * coordinator when closed.
     *
     * @throws NullPointerException if an argument is null
     */
    static Stm create(Coordinator coordinator, TxnOptions defaultOptions) {
        return new Engine(coordinator, defaultOptions);
    }

    /**
     * The ref named {@code name}, created with {@code initial} if it does not exist yet; an
     * existing ref keeps its value (nothing is clobbered).
     *
     * @throws IllegalArgumentException for an invalid name, an initial value the codec cannot
     *     encode, or a name already open in this Stm as an atom or with another codec
     * @throws ValueTooLargeException if the initial value is over the coordinator's limit
     * @throws CorruptRecordException if the existing value cannot be decoded with {@code codec}, or
     *     the name holds an atom (opened by another client)
     * @throws NullPointerException if any argument is null
     */
    <T> Ref<T> ref(String name, Codec<T> codec, T initial);

    /**
     * Attaches to an existing ref (Avout: leave off the initial value).
     *
     * @throws NoSuchRefException if there is none
     * @throws IllegalArgumentException for an invalid name, or a name already open in this Stm as
     *     another kind of identity or with another codec
     * @throws CorruptRecordException if the existing value cannot be decoded with {@code codec}, or
     *     the name holds another kind of identity
     * @throws NullPointerException if any argument is null
     */
    <T> Ref<T> ref(String name, Codec<T> codec);

    /**
     * A ref whose values live in an external store, while the coordinator orders the versions
     * and keeps a pointer. Created with {@code initial} if absent.
     *
     * @throws IllegalArgumentException for an invalid name, an initial value the store's codec
     *     cannot encode, a name already open in this Stm as another kind of identity or over
     *     another container, or a container (equal to one) already holding another ref or atom of
     *     this Stm
     * @throws StateStoreException if the store fails
     * @throws CorruptRecordException if the existing value cannot be decoded, or the name holds an
     *     atom or an inline ref
     * @throws NullPointerException if any argument is null
     */
    <T> Ref<T> ref(String name, VersionedStateContainer<T> container, T initial);

    /**
     * The atom named {@code name}, created with {@code initial} if absent; an existing atom keeps
     * its value.
     *
     * @throws IllegalArgumentException for an invalid name, an initial value the codec cannot
     *     encode, or a name already open in this Stm as a ref or with another codec
     * @throws ValueTooLargeException if the initial value is over the coordinator's limit
     * @throws CorruptRecordException if the existing value cannot be decoded with {@code codec}, or
     *     the name holds a ref (opened by another client)
     * @throws NullPointerException if any argument is null
     */
    <T> Atom<T> atom(String name, Codec<T> codec, T initial);

    /**
     * An atom whose value lives in an external store: each change stages the new value under a
     * fresh version key, then one compare-and-set on the coordinator moves the pointer to it, and
     * the previous version is deleted. Created with {@code initial} if absent.
     *
     * @throws IllegalArgumentException for an invalid name, an initial value the store's codec
     *     cannot encode, a name already open in this Stm as another kind of identity or over
     *     another container, or a container (equal to one) already holding another ref or atom of
     *     this Stm
     * @throws StateStoreException if the store fails
     * @throws CorruptRecordException if the existing value cannot be decoded, or the name holds a
     *     ref or an inline atom
     * @throws NullPointerException if any argument is null
     */
    <T> Atom<T> atom(String name, VersionedStateContainer<T> container, T initial);

    /**
     * An atom whose value lives in a plain, unversioned {@link StateContainer} (Avout's protocol).
     * Updates are serialised by a claim on the coordinator (two coordinator writes each) and take
     * effect when the store is written. A claim carries its holder's lease (the holder's default
     * transaction timeout); another client takes it over, as abandoned, once it has watched it for
     * that long. A holder writes the store only within half its lease of claiming, or after
     * renewing its claim: one whose claim was taken over while it ran stores nothing and gets
     * {@link LockLostException}. What no claim can cover is a write to the store that itself takes
     * over half the lease (keep the store's timeouts well under it): its update may then overwrite
     * one made after the takeover, and it gets {@code CommitOutcomeUnknownException}. Clients'
     * wall clocks should agree within a lease (a claim over two leases old by the wall clock is
     * taken over at once). Destroying the atom claims it first, so that a client cannot create it
     * again while its stored value is being removed. Watches may see changes coalesced: the store keeps
     * only the latest value. Prefer {@link #atom(String, VersionedStateContainer, Object)} where the
     * store can keep versions: one compare-and-set per update, no such window.
     * Created with {@code initial} if absent.
     *
     * @throws IllegalArgumentException for an invalid name, or a name already open in this Stm as
     *     a ref or with another container
     * @throws StateStoreException if the store fails
     * @throws CorruptRecordException if the name holds something other than an atom kept in a
     *     {@code StateContainer} (opened by another client)
     * @throws NullPointerException if any argument is null
     */
    <T> Atom<T> atom(String name, StateContainer<T> container, T initial);

    /**
     * Attaches to an existing atom.
     *
     * @throws NoSuchRefException if there is none
     * @throws IllegalArgumentException for an invalid name, or a name already open in this Stm as
     *     another kind of identity or with another codec
     * @throws CorruptRecordException if the existing value cannot be decoded with {@code codec}, or
     *     the name holds another kind of identity
     * @throws NullPointerException if any argument is null
     */
    <T> Atom<T> atom(String name, Codec<T> codec);

    /**
     * A new in-memory ref that joins this Stm's transactions.
     *
     * @throws NullPointerException if {@code initial} is null
     * @throws StmClosedException after {@link #close()}
     */
    <T> LocalRef<T> localRef(T initial);

    /**
     * Runs {@code body} in a transaction with the default options and returns its result. The
     * body is re-run on conflict; it sees one consistent snapshot and its writes apply atomically
     * or not at all.
     *
     * <p>Called inside a transaction of this Stm, it joins that transaction, as Clojure's nested
     * {@code dosync} does: the body runs once, in the outer transaction, whose options apply (those
     * given to the inner call are ignored); its reads and writes are the outer transaction's, and
     * an exception it throws that the outer body catches does not undo its writes (there are no
     * savepoints); a conflict re-runs the outer body.
     *
     * @throws RetryLimitExceededException when it lost more conflicts than {@link
     *     TxnOptions#maxRetries()} allows
     * @throws TransactionTimeoutException when it did not commit within {@link TxnOptions#timeout()}
     * @throws ValidationException when a validator rejects a value (not retried, unless the attempt
     *     read a ref from a state that had moved on: see {@link Ref}, "Refs a client only writes")
     * @throws ValueTooLargeException when a value written is over the coordinator's limit (nothing is
     *     sent)
     * @throws IllegalArgumentException when the codec cannot encode a value written
     * @throws CorruptRecordException when a ref read holds bytes that cannot be decoded
     * @throws CommitOutcomeUnknownException when the commit's outcome could not be learned
     * @throws LockLostException when a lock guarding the commit was lost (the commit did not apply)
     * @throws IllegalStateException when called inside a transaction of another Stm
     * @throws TransactionBodyException wrapping a checked exception thrown by the body
     * @throws StmInterruptedException wrapping an {@link InterruptedException} thrown by the body
     *     (the interrupt flag is set again; nothing applied), or when interrupted while waiting
     * @throws RuntimeException any unchecked exception the body threw, unchanged (nothing applied)
     */
    <R> R atomically(TxnFunction<R> body);

    /**
     * As {@link #atomically(TxnFunction)} with the given options (ignored inside a transaction,
     * which the call joins).
     *
     * @throws NullPointerException if an argument is null
     */
    <R> R atomically(TxnOptions options, TxnFunction<R> body);

    /** As {@link #atomically(TxnFunction)} for a body without a result. */
    void run(TxnRunnable body);

    /**
     * As {@link #run(TxnRunnable)} with the given options (ignored inside a transaction, which the
     * call joins).
     *
     * @throws NullPointerException if an argument is null
     */
    void run(TxnOptions options, TxnRunnable body);

    /**
     * Deletes versions of an external ref or atom (made with a {@link VersionedStateContainer}) that its
     * stored record no longer points at and that were staged at least {@code olderThan} ago: the
     * orphans a writer leaves when it crashes between staging a value and committing, or between
     * committing and deleting the versions that fell out of history. Choose {@code olderThan} above
     * your longest transaction timeout plus the largest difference between your clients' clocks
     * (a version's age is read from the stamp its writer's clock put in its key), so that a version
     * staged by a commit still in flight is never taken for an orphan. Safe to run at any time,
     * from any client.
     *
     * @return how many versions were deleted
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if it is not an external ref or atom of this Stm, or {@code
     *     olderThan} is negative
     * @throws NoSuchRefException if it was destroyed
     * @throws StateStoreException if the container fails
     * @throws CorruptRecordException if the container finds data it did not write where it lists
     *     the versions (another writer's)
     */
    int sweepOrphans(Identity<?> identity, java.time.Duration olderThan);

    /** Whether the calling thread is inside a transaction of this Stm. */
    boolean inTransaction();

    /** The options used when none are given. */
    TxnOptions defaultOptions();

    /** Counters since creation. */
    StmMetrics metrics();

    /** A description of the coordinator, e.g. {@code zookeeper[127.0.0.1:2181]/synod}. */
    String describe();

    /**
     * Closes the Stm and its coordinator. Transactions in other threads then fail with {@link
     * StmClosedException}, except one whose commit was already sent: if its outcome cannot be
     * learned before the close, it fails with {@link CommitOutcomeUnknownException} (it applied
     * exactly once or not at all). Idempotent.
     */
    @Override
    void close();
}
