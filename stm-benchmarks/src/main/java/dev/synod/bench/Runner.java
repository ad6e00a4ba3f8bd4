package dev.synod.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

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

    /** The name of the thread group that runs the operations themselves. */
    static final String OPERATION_THREADS = "operation threads";

    /**
     * What one measured run produced: the operations completed within the window, the latency
     * of every operation started within it (including those that ended after it), the operations
     * of the thread that completed fewest as a share of the mean per thread (1 when all did
     * equally, near 0 when one starved), and the CPU time this JVM's threads used in the window, by
     * thread group (see {@link #group(String)}).
     */
    record Result(
            String scenario,
            String system,
            int threads,
            long ops,
            double seconds,
            long[] sortedLatencies,
            double slowestThreadShare,
            Map<String, Long> cpuNanos) {
        double opsPerSecond() {
            return ops / seconds;
        }

        /** CPU microseconds per completed operation, by thread group, largest first. */
        Map<String, Double> cpuMicrosPerOp() {
            Map<String, Double> perOp = new HashMap<>();
            cpuNanos.forEach((group, nanos) -> perOp.put(group, ops == 0 ? Double.NaN : nanos / 1_000.0 / ops));
            return largestFirst(perOp);
        }

        /**
         * Two runs of the same scenario and system taken as one: operations, time and latencies
         * summed, the smaller share of the slowest thread.
         */
        static Result merge(Result a, Result b) {
            if (a == null) {
                return b;
            }
            long[] all = new long[a.sortedLatencies.length + b.sortedLatencies.length];
            System.arraycopy(a.sortedLatencies, 0, all, 0, a.sortedLatencies.length);
            System.arraycopy(b.sortedLatencies, 0, all, a.sortedLatencies.length, b.sortedLatencies.length);
            Arrays.sort(all);
            Map<String, Long> cpu = new TreeMap<>(a.cpuNanos);
            b.cpuNanos.forEach((k, v) -> cpu.merge(k, v, Long::sum));
            return new Result(
                    a.scenario,
                    a.system,
                    a.threads,
                    a.ops + b.ops,
                    a.seconds + b.seconds,
                    all,
                    Math.min(a.slowestThreadShare, b.slowestThreadShare),
                    cpu);
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
        CountDownLatch finished = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
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
                        // stay alive until the CPU of the window is read, ours included
                        finished.countDown();
                        awaitQuietly(release);
                    },
                    "bench-" + scenario + "-" + t);
            workers.add(worker);
            worker.start();
        }
        long now = System.nanoTime();
        window[0] = now + warmup.toNanos();
        window[1] = window[0] + measure.toNanos();
        start.await();
        Map<Long, ThreadCpu> before;
        Map<Long, ThreadCpu> after;
        try {
            sleepUntil(window[0]);
            before = threadCpu();
            finished.await();
            after = threadCpu();
        } finally {
            release.countDown();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(scenario + " / " + system + " failed", failure.get());
        }
        long total = Arrays.stream(counts).sum();
        // one thread is never behind itself; a window in which no thread completed anything is
        // the worst starvation, not an unknown
        double slowest = threads == 1
                ? 1.0
                : total == 0 ? 0.0 : Arrays.stream(counts).min().orElse(0) / ((double) total / threads);
        long[] all =
                Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        Map<String, Long> cpu = new TreeMap<>();
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu then = before.get(e.getKey());
            if (then != null) {
                cpu.merge(e.getValue().group(), e.getValue().nanos() - then.nanos(), Long::sum);
            }
        }
        return new Result(scenario, system, threads, total, measure.toNanos() / 1e9, all, slowest, cpu);
    }

    /**
     * A thread's group for the CPU report: its name with numbers folded to {@code #} and any
     * parenthesised part (a server address) dropped; the operation threads form one group.
     */
    static String group(String threadName) {
        if (threadName.startsWith("bench-")) {
            return OPERATION_THREADS;
        }
        return threadName.replaceAll("\\(.*\\)", "").replaceAll("\\d+", "#").strip();
    }

    /** The same map, iterating from the largest value down. */
    static <K> Map<K, Double> largestFirst(Map<K, Double> values) {
        Map<K, Double> sorted = new LinkedHashMap<>();
        values.entrySet().stream()
                .sorted(Map.Entry.<K, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** A thread's group and CPU nanoseconds so far. */
    private record ThreadCpu(String group, long nanos) {}

    /** Every live thread of this JVM, by thread id. */
    private static Map<Long, ThreadCpu> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> cpu = new HashMap<>();
        if (!mx.isThreadCpuTimeSupported()) {
            return cpu;
        }
        for (long id : mx.getAllThreadIds()) {
            long nanos = mx.getThreadCpuTime(id);
            ThreadInfo info = mx.getThreadInfo(id);
            if (nanos >= 0 && info != null) {
                cpu.put(id, new ThreadCpu(group(info.getThreadName()), nanos));
            }
        }
        return cpu;
    }

    private static void sleepUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
