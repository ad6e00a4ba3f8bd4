package dev.synod.zookeeper.internal;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.StmInterruptedException;
import dev.synod.stm.TransactionTimeoutException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.curator.RetryLoop;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * The Curator client as the coordinator uses it: connected raw handles, Curator's retry loop for
 * idempotent reads, and failures turned into Synod exceptions that name the connect string and the
 * state of the connection.
 */
final class ZkConnection {
    private final CuratorFramework original;
    private final CuratorFramework client;
    private final boolean owned;

    /**
     * @param client a started client; its own Curator namespace, if any, is ignored: every path
     *     the coordinator uses is absolute
     * @param owned whether {@link #close()} closes the client
     */
    ZkConnection(CuratorFramework client, boolean owned) {
        this.original = client;
        this.client = client.usingNamespace(null);
        this.owned = owned;
    }

    /** The client without any Curator namespace (all our paths are absolute). */
    CuratorFramework curator() {
        return client;
    }

    /** The client as given or built. */
    CuratorFramework original() {
        return original;
    }

    String connectString() {
        return client.getZookeeperClient().getCurrentConnectionString();
    }

    long connectionTimeoutMs() {
        return client.getZookeeperClient().getConnectionTimeoutMs();
    }

    /** How long a request may stay unanswered before the client declares the connection lost. */
    long requestTimeoutMs() {
        int negotiated = client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
        return Math.max(negotiated, 1000) + connectionTimeoutMs();
    }

    boolean isConnected() {
        return client.getZookeeperClient().isConnected();
    }

    /**
     * The current raw handle, waiting up to the connection timeout for a connection.
     *
     * @param action what we are about to do, for the message
     * @throws CoordinationException if not connected in time (nothing was sent)
     * @throws StmClosedException if the Stm or the client is closed, also while it waits
     */
    ZooKeeper handle(String action) {
        return handle(() -> action);
    }

    /** As {@link #handle(String)}, the message built only when it is needed (a commit's path). */
    ZooKeeper handle(Supplier<String> action) {
        return handle(action, NO_DEADLINE);
    }

    /**
     * As {@link #handle(Supplier)}, waiting for a connection no longer than until {@code
     * deadlineNanos} (a {@link System#nanoTime()} value, or {@link #NO_DEADLINE}).
     *
     * @throws TransactionTimeoutException if the deadline passed first (nothing was sent)
     */
    ZooKeeper handle(Supplier<String> action, long deadlineNanos) {
        checkClientOpen();
        try {
            if (!isConnected()) {
                boolean deadlineFirst = deadlineBeforeConnectionTimeout(deadlineNanos);
                if (!awaitConnected(deadlineNanos)) {
                    if (deadlineFirst) {
                        throw deadlinePassed(action.get(), null);
                    }
                    throw notConnected(action.get());
                }
            }
            return client.getZookeeperClient().getZooKeeper();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while waiting for ZooKeeper at " + connectString() + " ("
                    + action.get() + "); nothing was sent");
        } catch (CoordinationException | TransactionTimeoutException e) {
            throw e;
        } catch (Exception e) {
            checkClientOpen();
            throw failure(action.get(), e);
        }
    }

