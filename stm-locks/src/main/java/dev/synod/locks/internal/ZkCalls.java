package dev.synod.locks.internal;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.StmClosedException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;

/**
 * Runs ZooKeeper calls. {@link #uninterruptibly} never lets an interrupt leave a request's outcome
 * unknown: a call is re-issued when an interrupt arrives during it (every call made this way is
 * idempotent) and the interrupt flag is restored afterwards, for the waiting code to act on. {@link
 * #read} sends one read on the current handle, outside Curator's retry loop, and waits for it
 * within a {@link Wait}: an acquire's deadline and interrupts end that wait, not the retry policy.
 */
public final class ZkCalls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ZkCalls.class);

    /** How many times {@link #read} asks again after losing the connection before it gives up. */
    private static final int MAX_READ_ATTEMPTS = 10;

    /** How often a timed wait for an answer looks at the connection once its deadline passed. */
    private static final long ANSWER_POLL_MS = 50;

    /** The pause before asking again after the n-th connection loss: n times this. */
    private static final long RETRY_PAUSE_MS = 10;

    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    /** The answer to one request: its result code, its value (when OK) and the handle it went on. */
    record Answer<T>(Code code, T value, ZooKeeper handle) {}

    /** A read sent with ZooKeeper's asynchronous API; it calls {@code reply} with its result. */
    @FunctionalInterface
    interface Request<T> {
        void send(ZooKeeper zk, BiConsumer<Integer, T> reply);
    }

    private ZkCalls() {}

    /**
     * Sends {@code request} (a read: idempotent) on the client's current handle and returns its
     * answer, of any code but a connection loss. Without a connection it first waits for one, as
     * {@link #awaitConnected} does; once sent, the answer is waited for past the deadline only
     * while the client is connected (a live connection answers within a round trip); after a
     * connection loss (or the end of the handle's session) it asks again once connected, unless
     * the deadline has passed.
     *
     * @throws Wait.TimedOut when the deadline passed without a connection or with the request lost
     * @throws InterruptedException only when {@code wait} is interruptible
     * @throws CoordinationException with no connection within twice the connection timeout, no
     *     answer, or the connection lost {@value #MAX_READ_ATTEMPTS} times
     */
    static <T> Answer<T> read(CuratorFramework client, Wait wait, String what, Request<T> request)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            awaitConnected(client, wait, what);
            ZooKeeper zk = uninterruptibly(
                    client, what, () -> client.getZookeeperClient().getZooKeeper());
            CompletableFuture<Answer<T>> answer = new CompletableFuture<>();
            try {
                request.send(zk, (rc, value) -> answer.complete(new Answer<>(Code.get(rc), value, zk)));
            } catch (RuntimeException e) {
                throw translate(client, what, e);
            }
            Answer<T> outcome = await(client, answer, answerBoundMs(client), what, wait, wait.interruptible());
            switch (outcome.code()) {
                case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, SESSIONMOVED -> {
                    LOG.debug("{} while {}; attempt {}", outcome.code(), what, attempt);
                    if (wait.expired()) {
                        throw new Wait.TimedOut();
                    }
                    if (attempt >= MAX_READ_ATTEMPTS) {
                        throw new CoordinationException(
                                what + " failed after " + attempt + " attempts (last: " + outcome.code() + ")");
                    }
                    // the client may not have noticed the loss yet (Curator learns of it on the
                    // handle's event thread): give it a moment before looking at the connection
                    pause(wait, RETRY_PAUSE_MS * attempt);
                }
                default -> {
                    return outcome;
                }
            }
        }
    }

    /** Sleeps {@code ms}, no longer than the deadline; interruptibly if {@code wait} is. */
    private static void pause(Wait wait, long ms) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait.remainingMs(ms));
        boolean interrupted = false;
        try {
            for (long left; (left = end - System.nanoTime()) > 0; ) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    if (wait.interruptible()) {
                        throw e;
                    }
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The failure of a request answered with {@code code}. */
    static RuntimeException failure(CuratorFramework client, String what, Code code) {
        return translate(client, what, KeeperException.create(code));
    }

    /**
     * Returns once the client is connected: at once if it is, else after waiting up to twice the
     * connection timeout, and no longer than {@code wait}'s deadline. An interruptible wait ends
     * with {@link InterruptedException} when interrupted; an uninterruptible one keeps waiting and
     * sets the interrupt flag again.
     *
     * @throws Wait.TimedOut when the deadline passed first
     * @throws CoordinationException when the bound passed first
     * @throws dev.synod.stm.StmClosedException when the client is closed
     */
    static void awaitConnected(CuratorFramework client, Wait wait, String what) throws InterruptedException {
        if (client.getZookeeperClient().isConnected()) {
            return;
        }
        if (client.getState() == CuratorFrameworkState.STOPPED) {
            throw new StmClosedException(what + ": the Curator client is closed");
        }
        int bound = Math.max(client.getZookeeperClient().getConnectionTimeoutMs(), 1000) * 2;
        long start = System.nanoTime();
        // recomputed on each call: an interrupt makes uninterruptibly() call again
        Call<Boolean> block = () -> {
            long left = bound - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return client.blockUntilConnected((int) wait.remainingMs(Math.max(0, left)), TimeUnit.MILLISECONDS);
        };
        boolean connected;
        if (wait.interruptible()) {
            try {
                connected = block.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw translate(client, what, e);
            }
        } else {
            connected = uninterruptibly(client, what, block);
        }
        if (!connected) {
            if (client.getState() == CuratorFrameworkState.STOPPED) {
                throw new StmClosedException(what + ": the Curator client is closed");
            }
            // stopped before the bound: only the deadline does that
            if (wait.timed() && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < bound) {
                throw new Wait.TimedOut();
            }
            throw new CoordinationException("no ZooKeeper connection within " + bound + " ms (" + what + ")");
        }
    }

    /** How long the answer to a request sent on a live connection is waited for at most. */
    static int answerBoundMs(CuratorFramework client) {
        return client.getZookeeperClient().getConnectionTimeoutMs()
                + Math.max(client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs(), 1000);
    }

    /**
     * Waits for the answer {@code future} to a request sent on a connection that was live, for up
     * to {@code timeoutMs}. Past {@code wait}'s deadline it waits only while the client is
     * connected: a request sent just as the connection dropped, before the client noticed, would
     * otherwise wait for the next connection attempt to fail.
     *
     * @throws Wait.TimedOut when the deadline passed and the client is not connected (the request
     *     may still apply)
     * @throws InterruptedException only when {@code interruptible}; otherwise the interrupt flag is
     *     set again afterwards
     */
    static <T> T await(
            CuratorFramework client,
            CompletableFuture<T> future,
            long timeoutMs,
            String what,
            Wait wait,
            boolean interruptible)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean interrupted = false;
        try {
            while (true) {
                long left = end - System.nanoTime();
                try {
                    // in slices, when timed, to look at the connection once the deadline passed
                    long slice = wait.timed() ? Math.min(left, TimeUnit.MILLISECONDS.toNanos(ANSWER_POLL_MS)) : left;
                    return future.get(Math.max(0, slice), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    if (interruptible) {
                        throw e;
                    }
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new CoordinationException(what + " failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    if (end - System.nanoTime() <= 0) {
                        throw new CoordinationException(what + ": no answer from ZooKeeper in " + timeoutMs + " ms");
                    }
                    if (wait.expired() && !client.getZookeeperClient().isConnected()) {
                        throw new Wait.TimedOut();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs {@code call}, retrying it on interrupts; maps failures to Synod exceptions. */
    static <T> T uninterruptibly(CuratorFramework client, String what, Call<T> call) {
        boolean interrupted = false;
        try {
            while (true) {
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                try {
                    return call.call();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (RuntimeException e) {
                    throw translate(client, what, e);
                } catch (Exception e) {
                    throw translate(client, what, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for {@code future} without being interrupted; restores the interrupt flag afterwards. */
    static <T> T await(CompletableFuture<T> future, long timeoutMs, String what) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            while (true) {
                try {
                    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new CoordinationException(what + " failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    throw new CoordinationException(what + ": no answer from ZooKeeper in " + timeoutMs + " ms");
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Checks a client given to a lock or inspector: it must be started (a client not started yet,
     * or closed already, fails here rather than at the first acquisition).
     *
     * @throws NullPointerException if {@code client} is null
     * @throws IllegalStateException if it is not started, or closed
     */
    public static CuratorFramework requireStarted(CuratorFramework client) {
        Objects.requireNonNull(client, "client must not be null");
        CuratorFrameworkState state = client.getState();
        if (state == CuratorFrameworkState.LATENT) {
            throw new IllegalStateException("the CuratorFramework was not started: call start() before using it");
        }
        if (state == CuratorFrameworkState.STOPPED) {
            throw new IllegalStateException("the CuratorFramework was closed");
        }
        return client;
    }

    /** Maps a Curator/ZooKeeper failure to a Synod exception (unchanged when it is one already). */
    public static RuntimeException translate(CuratorFramework client, String what, Exception e) {
        if (client.getState() == CuratorFrameworkState.STOPPED) {
            return new StmClosedException(what + ": the Curator client is closed", e);
        }
        if (e instanceof RuntimeException re
                && (re instanceof dev.synod.stm.StmException || re instanceof IllegalMonitorStateException)) {
            return re;
        }
        return new CoordinationException(what + " failed: " + e, e);
    }

    /**
     * Deletes {@code path} in the background with Curator's guaranteed delete (retried across
     * connection losses, a missing node ignored). Never blocks; a failure to queue it is logged.
     */
    static void deleteInBackground(CuratorFramework client, String path) {
        try {
            client.delete().quietly().guaranteed().inBackground().forPath(path);
        } catch (Exception e) {
            LOG.warn("could not queue the delete of {}", path, e);
        }
    }
}
