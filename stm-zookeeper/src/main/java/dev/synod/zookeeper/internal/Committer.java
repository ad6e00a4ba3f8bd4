package dev.synod.zookeeper.internal;

import dev.synod.stm.CommitOutcomeUnknownException;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Versioned;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.data.Stat;

/**
 * Sends a {@link CommitRequest} as exactly one request: one {@code multi} of {@code check}s and
 * {@code setData}s (the deletes of a claim used, then guards, then checks, then writes), or a
 * single {@code setData} when the request is one write alone. The multi is sent once on the raw
 * handle, never inside Curator's retry loop: a lost reply gives {@link CommitOutcomeUnknownException}, and the engine resolves
 * the outcome by reading the cells back.
 *
 * <p>A conflict on an opened cell (its version moved on) is followed at once, from the event
 * thread, by a read of that cell, and the commit returns when the read has put the cell's state in
 * the cache: whoever retries at once (an atom's swap or reset, a transaction) finds the cell
 * current without a read of its own, and the notifications of the change that beat us, held back
 * while the commit was in flight, are covered by the read, so the cache worker does not read the
 * cell too. It is sent only for a conflict, never for a success; a caller that backs off before
 * retrying (an atom that lost twice in a row) reads again after its pause.
 */
final class Committer {
    /** Bytes counted per op on top of path and data: op header, lengths, version. */
    private static final int PER_OP_OVERHEAD = 32;
    /** Bytes counted per request: length, xid, type, multi terminator. */
    private static final int PER_REQUEST_OVERHEAD = 64;

    /** An answer from the ZooKeeper client: a code, and per-op results or the stat of one setData. */
    private record Reply(int rc, List<OpResult> results, Stat stat, Map<String, Versioned> written) {
        Reply(int rc, List<OpResult> results, Stat stat, CommitRequest request) {
            this(rc, results, stat, rc == Code.OK.intValue() ? writtenStates(request, results, stat) : Map.of());
        }
    }

    private final ZkConnection connection;
    private final CellPaths paths;
    private final CellCache cache;
    private final ReadPoint readPoint;
    private final PendingCommits pending;
    private final WatchWorker worker;
    private final Claims claims;
    private final int maxCellSize;
    private final int maxRequestSize;
    private final AtomicLong unknownOutcomes = new AtomicLong();

    Committer(
            ZkConnection connection,
            CellPaths paths,
            CellCache cache,
            ReadPoint readPoint,
            PendingCommits pending,
            WatchWorker worker,
            Claims claims,
            int maxCellSize,
            int maxRequestSize) {
        this.connection = connection;
        this.paths = paths;
        this.cache = cache;
        this.readPoint = readPoint;
        this.pending = pending;
        this.worker = worker;
        this.claims = claims;
        this.maxCellSize = maxCellSize;
        this.maxRequestSize = maxRequestSize;
    }

    /** How many commits ended with an unknown outcome so far. */
    long unknownOutcomes() {
        return unknownOutcomes.get();
    }

    CommitResult commit(CommitRequest request) {
        return commit(request, ZkConnection.NO_DEADLINE);
    }

    /** As {@link #commit(CommitRequest)}, waiting for a connection no longer than the deadline. */
    CommitResult commit(CommitRequest request, long deadlineNanos) {
        return commit(request, deadlineNanos, null);
    }

