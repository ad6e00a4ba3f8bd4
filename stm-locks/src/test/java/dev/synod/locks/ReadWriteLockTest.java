package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * Many readers or one writer; downgrade works, upgrade is refused, and so is a condition wait that
 * would keep the downgraded read lock.
 */
class ReadWriteLockTest extends ZkTestSupport {

    @Test
    void readersShareAndWritersExclude() throws Exception {
        String name = uniqueName("rw");
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger maxReaders = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean writer = c == 0;
                DistributedReentrantReadWriteLock rw = new DistributedReentrantReadWriteLock(newClient(), name);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        DistributedLock lock = writer || i % 4 == 0 ? rw.writeLock() : rw.readLock();
                        boolean isWrite = lock == rw.writeLock();
                        lock.lock();
                        try {
                            if (isWrite) {
                                if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                                    violations.incrementAndGet();
                                }
                                Thread.sleep(1);
                                writers.decrementAndGet();
                            } else {
                                maxReaders.accumulateAndGet(readers.incrementAndGet(), Math::max);
                                if (writers.get() != 0) {
                                    violations.incrementAndGet();
                                }
                                Thread.sleep(2);
                                readers.decrementAndGet();
                            }
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
        assertThat(violations).hasValue(0);
        assertThat(lockNodes(newClient(), name)).isEmpty();
    }

    @Test
    void twoReadersHoldAtOnceAcrossClients() throws Exception {
        String name = uniqueName("readers");
        DistributedReentrantReadWriteLock a = new DistributedReentrantReadWriteLock(newClient(), name);
        DistributedReentrantReadWriteLock b = new DistributedReentrantReadWriteLock(newClient(), name);
        a.readLock().lock();
        try {
            assertThat(CompletableFuture.supplyAsync(() -> {
                                boolean ok = b.readLock().tryLock();
                                if (ok) {
                                    b.readLock().unlock();
                                }
                                return ok;
                            })
                            .get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(CompletableFuture.supplyAsync(() -> b.writeLock().tryLock())
                            .get(10, TimeUnit.SECONDS))
                    .isFalse();
        } finally {
            a.readLock().unlock();
        }
    }

    @Test
    void aWaitingWriterHoldsBackLaterReaders() throws Exception {
        String name = uniqueName("writer-first");
        CuratorFramework observer = newClient();
        DistributedReentrantReadWriteLock first = new DistributedReentrantReadWriteLock(observer, name);
        DistributedReentrantReadWriteLock writer = new DistributedReentrantReadWriteLock(newClient(), name);
        DistributedReentrantReadWriteLock late = new DistributedReentrantReadWriteLock(newClient(), name);
        first.readLock().lock();
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch releaseWriter = new CountDownLatch(1);
        Thread w = new Thread(() -> {
            writer.writeLock().lock();
            writerHeld.countDown();
            try {
                releaseWriter.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writer.writeLock().unlock();
            }
        });
        w.start();
        TimeoutsAndInterruptsTest.awaitNodes(observer, name, 2);
        assertThat(CompletableFuture.supplyAsync(() -> late.readLock().tryLock())
                        .get(10, TimeUnit.SECONDS))
                .isFalse();
        first.readLock().unlock();
        assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();
        releaseWriter.countDown();
        w.join(10_000);
    }

    @Test
    void aWriterQueuedBeforeADowngradeWaitsForTheDowngradedReadLock() throws Exception {
        String name = uniqueName("rw-downgrade");
        CuratorFramework first = newClient();
        DistributedReentrantReadWriteLock downgrading = new DistributedReentrantReadWriteLock(first, name);
        DistributedReentrantReadWriteLock other = new DistributedReentrantReadWriteLock(newClient(), name);
        downgrading.writeLock().lock();
        CountDownLatch otherHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            other.writeLock().lock();
            try {
                otherHolds.countDown();
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                other.writeLock().unlock();
            }
        });
        eventually("the other writer queued", () -> lockNodes(first, name).size() >= 2);
        assertThat(lockNodes(first, name)).hasSize(2); // the other writer queues behind our write node
        downgrading.readLock().lock(); // its node comes after the other writer's
        downgrading.writeLock().unlock();
        assertThat(otherHolds.await(1, TimeUnit.SECONDS))
                .as("the other writer must not hold while the downgraded read lock is held")
                .isFalse();
        downgrading.readLock().unlock();
        assertThat(otherHolds.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(lockNodes(first, name)).isEmpty();
    }

