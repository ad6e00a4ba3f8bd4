package dev.synod.stm;

/**
 * An in-memory ref of one JVM that takes part in distributed transactions: it commits atomically
 * with the distributed refs of the same transaction, and readers in this JVM never see one
 * without the other. Its value is not serialised, so any Java object may be kept (it should be
 * immutable). It is not durable and not visible to other processes. {@link #destroy()} forgets
 * it: its value is dropped, and every later use ({@code get}, a transaction that reads or writes
 * it, {@code addWatch}) fails with {@link NoSuchRefException}; a transaction that read it before
 * fails so at its commit, sending nothing, if it writes or ensures it (or, {@link
 * Isolation#SERIALIZABLE}, only read it). Like any {@code destroy()}, it must not be
 * called inside a transaction ({@link IllegalStateException}).
 *
 * <p>Its watches run on the thread that committed the change, once the transaction has ended (a
 * watch may run a transaction of its own). Two threads committing changes to the same local ref at
 * the same moment may call its watches in either order; each call has the right value before and
 * after.
 *
 * @param <T> the value type
 */
public interface LocalRef<T> extends Ref<T> {}
