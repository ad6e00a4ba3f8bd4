package dev.synod.cli;

import dev.synod.locks.DistributedReentrantLock;
import dev.synod.locks.HeldLock;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.stm.StmException;
import dev.synod.stm.StmMetrics;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One client process of {@code synod demo} (hidden): its own ZooKeeper session, a few threads
 * moving money between the demo's accounts, swapping its atom and doing lock-guarded commits.
 * Talks to the demo through stdin ({@code go}, {@code stop}; end of input means the demo is gone)
 * and stdout ({@code READY}, {@code STAT ...}, {@code DONE ...}).
 */
@Command(name = "demo-client", hidden = true, description = "one client process of synod demo (internal)")
final class DemoClientCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--connect", required = true)
    String connect;

    @Option(names = "--run", required = true)
    String run;

    @Option(names = "--accounts", required = true)
    int accounts;

    @Option(names = "--threads", defaultValue = "2")
    int threads;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        DemoNames names = new DemoNames(run);
        try (ZooKeeperStm stm = ZooKeeperStm.builder()
                .connectString(connect)
                .sessionTimeout(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(15))
                .build()) {
            List<Ref<Long>> refs = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                refs.add(stm.ref(names.account(i), Codec.json(Long.class)));
            }
            Atom<Long> swaps = stm.atom(names.swaps(), Codec.json(Long.class));
            Ref<Long> guarded = stm.ref(names.guarded(), Codec.json(Long.class));
            DistributedReentrantLock lock = new DistributedReentrantLock(stm.curator(), names.lock());

            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            out.println("READY");
            out.flush();
            if (!"go".equals(in.readLine())) {
                return 0; // the demo went away before starting us
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong transfers = new AtomicLong();
            AtomicLong locked = new AtomicLong();
            AtomicLong swapped = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicReference<Throwable> fatal = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(
                        () -> {
                            try {
                                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                                while (!stop.get()) {
                                    int dice = rnd.nextInt(100);
                                    try {
                                        if (dice < 80) {
                                            transfer(stm, refs, rnd);
                                            transfers.incrementAndGet();
                                        } else if (dice < 95) {
                                            swaps.swap(n -> n + 1);
                                            swapped.incrementAndGet();
                                        } else {
                                            try (HeldLock held = lock.acquire()) {
                                                stm.run(txn -> {
                                                    txn.guard(held.guard());
                                                    guarded.alter(n -> n + 1);
                                                });
                                                locked.incrementAndGet(); // committed, whatever unlock says
                                            }
                                        }
                                    } catch (StmException e) {
                                        failed.incrementAndGet(); // nothing applied; counted, not fatal
                                    }
                                }
                            } catch (Throwable e) {
                                fatal.compareAndSet(null, e);
                                stop.set(true);
                            } finally {
                                done.countDown();
                            }
                        },
                        "demo-client-" + t);
                worker.setDaemon(true);
                worker.start();
            }
            Thread reporter = new Thread(
                    () -> {
                        while (!stop.get()) {
                            out.println(stats(stm, transfers, locked, swapped, failed)
                                    .toLine("STAT"));
                            out.flush();
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "demo-client-reporter");
            reporter.setDaemon(true);
            reporter.start();
            in.readLine(); // "stop", or null when the demo is gone
            stop.set(true);
            done.await();
            reporter.interrupt();
            reporter.join();
            if (fatal.get() != null) {
                throw new IllegalStateException("demo client failed: " + fatal.get(), fatal.get());
            }
            out.println(stats(stm, transfers, locked, swapped, failed).toLine("DONE"));
            out.flush();
        }
        return 0;
    }

    private static void transfer(ZooKeeperStm stm, List<Ref<Long>> refs, ThreadLocalRandom rnd) {
        int from = rnd.nextInt(refs.size());
        int to = (from + 1 + rnd.nextInt(refs.size() - 1)) % refs.size();
        long amount = 1 + rnd.nextInt(100);
        stm.run(txn -> {
            long balance = refs.get(from).get();
            if (balance >= amount) {
                refs.get(from).set(balance - amount);
                refs.get(to).alter(b -> b + amount);
            }
        });
    }

    private static DemoStats stats(
            ZooKeeperStm stm, AtomicLong transfers, AtomicLong locked, AtomicLong swapped, AtomicLong failed) {
        StmMetrics m = stm.metrics();
        return new DemoStats(
                transfers.get(),
                locked.get(),
                swapped.get(),
                failed.get(),
                m.commits(),
                m.retries(),
                m.conflicts(),
                m.atomConflicts());
    }
}