    @Test
    void downgradeWorksAndUpgradeIsRefused() throws Exception {
        String name = uniqueName("downgrade");
        CuratorFramework client = newClient();
        DistributedReentrantReadWriteLock rw = new DistributedReentrantReadWriteLock(client, name);
        DistributedReentrantReadWriteLock other = new DistributedReentrantReadWriteLock(newClient(), name);

        rw.writeLock().lock();
        rw.readLock().lock(); // downgrade: granted at once to the writer
        rw.writeLock().unlock();
        assertThat(rw.readLock().isHeldByCurrentThread()).isTrue();
        assertThat(rw.writeLock().isHeldByCurrentThread()).isFalse();
        assertThat(CompletableFuture.supplyAsync(() -> {
                            boolean ok = other.readLock().tryLock();
                            if (ok) {
                                other.readLock().unlock();
                            }
                            return ok;
                        })
                        .get(10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(CompletableFuture.supplyAsync(() -> other.writeLock().tryLock())
                        .get(10, TimeUnit.SECONDS))
                .isFalse();

        assertThatThrownBy(() -> rw.writeLock().lock())
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("upgrad");
        assertThatThrownBy(() -> rw.writeLock().tryLock(1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalMonitorStateException.class);
        rw.readLock().unlock();
        assertThat(lockNodes(client, name)).isEmpty();
        assertThatThrownBy(() -> rw.readLock().newCondition()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void awaitWhileHoldingTheReadLockIsRefusedUpFront() throws Exception {
        String name = uniqueName("rw-await");
        CuratorFramework client = newClient();
        DistributedReentrantReadWriteLock rw = new DistributedReentrantReadWriteLock(client, name);
        // the downgrade node would keep out every writer, so no one could ever signal
        String holds = inOneThread(() -> {
            Condition condition = rw.writeLock().newCondition();
            rw.writeLock().lock();
            rw.readLock().lock();
            try {
                assertThatThrownBy(() -> condition.await(200, TimeUnit.MILLISECONDS))
                        .isInstanceOf(IllegalMonitorStateException.class)
                        .hasMessageContaining("await")
                        .hasMessageContaining("read lock");
                assertThatThrownBy(condition::await).isInstanceOf(IllegalMonitorStateException.class);
                assertThatThrownBy(condition::awaitUninterruptibly).isInstanceOf(IllegalMonitorStateException.class);
                return "write=" + rw.writeLock().getHoldCount() + " read="
                        + rw.readLock().getHoldCount();
            } finally {
                rw.readLock().unlock();
                rw.writeLock().unlock();
            }
        });
        assertThat(holds).isEqualTo("write=1 read=1");
        assertThat(client.checkExists().forPath("/synod/conditions/" + name + "/default"))
                .as("no waiter was created")
                .isNull();
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void readWriteLockObjectsOfOneClientAndNameShareTheirHolds() throws Exception {
        String name = uniqueName("rw-same");
        CuratorFramework client = newClient();
        DistributedReentrantReadWriteLock a = new DistributedReentrantReadWriteLock(client, name);
        DistributedReentrantReadWriteLock b = new DistributedReentrantReadWriteLock(client, name);
        String seen = inOneThread(() -> {
            a.writeLock().lock();
            b.writeLock().lock(); // reentrant
            b.readLock().lock(); // a downgrade, though the write lock was taken through the other object
            int writeHolds = a.writeLock().getHoldCount();
            int nodes = lockNodes(client, name).size();
            b.writeLock().unlock();
            a.writeLock().unlock();
            boolean reading = a.readLock().isHeldByCurrentThread();
            try {
                assertThatThrownBy(() -> b.writeLock().lock())
                        .isInstanceOf(IllegalMonitorStateException.class)
                        .hasMessageContaining("upgrad");
            } finally {
                b.readLock().unlock();
            }
            return "writeHolds=" + writeHolds + " nodes=" + nodes + " reading=" + reading;
        });
        assertThat(seen).isEqualTo("writeHolds=2 nodes=2 reading=true");
        assertThat(lockNodes(client, name)).isEmpty();
    }
}