    /** A deadline that never passes. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    static boolean passed(long deadlineNanos) {
        return deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos >= 0;
    }

    private static void sleepUntilAtMost(long time, TimeUnit unit, long deadlineNanos) throws InterruptedException {
        long nanos = Math.min(unit.toNanos(time), Math.max(0, deadlineNanos - System.nanoTime()));
        if (nanos <= 0 && Thread.interrupted()) {
            throw new InterruptedException(); // a zero-length sleep does not look at the flag
        }
        TimeUnit.NANOSECONDS.sleep(nanos);
    }

    /** Whether the deadline comes before a wait of the connection timeout from now would end. */
    private boolean deadlineBeforeConnectionTimeout(long deadlineNanos) {
        return deadlineNanos != NO_DEADLINE
                && TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) < connectionTimeoutMs();
    }

    /**
     * Waits for a connection up to the connection timeout, or up to the deadline if that comes
     * first; whether connected.
     */
    private boolean awaitConnected(long deadlineNanos) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectionTimeoutMs());
        if (deadlineNanos != NO_DEADLINE && deadlineNanos - end < 0) {
            end = deadlineNanos;
        }
        // in slices, so that a close (of a client we were given, which Curator does not see)
        // ends the wait within one
        while (!isConnected()) {
            checkClientOpen();
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (remainingMs <= 0) {
                return false;
            }
            if (client.blockUntilConnected((int) Math.min(remainingMs, WAIT_SLICE_MS), TimeUnit.MILLISECONDS)
                    && !isConnected()) {
                // Curator's state says connected while its handle is being replaced: no busy loop
                TimeUnit.MILLISECONDS.sleep(Math.min(remainingMs, 10));
            }
        }
        return true;
    }

    /** The longest a wait goes without looking whether the Stm was closed. */
    private static final long WAIT_SLICE_MS = 100;

    TransactionTimeoutException deadlinePassed(String action, Exception cause) {
        return new TransactionTimeoutException(
                "the transaction's timeout passed while waiting for ZooKeeper at " + connectString() + " ("
                        + action + "); client state: " + stateDescription() + ". "
                        + (cause == null ? "Nothing was sent." : "The last attempt failed: " + cause),
                cause);
    }

    /** The current raw handle without waiting, or {@code null} if not connected. */
    ZooKeeper handleIfConnected() {
        if (client.getState() != CuratorFrameworkState.STARTED || !isConnected()) {
            return null;
        }
        try {
            return client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Runs an idempotent operation under Curator's retry policy (Curator's loop first waits once
     * for a connection, up to the connection timeout).
     */
    <T> T withRetry(String action, Callable<T> operation) {
        return withRetry(action, NO_DEADLINE, operation);
    }

    /**
     * As {@link #withRetry(String, Callable)}; once {@code deadlineNanos} passes (while waiting for
     * a connection, or after a failed attempt) it gives up with {@link TransactionTimeoutException}.
     * An attempt already sent is waited for in full.
     */
    <T> T withRetry(String action, long deadlineNanos, Callable<T> operation) {
        checkClientOpen();
        try {
            if (deadlineNanos == NO_DEADLINE) {
                return RetryLoop.callWithRetry(client.getZookeeperClient(), operation);
            }
            // As Curator's loop: one wait for a connection (here also bounded by the deadline), then
            // attempts paced by the retry policy, whose pauses are cut short at the deadline.
            if (!isConnected()) {
                boolean deadlineFirst = deadlineBeforeConnectionTimeout(deadlineNanos);
                if (!awaitConnected(deadlineNanos) && deadlineFirst) {
                    throw deadlinePassed(action, null);
                }
            }
            RetryPolicy policy = client.getZookeeperClient().getRetryPolicy();
            long start = System.nanoTime();
            for (int retries = 0; ; retries++) {
                try {
                    return operation.call(); // not connected: fails, and is retried
                } catch (InterruptedException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    if (!policy.allowRetry(e) || Thread.currentThread().isInterrupted()) {
                        throw e; // an interrupt comes before the deadline: see interruptedOrFailure
                    }
                    if (passed(deadlineNanos)) {
                        throw deadlinePassed(action, e);
                    }
                    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (!policy.allowRetry(
                            retries, elapsedMs, (time, unit) -> sleepUntilAtMost(time, unit, deadlineNanos))) {
                        throw e;
                    }
                    if (passed(deadlineNanos)) {
                        throw deadlinePassed(action, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while " + action + " on ZooKeeper at " + connectString()
                    + "; the request may have been applied already (doing it again is harmless: creating finds"
                    + " it there, deleting finds it gone)");
        } catch (RuntimeException e) {
            checkClientOpen();
            throw e;
        } catch (Exception e) {
            checkClientOpen();
            throw interruptedOrFailure(action, e);
        }
    }

    /**
     * Waits for a reply without being interruptible (the ZooKeeper client always answers a
     * request: with a reply, a connection loss or a session expiry); the interrupt flag is
     * restored afterwards.
     *
     * @throws KeeperException if the request failed
     * @throws TimeoutException if no answer came within {@code timeoutMs} (should not happen)
     */
    static <T> T awaitReply(CompletableFuture<T> future, long timeoutMs) throws KeeperException, TimeoutException {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            while (true) {
                try {
                    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof KeeperException ke) {
                        throw ke;
                    }
                    throw new IllegalStateException("request failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs a Curator operation (which retries by itself), mapping its failures. */
    <T> T curatorCall(String action, Callable<T> operation) {
        checkClientOpen();
        try {
            return operation.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StmInterruptedException("interrupted while " + action + " on ZooKeeper at " + connectString()
                    + "; the request may have been applied already (doing it again is harmless: creating finds"
                    + " it there, deleting finds it gone)");
        } catch (RuntimeException e) {
            checkClientOpen();
            throw e;
        } catch (Exception e) {
            checkClientOpen();
            throw interruptedOrFailure(action, e);
        }
    }

    /**
     * Waits for {@code result}, which a Curator call in the background (retried by Curator under
     * its policy) completes: no longer than until {@code deadlineNanos}, and noticing a closed
     * client and an interrupt within 100 ms. When the wait ends first, {@code result} is cancelled,
     * so that the call's callback, finding it so, can undo what the call did. Should the callback
     * never come (a failure Curator only logs), the wait ends after the connection timeout and two
     * request timeouts, as a failure.
     *
     * @throws TransactionTimeoutException if the deadline passes first
     * @throws StmInterruptedException if interrupted first (the flag is set again)
     * @throws StmClosedException if the client is closed first
     * @throws CoordinationException if the call failed, or never answered
     */
    <T> T awaitBackground(String action, long deadlineNanos, CompletableFuture<T> result) {
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectionTimeoutMs() + 2 * requestTimeoutMs());
        while (true) {
            long wait = TimeUnit.MILLISECONDS.toNanos(100);
            if (deadlineNanos != NO_DEADLINE) {
                wait = Math.min(wait, Math.max(0, deadlineNanos - System.nanoTime()));
            }
            try {
                result.get(wait, TimeUnit.NANOSECONDS);
                return outcome(action, result);
            } catch (ExecutionException e) {
                return outcome(action, result);
            } catch (TimeoutException e) {
                if (passed(deadlineNanos) && result.cancel(false)) {
                    throw new TransactionTimeoutException(
                            "the transaction's timeout passed while waiting for ZooKeeper at " + connectString() + " ("
                                    + action + "); client state: " + stateDescription());
                }
                if ((closed || client.getState() == CuratorFrameworkState.STOPPED) && result.cancel(false)) {
                    checkClientOpen();
                }
                if (System.nanoTime() - giveUp > 0 && result.cancel(false)) {
                    throw new CoordinationException("ZooKeeper at " + connectString() + " gave no answer while "
                            + action + "; client state: " + stateDescription());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (result.cancel(false)) {
                    throw new StmInterruptedException("interrupted while " + action + " on ZooKeeper at "
                            + connectString() + "; nothing was applied");
                }
                return outcome(action, result); // it came meanwhile: that stands
            }
        }
    }

    /** The outcome of a completed background call, its failure as {@link #awaitBackground} throws it. */
    private <T> T outcome(String action, CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            checkClientOpen();
            throw failure(action, e.getCause() instanceof Exception x ? x : e);
        }
    }

    /**
     * A failure of a Curator call: one the retry policy retries (connection loss and the like) seen
     * with the interrupt flag set is what Curator's retry loop rethrows when interrupted, and becomes {@link
     * StmInterruptedException}; anything else is {@link #failure}.
     */
    RuntimeException interruptedOrFailure(String action, Exception cause) {
        if (Thread.currentThread().isInterrupted()
                && client.getZookeeperClient().getRetryPolicy().allowRetry(cause)) {
            return new StmInterruptedException(
                    "interrupted while " + action + " on ZooKeeper at " + connectString() + " (it was being retried"
                            + " after: " + cause + ")",
                    cause);
        }
        return failure(action, cause);
    }

    CoordinationException notConnected(String action) {
        return new CoordinationException("not connected to ZooKeeper at " + connectString() + " after waiting "
                + connectionTimeoutMs() + " ms (connection timeout) while " + action + "; client state: "
                + stateDescription() + ". Nothing was sent.");
    }

    CoordinationException failure(String action, Exception cause) {
        String what = cause instanceof KeeperException ke ? ke.code() + " (" + ke.getMessage() + ")" : cause.toString();
        return new CoordinationException(
                "ZooKeeper at " + connectString() + " failed while " + action + ": " + what + "; client state: "
                        + stateDescription(),
                cause);
    }

    String stateDescription() {
        String zkState;
        try {
            ZooKeeper zk = client.getState() == CuratorFrameworkState.STARTED && isConnected()
                    ? client.getZookeeperClient().getZooKeeper()
                    : null;
            zkState = zk == null ? (isConnected() ? "CONNECTED" : "NOT_CONNECTED") : String.valueOf(zk.getState());
        } catch (Exception e) {
            zkState = "unknown (" + e + ")";
        }
        return "curator " + client.getState() + ", connection " + zkState;
    }

    /**
     * Throws {@code StmClosedException} if this connection or the Curator client was closed,
     * {@code IllegalStateException} if the client was never started.
     */
    void checkClientOpen() {
        if (closed) {
            throw new StmClosedException("the Stm on ZooKeeper at " + connectString() + " was closed");
        }
        if (client.getState() == CuratorFrameworkState.STOPPED) {
            throw new StmClosedException("the CuratorFramework for ZooKeeper at " + connectString() + " was closed");
        }
        if (client.getState() == CuratorFrameworkState.LATENT) {
            throw new IllegalStateException("the CuratorFramework for ZooKeeper at " + connectString()
                    + " was not started: call start() before using it");
        }
    }

    /** Whether the client was built by us (and {@link #close()} closes it). */
    boolean owned() {
        return owned;
    }

    /** Ends the waits of this connection (see {@link #checkClientOpen}); closes the client if owned. */
    void close() {
        closed = true;
        if (owned) {
            original.close();
        }
    }

    /** Set by {@link #close()}: the Stm was closed, whether or not the client was ours. */
    private volatile boolean closed;
}
