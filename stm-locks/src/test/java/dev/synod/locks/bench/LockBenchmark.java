package dev.synod.locks.bench;

import dev.synod.locks.DistributedReentrantLock;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Acquire+release latency, throughput and ZooKeeper requests of {@link DistributedReentrantLock}
 * against Curator's {@link InterProcessMutex}, against one local ZooKeeper server, each thread with
 * its own client (session). Scenarios run alternately (Synod, Curator, Synod, Curator...) so that
 * drift on a shared machine hits both. Not a unit test; run it as a main class (see the module
 * README). Arguments (optional): operations per thread per round, rounds.
 */
public final class LockBenchmark {

    private interface Locker {
        void acquire() throws Exception;

        void release() throws Exception;
    }

    private record Result(String impl, String scenario, long[] latenciesNanos, double seconds, long requests) {
        int ops() {
            return latenciesNanos.length;
        }

        double percentileMicros(double p) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1000.0;
        }

        double meanMicros() {
            return Arrays.stream(latenciesNanos).average().orElse(0) / 1000.0;
        }
    }

    /** Order of phases: Synod, Curator, Curator, Synod, ... so neither always goes first. */
    private static final int[] ABBA = {0, 1, 1, 0};

    private LockBenchmark() {}

    public static void main(String[] args) throws Exception {
        int opsPerThread = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1, null, "127.0.0.1");
        try (TestingServer server = new TestingServer(spec, true)) {
            String[][] scenarios = {
                {"1 thread", "1", "shared"},
                {"4 threads, one lock", "4", "shared"},
                {"4 threads, own locks", "4", "own"}
            };
            List<Result> results = new ArrayList<>();
            run(server, "warm-up", 1, batch * 4, batch, false);
            for (String[] s : scenarios) {
                int threads = Integer.parseInt(s[1]);
                int ops = threads == 1 ? opsPerThread : opsPerThread / 2;
                results.addAll(run(server, s[0], threads, ops, batch, s[2].equals("own")));
            }
            report(results, scenarios);
        }
    }

    /**
     * Runs one scenario: every thread has its own client holding both a Synod lock and a Curator
     * mutex; all threads run batches of {@code batch} operations on one implementation, then on the
     * other (which goes first alternates), separated by barriers, so that both see the same load.
     */
    private static List<Result> run(TestingServer server, String scenario, int threads, int ops, int batch, boolean own)
            throws Exception {
        RequestCounter requests = new RequestCounter();
        List<CuratorFramework> clients = new ArrayList<>();
        Locker[][] lockers = new Locker[2][threads];
        String name = "bench-" + System.nanoTime();
        for (int t = 0; t < threads; t++) {
            CuratorFramework client = CuratorFrameworkFactory.builder()
                    .connectString(server.getConnectString())
                    .sessionTimeoutMs(20_000)
                    .connectionTimeoutMs(10_000)
                    .retryPolicy(new ExponentialBackoffRetry(50, 5))
                    .zookeeperFactory(ZkHarness.countingFactory(requests))
                    .build();
            client.start();
            client.blockUntilConnected(10, TimeUnit.SECONDS);
            clients.add(client);
            String lockName = own ? name + "-" + t : name;
            lockers[0][t] = synod(client, lockName);
            lockers[1][t] = curator(client, "/curator/" + lockName);
            for (Locker locker : List.of(lockers[0][t], lockers[1][t])) { // lock roots exist before measuring
                locker.acquire();
                locker.release();
            }
        }
        int batches = ops / batch;
        long[][] latencies = new long[2][threads * batches * batch];
        long[] phaseNanos = new long[2];
        long[] phaseRequests = new long[2];
        int[] phase = {-1};
        int[] started = {0};
        long[] mark = {System.nanoTime(), requests.total()};
        CyclicBarrier barrier = new CyclicBarrier(threads, () -> {
            long now = System.nanoTime();
            long count = requests.total();
            if (phase[0] >= 0) {
                phaseNanos[phase[0]] += now - mark[0];
                phaseRequests[phase[0]] += count - mark[1];
            }
            phase[0] = ABBA[started[0]++ % ABBA.length];
            mark[0] = now;
            mark[1] = count;
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    int[] done = new int[2];
                    for (int b = 0; b < batches * 2; b++) {
                        barrier.await();
                        int impl = phase[0];
                        Locker locker = lockers[impl][thread];
                        for (int i = 0; i < batch; i++) {
                            long t0 = System.nanoTime();
                            locker.acquire();
                            locker.release();
                            latencies[impl][thread * batches * batch + done[impl]++] = System.nanoTime() - t0;
                        }
                    }
                    barrier.await();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        clients.forEach(CuratorFramework::close);
        return List.of(
                new Result("synod", scenario, latencies[0], phaseNanos[0] / 1e9, phaseRequests[0]),
                new Result("curator", scenario, latencies[1], phaseNanos[1] / 1e9, phaseRequests[1]));
    }

    private static Locker synod(CuratorFramework client, String name) {
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        return new Locker() {
            @Override
            public void acquire() {
                lock.lock();
            }

            @Override
            public void release() {
                lock.unlock();
            }
        };
    }

    private static Locker curator(CuratorFramework client, String path) {
        InterProcessMutex mutex = new InterProcessMutex(client, path);
        return new Locker() {
            @Override
            public void acquire() throws Exception {
                mutex.acquire();
            }

            @Override
            public void release() throws Exception {
                mutex.release();
            }
        };
    }

    private static void report(List<Result> results, String[][] scenarios) {
        System.out.println();
        System.out.println("| scenario | impl | ops | p50 us | p99 us | mean us | ops/s | requests/op |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (String[] s : scenarios) {
            for (String impl : List.of("synod", "curator")) {
                Result merged = merge(results, s[0], impl);
                System.out.println(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.2f |",
                        s[0],
                        impl,
                        merged.ops(),
                        merged.percentileMicros(50),
                        merged.percentileMicros(99),
                        merged.meanMicros(),
                        merged.ops() / merged.seconds(),
                        (double) merged.requests() / merged.ops()));
            }
        }
        System.out.println();
        for (String[] s : scenarios) {
            Result synod = merge(results, s[0], "synod");
            Result curator = merge(results, s[0], "curator");
            System.out.println(String.format(
                    Locale.ROOT,
                    "%s: latency ratio synod/curator p50 %.2f, mean %.2f; throughput ratio %.2f",
                    s[0],
                    synod.percentileMicros(50) / curator.percentileMicros(50),
                    synod.meanMicros() / curator.meanMicros(),
                    (synod.ops() / synod.seconds()) / (curator.ops() / curator.seconds())));
        }
    }

    private static Result merge(List<Result> results, String scenario, String impl) {
        List<Result> matching = results.stream()
                .filter(r -> r.scenario().equals(scenario) && r.impl().equals(impl))
                .toList();
        long[] latencies = matching.stream()
                .flatMapToLong(r -> Arrays.stream(r.latenciesNanos()))
                .toArray();
        double seconds = matching.stream().mapToDouble(Result::seconds).sum();
        long requests = matching.stream().mapToLong(Result::requests).sum();
        return new Result(impl, scenario, latencies, seconds, requests);
    }
}
