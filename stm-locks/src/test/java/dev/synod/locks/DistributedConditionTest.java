package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.LockLostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** Conditions work across sessions: await releases fully, signal wakes, hold counts come back. */
class DistributedConditionTest extends ZkTestSupport {

    @Test
    void signalFromAnotherClientWakesTheWaiterWithItsHoldCountRestored() throws Exception {
        String name = uniqueName("cond");
        CuratorFramework waiterClient = newClient();
        DistributedReentrantLock waiterLock = new DistributedReentrantLock(waiterClient, name);
        DistributedReentrantLock signallerLock = new DistributedReentrantLock(newClient(), name);
        Condition signallerCondition = signallerLock.newCondition("ready");

        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            Condition ready = waiterLock.newCondition("ready");
            waiterLock.lock();
            waiterLock.lock();
            try {
                boolean signalled = ready.await(20, TimeUnit.SECONDS);
                return "signalled=" + signalled + " holds=" + waiterLock.getHoldCount();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                waiterLock.unlock();
                waiterLock.unlock();
            }
        });
        awaitWaiters(waiterClient, name, "ready", 1);
        signallerLock.lock(); // the waiter released the lock completely while waiting
        try {
            signallerCondition.signal();
        } finally {
            signallerLock.unlock();
        }
        assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo("signalled=true holds=2");
        assertThat(lockNodes(waiterClient, name)).isEmpty();
    }

    @Test
    void aNodeSomeoneElsePutUnderTheConditionDoesNotTakeTheSignal() throws Exception {
        String name = uniqueName("cond-foreign");
        CuratorFramework waiterClient = newClient();
        CompletableFuture<Boolean> waiter = awaitSignal(new DistributedReentrantLock(waiterClient, name), "ready");
        awaitWaiters(waiterClient, name, "ready", 1);
        // not a waiter, though its name ends in a sequence that sorts before the real one's
        CuratorFramework other = newClient();
        String foreign = "/synod/conditions/" + name + "/ready/foreign-0000000000";
        other.create().forPath(foreign);
        String foreignWithTildes = "/synod/conditions/" + name + "/ready/w~someone~0000000000";
        other.create().forPath(foreignWithTildes);
        DistributedReentrantLock signallerLock = new DistributedReentrantLock(other, name);
        signallerLock.withLock(() -> signallerLock.newCondition("ready").signal());
        assertThat(waiter.get(20, TimeUnit.SECONDS))
                .as("signalled, not timed out")
                .isTrue();
        assertThat(other.checkExists().forPath(foreign)).as("left alone").isNotNull();
        assertThat(other.checkExists().forPath(foreignWithTildes))
                .as("left alone")
                .isNotNull();
    }

    @Test
    void aWaiterNamedAsEarlierVersionsNamedThemStillGetsTheSignal() throws Exception {
        String name = uniqueName("cond-old");
        CuratorFramework old = newClient();
        String root = "/synod/conditions/" + name + "/ready";
        // how clients of Synod 0.1 before 2026-12-02 created their waiters (Curator's protected mode)
        String waiter = old.create()
                .creatingParentContainersIfNeeded()
                .withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(root + "/waiter-");
        DistributedReentrantLock signallerLock = new DistributedReentrantLock(newClient(), name);
        signallerLock.withLock(() -> signallerLock.newCondition("ready").signal());
        assertThat(old.checkExists().forPath(waiter))
                .as("woken: its node deleted")
                .isNull();
    }

    @Test
    void signalWakesOneAndSignalAllWakesTheRest() throws Exception {
        String name = uniqueName("cond-all");
        CuratorFramework observer = newClient();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DistributedReentrantLock lock = new DistributedReentrantLock(newClient(), name);
            Thread t = new Thread(() -> {
                lock.lock();
                try {
                    lock.newCondition().awaitUninterruptibly();
                    woken.incrementAndGet();
                } finally {
                    lock.unlock();
                }
            });
            t.start();
            threads.add(t);
        }
        awaitWaiters(observer, name, "default", 3);
        DistributedReentrantLock signaller = new DistributedReentrantLock(observer, name);
        signaller.withLock(() -> signaller.newCondition().signal());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (woken.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300);
        assertThat(woken).hasValue(1);
        signaller.withLock(() -> signaller.newCondition().signalAll());
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(woken).hasValue(3);
    }

    @Test
    void awaitTimesOutWithoutLeavingAWaiterAndStillHoldsTheLock() throws Exception {
        String name = uniqueName("cond-timeout");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        Condition condition = lock.newCondition();
        lock.lock();
        try {
            long start = System.nanoTime();
            assertThat(condition.await(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(290L, 3000L);
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(condition.awaitNanos(TimeUnit.MILLISECONDS.toNanos(50))).isLessThanOrEqualTo(0);
        } finally {
            lock.unlock();
        }
        assertThat(client.getChildren().forPath("/synod/conditions/" + name + "/default"))
                .isEmpty();
    }

    @Test
    void interruptedAwaitReacquiresThenThrows() throws Exception {
        String name = uniqueName("cond-interrupt");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        CountDownLatch done = new CountDownLatch(1);
        List<String> outcome = new ArrayList<>();
        Thread t = new Thread(() -> {
            lock.lock();
            try {
                lock.newCondition().await();
                outcome.add("returned");
            } catch (InterruptedException e) {
                outcome.add("interrupted held=" + lock.isHeldByCurrentThread());
            } finally {
                lock.unlock();
                done.countDown();
            }
        });
        t.start();
        awaitWaiters(client, name, "default", 1);
        t.interrupt();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(outcome).containsExactly("interrupted held=true");
        assertThat(client.getChildren().forPath("/synod/conditions/" + name + "/default"))
                .isEmpty();
    }

    @Test
    void conditionMethodsRequireTheLock() {
        DistributedReentrantLock lock = new DistributedReentrantLock(newClient(), uniqueName("cond-owner"));
        Condition condition = lock.newCondition();
        assertThatThrownBy(condition::signal).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(condition::signalAll).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(condition::await).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> lock.newCondition("bad/name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void awaitOnALockWhoseNodeWasRemovedReportsTheLossAndLeavesNoWaiter() throws Exception {
        String name = uniqueName("cond-removed");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        Condition condition = lock.newCondition();
        lock.lock();
        lock.lock();
        newClient().delete().forPath(lock.guard().path()); // removed while held, the session lives on
        assertThatThrownBy(() -> condition.await(10, TimeUnit.SECONDS)).isInstanceOf(LockLostException.class);
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        lock.unlock(); // the loss was reported by await: both holds balance quietly
        lock.unlock();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(client.getChildren().forPath("/synod/conditions/" + name + "/default"))
                .isEmpty();
        assertThat(lockNodes(client, name)).isEmpty();
    }

    private static void awaitWaiters(CuratorFramework client, String lock, String condition, int count)
            throws Exception {
        String root = "/synod/conditions/" + lock + "/" + condition;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.checkExists().forPath(root) == null
                || client.getChildren().forPath(root).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never saw " + count + " waiters on " + root);
            }
            Thread.sleep(10);
        }
    }
}
