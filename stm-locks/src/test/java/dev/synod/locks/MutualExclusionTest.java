package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** No two holders at once: unsynchronised increments under the lock from four sessions add up. */
class MutualExclusionTest extends ZkTestSupport {
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 500;

    private int counter; // deliberately unsynchronised: only the distributed lock protects it
    private volatile int inside;
    private volatile int maxInside;

    @Test
    void fourClientsTimesFiveHundredCriticalSectionsGiveTheExactTotal() throws Exception {
        String name = uniqueName("mutex");
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                CuratorFramework client = newClient();
                DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        lock.lock();
                        try {
                            criticalSection();
                        } finally {
                            lock.unlock();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter).isEqualTo(CLIENTS * ROUNDS);
        assertThat(maxInside).isEqualTo(1);
        assertThat(lockNodes(newClient(), name)).isEmpty();
    }

    private void criticalSection() {
        int seen = ++inside;
        maxInside = Math.max(maxInside, seen);
        int value = counter;
        Thread.yield();
        counter = value + 1;
        inside--;
    }
}