    /**
     * Refuses, before anything is sent, a guard that ZooKeeper could only answer with "bad
     * arguments": a path that is not a valid znode path, or a version no znode can have.
     */
    private static void checkGuard(CommitGuard g) {
        try {
            PathUtils.validatePath(g.path());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the commit guard for " + g.description() + " has an invalid znode path: " + e.getMessage(), e);
        }
        if (g.version() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the commit guard for " + g.description() + " requires version "
                    + g.version() + ", more than a znode's version can be");
        }
    }

    /** A claim node deleted by a commit, as the meaning of its op. */
    private record ClaimNode(String name, String path) {}

    /**
     * As {@link #commit(CommitRequest, long)} under {@code claim} (or null): waits first while
     * another client has the turn on a written cell (see {@link Claims}); a claim still held is
     * released by the same request (one {@code delete} per claimed cell in the multi).
     */
    CommitResult commit(CommitRequest request, long deadlineNanos, ZkClaim claim) {
        List<Op> ops = new ArrayList<>();
        List<Object> meaning = new ArrayList<>(); // per op: a CommitGuard, a ClaimNode or a cell name
        long size = PER_REQUEST_OVERHEAD;
        // A claim's deletes come first: a claim that ended with its session is then the failure
        // reported (a multi reports its first failing op), not a lost race behind it.
        boolean claimed = claim != null && claim.standing();
        if (claimed) {
            for (Map.Entry<String, String> n : claim.nodes.entrySet()) {
                String path = paths.pathOf(n.getKey()) + "/" + n.getValue();
                ops.add(Op.delete(path, -1));
                meaning.add(new ClaimNode(n.getKey(), path));
                size += utf8Length(path) + PER_OP_OVERHEAD;
            }
        }
        for (CommitGuard g : request.guards()) {
            checkGuard(g);
            ops.add(Op.check(g.path(), (int) g.version()));
            meaning.add(g);
            size += utf8Length(g.path()) + PER_OP_OVERHEAD;
        }
        for (CommitRequest.Check c : request.checks()) {
            String path = paths.pathOf(c.name());
            ops.add(Op.check(path, (int) c.version()));
            meaning.add(c.name());
            size += utf8Length(path) + PER_OP_OVERHEAD;
        }
        Set<String> written = new LinkedHashSet<>();
        for (CommitRequest.Write w : request.writes()) {
            if (w.data().length > maxCellSize) {
                throw new ValueTooLargeException(w.name(), w.data().length, maxCellSize);
            }
            String path = paths.pathOf(w.name());
            ops.add(Op.setData(path, w.data(), (int) w.expectedVersion()));
            meaning.add(w.name());
            written.add(w.name());
            size += utf8Length(path) + w.data().length + PER_OP_OVERHEAD;
        }
        if (size > maxRequestSize) {
            throw new ValueTooLargeException(String.join(", ", written), size, maxRequestSize);
        }
        if (claims.any()) { // the message is built only then
            claims.awaitTurn(written, claimed ? claim.nodes : Map.of(), deadlineNanos, "a commit of " + written);
        }
        ZooKeeper zk = connection.handle(() -> "committing writes to " + written, deadlineNanos);
        PendingCommits.Pending inFlight = pending.beginCommit(written);
        try {
            Reply reply = send(zk, request, ops, meaning, inFlight);
            CommitResult result = interpret(request, meaning, reply, written);
            if (claimed && result instanceof CommitResult.Committed) {
                claim.gone(); // deleted by this commit
            } else if (claimed) {
                int failed = failedOp(reply, meaning.size());
                if (failed >= 0 && meaning.get(failed) instanceof ClaimNode) {
                    claim.gone(); // ended with its session
                }
            }
            return result;
        } finally {
            pending.end(inFlight);
            // a reply without a barrier (no outcome), none at all, or a failure applying it did not
            // settle the events held back for this commit
            worker.settleDeferred();
        }
    }

    private Reply send(
            ZooKeeper zk, CommitRequest request, List<Op> ops, List<Object> meaning, PendingCommits.Pending inFlight) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        // a conflict, known before the read of its cell that follows it is answered
        CompletableFuture<Reply> conflict = new CompletableFuture<>();
        long known = readPoint.maxKnown();
        if (request.checks().isEmpty()
                && request.guards().isEmpty()
                && request.writes().size() == 1
                && ops.size() == 1) {
            CommitRequest.Write w = request.writes().get(0);
            zk.setData(
                    paths.pathOf(w.name()),
                    w.data(),
                    (int) w.expectedVersion(),
                    (rc, path, ctx, stat) -> onReply(
                            zk, future, conflict, () -> new Reply(rc, null, stat, request), meaning, known, inFlight),
                    null);
        } else {
            zk.multi(
                    ops,
                    (rc, path, ctx, results) -> onReply(
                            zk,
                            future,
                            conflict,
                            () -> new Reply(rc, results, null, request),
                            meaning,
                            known,
                            inFlight),
                    null);
        }
        try {
            return ZkConnection.awaitReply(future, 2 * connection.requestTimeoutMs());
        } catch (KeeperException | TimeoutException | IllegalStateException e) {
            if (conflict.isDone()) {
                return conflict.join(); // only the read that follows a conflict went unanswered
            }
            // no reply, or one we could not apply: the engine reads the outcome back
            unknownOutcomes.incrementAndGet();
            throw new CommitOutcomeUnknownException(
                    "no reply from ZooKeeper at " + connection.connectString() + " to a commit; it may or may not"
                            + " have applied",
                    e);
        }
    }

    /**
     * On the ZooKeeper event thread: applies a reply and hands it to the committing thread (after
     * reading back the cell a conflict was on, see the class comment). Whatever goes wrong here,
     * the committing thread gets an answer and the pending commit ends (else the watch worker would
     * wait for it until its timeout).
     */
    private void onReply(
            ZooKeeper zk,
            CompletableFuture<Reply> future,
            CompletableFuture<Reply> conflict,
            Supplier<Reply> decode,
            List<Object> meaning,
            long known,
            PendingCommits.Pending inFlight) {
        boolean readingBack = false;
        try {
            Reply reply = decode.get();
            int failed = failedOp(reply, meaning.size());
            if (failed >= 0
                    && meaning.get(failed) instanceof String name
                    && failedCode(reply, failed) == Code.BADVERSION
                    && cache.isOpen(name)) {
                conflict.complete(reply);
                readingBack = readBack(zk, name, reply, future, known, inFlight);
                if (readingBack) {
                    return;
                }
            }
            replied(reply, known, inFlight);
            future.complete(reply);
        } catch (RuntimeException | Error e) {
            future.completeExceptionally(e);
            throw e;
        } finally {
            if (!readingBack) {
                pending.end(inFlight);
            }
        }
    }

    /**
     * On the ZooKeeper event thread: reads back the cell a conflict was on, then completes {@code
     * future} with the conflict. The events of that cell stay held back until the read's reply,
     * which puts the state read in the cache and is the barrier that settles them (it follows
     * every notification its state includes); the commit's other cells are released at once. If
     * the read cannot be sent, returns false and the caller answers at once; if it fails, the
     * conflict is answered without it.
     */
    private boolean readBack(
            ZooKeeper zk,
            String name,
            Reply reply,
            CompletableFuture<Reply> future,
            long known,
            PendingCommits.Pending inFlight) {
        CompletableFuture<CellReader.Result> read;
        try {
            // held back from before the commit's pending ends: no event of the cell slips through
            read = worker.readCovering(zk, List.of(name), false, known);
        } catch (RuntimeException e) {
            return false; // the client refused the read (say, it is closing): answer without it
        }
        pending.end(inFlight);
        // a failed read settles with a barrier at known, which the conflict's reply stands for
        read.whenComplete((r, failure) -> future.complete(reply));
        return true;
    }

    /** The index of the op that failed in a reply that is not a success, or -1 if none is named. */
    private static int failedOp(Reply reply, int ops) {
        if (reply.rc() == Code.OK.intValue()) {
            return -1;
        }
        if (reply.results() != null && reply.results().size() == ops) {
            for (int i = 0; i < ops; i++) {
                if (reply.results().get(i) instanceof OpResult.ErrorResult e
                        && e.getErr() != Code.OK.intValue()
                        && e.getErr() != Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return i;
                }
            }
            return -1;
        }
        return reply.results() == null && reply.stat() == null && ops == 1 ? 0 : -1;
    }

    /** The error code of op {@code index} of a failed reply (see {@link #failedOp}). */
    private static Code failedCode(Reply reply, int index) {
        return reply.results() != null
                ? Code.get(((OpResult.ErrorResult) reply.results().get(index)).getErr())
                : Code.get(reply.rc());
    }

    /**
     * On the ZooKeeper event thread: a reply (success or conflict) follows every notification up to
     * the state it was processed at, which is at least the commit's zxid and every stamp known
     * when it was sent. A success puts the new states in the cache here, before the barrier, so
     * that the events of this commit held back on the event thread are dropped by the barrier,
     * and a worker that got them anyway (it waits for this commit to fill the cache) need not wait
     * for the committing thread to be scheduled. If the worker has nothing left to do, the
     * barrier raises the read point here, before the committing thread wakes.
     */
    private void replied(Reply reply, long known, PendingCommits.Pending inFlight) {
        Code code = Code.get(reply.rc());
        if (isOutcomeUnknown(code)) {
            return; // the caller resolves the outcome; onReply's finally ends the pending commit
        }
        long stamp = 0;
        if (code == Code.OK) {
            for (Versioned v : reply.written().values()) {
                stamp = Math.max(stamp, v.stamp());
                cache.advance(v);
            }
            if (stamp > 0) {
                readPoint.learnt(stamp);
            }
        }
        pending.end(inFlight);
        worker.barrier(Math.max(known, stamp));
    }

    /** The new state of every written cell, from a successful reply. */
    private static Map<String, Versioned> writtenStates(CommitRequest request, List<OpResult> results, Stat stat) {
        Map<String, Versioned> written = new HashMap<>();
        if (stat != null) {
            CommitRequest.Write w = request.writes().get(0);
            written.put(w.name(), new Versioned(w.name(), w.data(), stat.getVersion(), stat.getMzxid()));
        } else if (results != null) {
            int offset = results.size() - request.writes().size(); // claims, guards and checks first
            for (int i = 0; i < request.writes().size(); i++) {
                CommitRequest.Write w = request.writes().get(i);
                Stat s = ((OpResult.SetDataResult) results.get(offset + i)).getStat();
                written.put(w.name(), new Versioned(w.name(), w.data(), s.getVersion(), s.getMzxid()));
            }
        }
        return written;
    }

    private CommitResult interpret(CommitRequest request, List<Object> meaning, Reply reply, Set<String> written) {
        Code code = Code.get(reply.rc());
        if (code == Code.OK) {
            return committed(request, reply);
        }
        int failed = failedOp(reply, meaning.size());
        if (failed >= 0) {
            return conflictOrFailure(meaning.get(failed), failedCode(reply, failed), written);
        }
        if (isOutcomeUnknown(code)) {
            unknownOutcomes.incrementAndGet();
            throw new CommitOutcomeUnknownException("connection to ZooKeeper at " + connection.connectString()
                    + " lost (" + code + ") while committing writes to " + written
                    + "; the commit may or may not have applied");
        }
        throw new CoordinationException(
                "ZooKeeper at " + connection.connectString() + " rejected a commit of " + written + ": " + code);
    }

    private CommitResult conflictOrFailure(Object what, Code code, Set<String> written) {
        if (what instanceof ClaimNode c && code == Code.NONODE) {
            // the claim ended with its session: the commit did not apply; retried without it
            return new CommitResult.Conflict(Set.of(c.name()), null);
        }
        if (code == Code.BADVERSION || code == Code.NONODE) {
            return what instanceof CommitGuard g
                    ? new CommitResult.Conflict(Set.of(), g)
                    : new CommitResult.Conflict(Set.of((String) what), null);
        }
        if (isOutcomeUnknown(code)) {
            unknownOutcomes.incrementAndGet();
            throw new CommitOutcomeUnknownException("connection to ZooKeeper at " + connection.connectString()
                    + " lost (" + code + ") while committing writes to " + written
                    + "; the commit may or may not have applied");
        }
        String subject = what instanceof CommitGuard g
                ? g.description() + " (" + g.path() + ")"
                : what instanceof ClaimNode c ? "the claim " + c.path() : "'" + what + "'";
        throw new CoordinationException("ZooKeeper at " + connection.connectString() + " rejected a commit of "
                + written + " at " + subject + ": " + code);
    }

    private CommitResult committed(CommitRequest request, Reply reply) {
        Map<String, Versioned> written = reply.written();
        long stamp = -1;
        for (Versioned v : written.values()) {
            stamp = Math.max(stamp, v.stamp());
        }
        if (stamp < 0) {
            // only checks and guards: nothing was written; the read point is a valid stamp
            stamp = readPoint.get();
        }
        // the cache was advanced on the reply (see replied); nothing else to do here
        return new CommitResult.Committed(stamp, written);
    }

    private static boolean isOutcomeUnknown(Code code) {
        return code == Code.CONNECTIONLOSS
                || code == Code.SESSIONEXPIRED
                || code == Code.OPERATIONTIMEOUT
                || code == Code.SESSIONMOVED
                || code == Code.REQUESTTIMEOUT;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
