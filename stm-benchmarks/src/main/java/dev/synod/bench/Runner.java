package dev.synod.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one scenario: N threads, each with its own worker, a warm-up, then a measured period in
 * which every operation's latency is recorded.
 */
final class Runner {
    private static final int MAX_SAMPLES = 2_000_000;

    /** One operation of a scenario. */
    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** Makes the operation of thread {@code index} (its own client, refs...). */
    @FunctionalInterface
    interface OpFactory {
        Op create(int index) throws Exception;
    }

    /**
     * What one measured run produced: the operations completed within the window, and the latency
     * of every operation started within it (including those that ended after it).
     */
    record Result(String scenario, String system, int threads, long ops, double seconds, long[] sortedLatencies) {
        double opsPerSecond() {
            return ops / seconds;
        }

        /** Two runs of the same scenario and system taken as one: operations, time and latencies summed. */
        static Result merge(Result a, Result b) {
            if (a == null) {
                return b;
            }
            long[] all = new long[a.sortedLatencies.length + b.sortedLatencies.length];
            System.arraycopy(a.sortedLatencies, 0, all, 0, a.sortedLatencies.length);
            System.arraycopy(b.sortedLatencies, 0, all, a.sortedLatencies.length, b.sortedLatencies.length);
            Arrays.sort(all);
            return new Result(a.scenario, a.system, a.threads, a.ops + b.ops, a.seconds + b.seconds, all);
        }

        double percentileMicros(double p) {
            if (sortedLatencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(sortedLatencies.length - 1, Math.floor(p * sortedLatencies.length));
            return sortedLatencies[i] / 1_000.0;
        }
    }

    private Runner() {}

    static Result run(String scenario, String system, int threads, Duration warmup, Duration measure, OpFactory factory)
            throws Exception {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ops.add(factory.create(i));
        }
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        long[] counts = new long[threads];
        long[][] samples = new long[threads][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] window = new long[2]; // measuring from, until (nanoTime)
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(
                    () -> {
                        long[] lat = new long[MAX_SAMPLES / threads];
                        int n = 0;
                        long count = 0;
                        try {
                            start.await();
                            long from = window[0];
                            long until = window[1];
                            Op op = ops.get(index);
                            while (true) {
                                long t0 = System.nanoTime();
                                if (t0 >= until) {
                                    break;
                                }
                                op.run();
                                long t1 = System.nanoTime();
                                if (t0 >= from) {
                                    // an operation that started in the window counts in the
                                    // latencies even if it ends after it: a starved thread's
                                    // long wait must show in the tail
                                    if (t1 <= until) {
                                        count++;
                                    }
                                    if (n < lat.length) {
                                        lat[n++] = t1 - t0;
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                        counts[index] = count;
                        samples[index] = Arrays.copyOf(lat, n);
                    },
                    "bench-" + scenario + "-" + t);
            workers.add(worker);
            worker.start();
        }
        long now = System.nanoTime();
        window[0] = now + warmup.toNanos();
        window[1] = window[0] + measure.toNanos();
        start.await();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(scenario + " / " + system + " failed", failure.get());
        }
        long total = Arrays.stream(counts).sum();
        long[] all =
                Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(scenario, system, threads, total, measure.toNanos() / 1e9, all);
    }
}
