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

/** Fencing tokens (creation zxids of lock nodes) strictly increase across successive holders. */
class FencingTokenTest extends ZkTestSupport {

    @Test
    void tokensStrictlyIncreaseAcrossHoldersInTheOrderTheyHeld() throws Exception {
        String name = uniqueName("fencing");
        List<Long> tokens = new ArrayList<>(); // appended under the distributed lock only
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                CuratorFramework client = newClient();
                DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (HeldLock held = lock.acquire()) {
                            assertThat(held.fencingToken()).isEqualTo(lock.fencingToken());
                            synchronized (tokens) {
                                tokens.add(held.fencingToken());
                            }
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
        assertThat(tokens).hasSize(150);
        for (int i = 1; i < tokens.size(); i++) {
            assertThat(tokens.get(i)).isGreaterThan(tokens.get(i - 1));
        }
    }

    @Test
    void theTokenIsTheLockNodesCreationZxid() throws Exception {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("czxid"));
        try (HeldLock held = lock.acquire()) {
            assertThat(client.checkExists().forPath(held.guard().path()).getCzxid())
                    .isEqualTo(held.fencingToken());
        }
    }
}
