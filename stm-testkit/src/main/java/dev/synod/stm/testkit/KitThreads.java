package dev.synod.stm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs test work on several threads at once and reports the first failure. */
final class KitThreads {
    private KitThreads() {}

    /** Work for thread number {@code t}; may throw anything, which fails the test. */
    @FunctionalInterface
    interface Work {
        void run(int t) throws Exception;
    }

    /** Starts {@code threads} threads together, waits for all, rethrows the first failure. */
    static void run(int threads, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    work.run(id);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                join(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code r} on another thread and waits for it (a concurrent client, from inside a call). */
    static void runInOtherThread(Runnable r) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            join(pool.submit(r));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a test timeout, say: the flag stays for the caller
            throw new IllegalStateException("interrupted while waiting for the concurrent client", e);
        } catch (Exception e) {
            throw new IllegalStateException("the concurrent client failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void join(Future<?> f) throws Exception {
        try {
            f.get(110, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        }
    }
}
