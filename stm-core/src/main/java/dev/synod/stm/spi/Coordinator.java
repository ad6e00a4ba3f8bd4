package dev.synod.stm.spi;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The coordination service the transaction engine runs on: versioned cells of bytes with a read
 * point, one atomic conditional commit, and change notifications.
 *
 * <p>The engine keeps values, codecs, history and transaction ids inside the cell bytes; a
 * coordinator stores bytes and orders commits. {@code stm-core} ships an in-memory implementation
 * and {@code stm-zookeeper} one on ZooKeeper. Implementations are thread-safe.
 *
 * <h2>The read-point contract</h2>
 *
 * {@link #readPoint()} returns a stamp {@code T} such that, for every opened cell, {@link
 * #current(String)} reflects every commit with stamp {@code <= T}: its stamp is at least the stamp
 * of the last such commit to that cell. {@code current} may also reflect newer commits (the engine
 * then reads older values from the history it keeps in the bytes). Read points never go backwards.
 * A cell the engine said it only updates ({@link #updatesOnly}) is served by {@code current} as the
 * contract says, at the cost of a round trip the first time; only {@link #lastKnown} may trail.
 *
 * <h2>Failures</h2>
 *
 * Methods throw {@code dev.synod.stm.CoordinationException} (or a subclass) when the service cannot
 * be reached within the configured timeouts, {@code dev.synod.stm.StmClosedException} after
 * {@link #close()}, and {@code dev.synod.stm.NoSuchRefException} for a cell that does not exist.
 * {@link #commit} throws {@code dev.synod.stm.CommitOutcomeUnknownException} when the request may
 * or may not have applied (connection lost in flight); the engine then resolves the outcome itself
 * by reading the written cells back with {@link #fetch(List)}.
 */
public interface Coordinator extends AutoCloseable {

    /** A short description for messages and logs, e.g. {@code zookeeper[127.0.0.1:2181]/synod}. */
    String describe();

    /**
     * Where a cell lives, for error messages, e.g. {@code zookeeper[127.0.0.1:2181]/synod/cells/a:b}.
     */
    default String locate(String name) {
        return describe() + ":" + name;
    }

    /** The largest cell, in bytes, this coordinator accepts. */
    int maxCellSize();

    /**
     * Opens a cell so that {@link #current} serves it and listeners hear of its changes.
     *
     * @param name a validated name
     * @param initialIfAbsent bytes to create the cell with if it does not exist; {@code null}
     *     requires it to exist
     * @return the current state (the existing one if the cell already existed)
     * @throws dev.synod.stm.NoSuchRefException if absent and {@code initialIfAbsent} is null
     */
    Versioned open(String name, byte[] initialIfAbsent);

    /** Deletes a cell and stops serving it. Deleting an absent cell does nothing. */
    void delete(String name);

    /** The current read point (see the class comment). Never blocks on the network. */
    long readPoint();

    /**
     * The latest state of an opened cell known to this client; never older than the read point
     * requires. Usually a memory read; for a cell the engine said it only updates ({@link
     * #updatesOnly}), the first call after that may read the service (and fail as a read does).
     *
     * @throws IllegalStateException if the cell was not opened
     * @throws dev.synod.stm.NoSuchRefException if the cell has been deleted
     * @throws dev.synod.stm.CoordinationException if such a read fails
     * @throws dev.synod.stm.StmInterruptedException if interrupted during such a read
     */
    Versioned current(String name);

    /**
     * As {@link #current(String)} for a caller with a deadline (a transaction's timeout): a read
     * it needs (a cell the engine said it only updates) waits for the service only until {@link
     * System#nanoTime()} passes {@code deadlineNanos}, then fails with {@code
     * dev.synod.stm.TransactionTimeoutException}. The default ignores the deadline.
     */
    default Versioned current(String name, long deadlineNanos) {
        return current(name);
    }

    /**
     * The latest state of an opened cell known to this client, without {@link #current}'s promise:
     * for a cell the engine said it only updates ({@link #updatesOnly}) it may trail the service
     * until {@link #current} is called for it again. Used where a stale state costs only a lost
     * race (the first attempt of an atom update). A memory read; the default is {@link #current}.
     *
     * @throws IllegalStateException if the cell was not opened
     * @throws dev.synod.stm.NoSuchRefException if the cell has been deleted
     */
    default Versioned lastKnown(String name) {
        return current(name);
    }

    /**
     * A hint from the engine: this client only updates cell {@code name}, has not read it outside
     * its updates since, and nothing here listens to its changes. Either it keeps losing races
     * updating it (an atom), or its own commits keep writing it, each on top of the one before (a
     * ref written in serializable transactions). A coordinator that keeps opened cells current by
     * change notifications may stop them for this cell: every commit would otherwise be announced to
     * a client that learns of it anyway, from its own commit or its next lost race. The engine reads
     * such a cell with {@link #lastKnown} only where a commit checks what was read (an atom's
     * compare-and-set, a ref read by a serializable transaction, never a commute), and calls {@link
     * #current} before it relies on it otherwise. For a ref, the engine gives the hint after every
     * commit past the threshold until one is taken. Until {@link #current} (or {@link #open}) is next called for
     * the cell, which makes it current and announced again, the read-point contract does not cover
     * it, {@link #lastKnown} may trail, and listeners hear only of the states this client's own
     * commits and reads bring. Claims on the cell ({@link #claim}) must still be honoured. Never
     * throws and never waits (the engine calls it on every race lost past the threshold); the
     * default does nothing.
     *
     * @return whether the coordinator stopped keeping the cell current now (false if it did
     *     nothing, or had stopped already)
     */
    default boolean updatesOnly(String name) {
        return false;
    }

    /**
     * Reads the latest committed state of the given cells from the service, all at one state of
     * the service, in one round trip where the service allows. Bypasses any cache and refreshes
     * it.
     *
     * @return one entry per name, in order
     */
    List<Versioned> fetch(List<String> names);

    /**
     * As {@link #fetch}, and reflecting every commit that completed anywhere before this call,
     * even one this client heard of only outside the service: a replicated service first brings
     * the server that answers up to date. For decisions that must rest on the latest committed
     * state, such as a compare-and-set that answers false. The default calls {@link #fetch}, which
     * is right for a service that is not replicated.
     */
    default List<Versioned> fetchLatest(List<String> names) {
        return fetch(names);
    }

    /**
     * As {@link #fetch(List)} for a caller with a deadline (a transaction's timeout): waiting for
     * the service (a connection, a retry) ends once {@link System#nanoTime()} passes {@code
     * deadlineNanos}, with {@code dev.synod.stm.TransactionTimeoutException}. A request already
     * sent is still waited for as {@link #fetch(List)} would. The default ignores the deadline.
     */
    default List<Versioned> fetch(List<String> names, long deadlineNanos) {
        return fetch(names);
    }

    /** As {@link #fetchLatest(List)}, with a deadline as {@link #fetch(List, long)}. */
    default List<Versioned> fetchLatest(List<String> names, long deadlineNanos) {
        return fetchLatest(names);
    }

    /**
     * The engine caught the read-point contract broken: the local state of opened cell {@code
     * name} trailed commit {@code stamp}, which the read point covers (a transaction saw that
     * commit on a co-written cell). It should never happen; when it does, a change notification
     * was lost somewhere, and other opened cells may have missed theirs too, unseen. Before the
     * engine retries the transaction, the coordinator makes {@code name} current and should bring
     * every other opened cell up to date as well (and repair what keeps them current), waiting for
     * that until {@code deadlineNanos} at most ({@link System#nanoTime()}; past it, the engine
     * retries anyway and the next read that trips calls this again). The default fetches {@code
     * name} alone, which is right for a coordinator without local state beyond what {@link #fetch}
     * refreshes.
     *
     * @throws dev.synod.stm.CoordinationException if the service cannot be reached (the engine
     *     then retries; the retry finds out)
     * @throws dev.synod.stm.StmInterruptedException if interrupted while waiting
     */
    default void localStateTrailed(String name, long stamp, long deadlineNanos) {
        fetch(List.of(name), deadlineNanos);
    }

    /**
     * Called before the engine answers from local state alone: a read outside a transaction, or a
     * read-only transaction over coordinated cells. A coordinator whose local state may have
     * fallen too far behind (its connection lost for long) throws here instead of letting it be
     * served. Writes need no such check: their commit checks what they read. The default does
     * nothing.
     *
     * @throws dev.synod.stm.CoordinationException if the local state may be too stale to serve
     */
    default void checkStaleness() {}

    /**
     * Throws if the coordinator can no longer be used (its connection to the service was closed
     * underneath it); called before every operation, so it must be a memory read. The default
     * does nothing.
     *
     * @throws dev.synod.stm.StmClosedException if the coordinator or its client was closed
     */
    default void checkOpen() {}

    /**
     * Waits until {@link #readPoint()} is at least {@code stamp}.
     *
     * @return whether it got there before the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitReadPoint(long stamp, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Applies all checks, writes and guards atomically, or none. A write transaction costs one
     * request to the service. On success the local state ({@link #current}) already reflects the
     * writes when this method returns.
     */
    CommitResult commit(CommitRequest request);

    /**
     * As {@link #commit(CommitRequest)} for a caller with a deadline: waiting for the service
     * before the request is sent ends once {@link System#nanoTime()} passes {@code deadlineNanos},
     * with {@code dev.synod.stm.TransactionTimeoutException} (nothing was sent). A request already
     * sent is waited for in full: its outcome must be learnt. The default ignores the deadline.
     */
    default CommitResult commit(CommitRequest request, long deadlineNanos) {
        return commit(request);
    }

    /**
     * A turn on contended cells, from {@link #claim}: while it is held, this coordinator's commits
     * that write those cells go first and other clients' commits that write them wait (each for at
     * most a lease, so a claim whose holder stalls cannot block anyone for long). Pass it to {@link
     * #commit(CommitRequest, long, Claim)}: a commit that applies releases it in the same request.
     */
    interface Claim extends AutoCloseable {
        /** The cells claimed, sorted. */
        List<String> names();

        /** Whether the claim still stands (not released by a commit or {@link #close}, not lost). */
        boolean held();

        /** Releases the claim if it still stands, without waiting for the service. Idempotent. */
        @Override
        void close();
    }

    /**
     * Takes a turn on the given cells for a caller that keeps losing races on them (DESIGN 7:
     * progress for a transaction that keeps losing): queues behind earlier claims of the same
     * cells, in name order so that two claimers cannot wait for each other, and returns once this
     * claim is first in line on every cell (or the claims ahead of it outlived their lease). The
     * default, for a coordinator without claims, returns {@code null}: the caller carries on with
     * plain retries.
     *
     * @param names validated names of opened cells
     * @param attemptNanos how long one attempt of the caller takes (the longest of the attempts it
     *     lost): a coordinator that honours a claim for a lease makes the lease about twice that,
     *     within limits of its own, so that an attempt slower than the usual lease still gets its turn
     * @param deadlineNanos as for {@link #commit(CommitRequest, long)}: waiting ends with {@code
     *     dev.synod.stm.TransactionTimeoutException} once {@link System#nanoTime()} passes it
     * @return the claim (close it when done), or {@code null} if this coordinator has none
     */
    default Claim claim(List<String> names, long attemptNanos, long deadlineNanos) {
        return null;
    }

    /**
     * As {@link #commit(CommitRequest, long)} under a claim from {@link #claim} (or {@code null}):
     * the commit does not wait for its own claim, and if it applies the claim is released with it,
     * in the same request. A claim lost meanwhile (its holder's session ended) makes the commit a
     * conflict, to be retried. The default ignores the claim.
     */
    default CommitResult commit(CommitRequest request, long deadlineNanos, Claim claim) {
        return commit(request, deadlineNanos);
    }

    /**
     * Whether this coordinator knows of any claimed turn at all; when it does not, {@link
     * #awaitTurn} would return at once. A memory read.
     */
    default boolean turnsClaimed() {
        return false;
    }

    /**
     * Waits while another client has the turn on one of {@code names} (see {@link #claim}); the
     * caller's own {@code claim} (or null) does not make it wait. {@link #commit} waits the same
     * way by itself; the engine calls this first, before it locks local refs, so that no local
     * lock is held while it waits. The default returns at once.
     *
     * @throws dev.synod.stm.TransactionTimeoutException if {@code deadlineNanos} passes first
     */
    default void awaitTurn(java.util.Collection<String> names, Claim claim, long deadlineNanos) {}

    /** Registers a listener for changes of opened cells. Closing the handle unregisters it. */
    AutoCloseable subscribe(ChangeListener listener);

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
