package dev.synod.locks.internal;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.StmClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;

/**
 * Runs ZooKeeper calls so that an interrupt never leaves a request's outcome unknown: a call is
 * re-issued when an interrupt arrives during it (every call made this way is idempotent) and the
 * interrupt flag is restored afterwards, for the waiting code to act on.
 */
public final class ZkCalls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ZkCalls.class);

    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    private ZkCalls() {}

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
