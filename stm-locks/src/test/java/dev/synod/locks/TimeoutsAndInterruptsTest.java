package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** tryLock timeouts are honoured and an interrupted waiter leaves nothing behind. */
class TimeoutsAndInterruptsTest extends ZkTestSupport {

    @Test
    void tryLockWithTimeoutReturnsFalseInTimeAndLeavesNoNode() throws Exception {
        String name = uniqueName("timeout");
        CuratorFramework holderClient = newClient();
        CuratorFramework waiterClient = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(holderClient, name);
        DistributedReentrantLock waiter = new DistributedReentrantLock(waiterClient, name);
        holder.lock();
        try {
            Boolean immediate = CompletableFuture.supplyAsync(waiter::tryLock).get(10, TimeUnit.SECONDS);
            assertThat(immediate).isFalse();

            long start = System.nanoTime();
            Boolean timed = CompletableFuture.supplyAsync(() -> {
                        try {
                            return waiter.tryLock(300, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(timed).isFalse();
            assertThat(elapsedMs).isBetween(290L, 2000L);
            assertThat(lockNodes(holderClient, name)).hasSize(1);
            assertThat(waiter.isHeldByCurrentThread()).isFalse();
        } finally {
            holder.unlock();
        }
        assertThat(lockNodes(holderClient, name)).isEmpty();
    }

    @Test
    void tryLockWithTimeoutSucceedsWhenTheHolderReleasesInTime() throws Exception {
        String name = uniqueName("timeout-ok");
        DistributedReentrantLock holder = new DistributedReentrantLock(newClient(), name);
        DistributedReentrantLock waiter = new DistributedReentrantLock(newClient(), name);
        holder.lock();
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
            try {
                boolean ok = waiter.tryLock(10, TimeUnit.SECONDS);
                if (ok) {
                    waiter.unlock();
                }
                return ok;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        holder.unlock();
        assertThat(result.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void interruptWhileWaitingThrowsAndLeavesNoNode() throws Exception {
        String name = uniqueName("interrupt");
        CuratorFramework client = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(client, name);
        DistributedReentrantLock waiter = new DistributedReentrantLock(newClient(), name);
        holder.lock();
        try {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    waiter.lockInterruptibly();
                    outcome.set(new AssertionError("acquired"));
                } catch (Throwable e) {
                    outcome.set(e);
                } finally {
                    done.countDown();
                }
            });
            t.start();
            awaitNodes(client, name, 2);
            t.interrupt();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            assertThat(lockNodes(client, name)).hasSize(1);
        } finally {
            holder.unlock();
        }
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void lockIsNotInterruptibleButKeepsTheInterruptFlag() throws Exception {
        String name = uniqueName("uninterruptible");
        CuratorFramework client = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(client, name);
        DistributedReentrantLock waiter = new DistributedReentrantLock(newClient(), name);
        holder.lock();
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            waiter.lock();
            boolean interrupted = Thread.interrupted();
            outcome.set("held=" + waiter.isHeldByCurrentThread() + " interrupted=" + interrupted);
            waiter.unlock();
        });
        t.start();
        awaitNodes(client, name, 2);
        t.interrupt();
        Thread.sleep(200);
        assertThat(outcome.get()).isNull();
        holder.unlock();
        t.join(10_000);
        assertThat(outcome.get()).isEqualTo("held=true interrupted=true");
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void alreadyInterruptedThreadFailsFastWithoutANode() throws Exception {
        String name = uniqueName("pre-interrupted");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        Thread.currentThread().interrupt();
        try {
            lock.lockInterruptibly();
            throw new AssertionError("acquired");
        } catch (InterruptedException expected) {
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        assertThat(lockNodes(client, name)).isEmpty();
    }

    static void awaitNodes(CuratorFramework client, String name, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lockNodes(client, name).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never saw " + count + " lock nodes for " + name);
            }
            Thread.sleep(10);
        }
    }
}
