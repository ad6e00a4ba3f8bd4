package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.CoordinationException;
import dev.synod.zookeeper.testing.TcpProxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * A condition wait that gives up after its waiter node was created but before it learned so (the
 * reply lost, and no connection for a while) leaves no waiter node once the client reconnects. The
 * session is still alive, so nothing else would remove it, and a later {@code signal()} would wake
 * that node, which nobody waits on, instead of a real waiter: the signal would be lost.
 */
class AbandonedWaiterTest extends ZkTestSupport {

    @Test
    void aWaiterWhoseCreationWasGivenUpOnIsRemovedAndTheNextSignalReachesARealWaiter() throws Exception {
        String name = uniqueName("abandoned-waiter");
        CuratorFramework other = newClient();
        String conditionRoot = "/synod/conditions/" + name + "/ready";
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            // the session outlives the outage: it and its nodes survive
            CuratorFramework viaProxy = newClientVia(proxy.connectString(), 30_000);
            other.create().creatingParentsIfNeeded().forPath(conditionRoot);
            DistributedReentrantLock lock = new DistributedReentrantLock(viaProxy, name);
            Condition ready = lock.newCondition("ready");
            lock.lock();
            long session = viaProxy.getZookeeperClient().getZooKeeper().getSessionId();

            proxy.refuseConnections(true);
            // the waiter's creation is applied, then every connection is cut before its reply
            proxy.dropOnNextReply(40);
            assertThatThrownBy(() -> ready.await(5, TimeUnit.SECONDS))
                    .isInstanceOf(CoordinationException.class)
                    .hasMessageContaining(conditionRoot);
            assertThat(proxy.drops()).isEqualTo(1);
            assertThat(waiters(other, conditionRoot))
                    .as("created in a session still alive")
                    .hasSize(1);

            proxy.refuseConnections(false);
            assertThat(viaProxy.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            eventually("the waiter node deleted", () -> waiters(other, conditionRoot)
                    .isEmpty());
            assertThat(waiters(other, conditionRoot)).isEmpty();
            assertThat(viaProxy.getZookeeperClient().getZooKeeper().getSessionId())
                    .as("the node went while its session lived: deleted, not expired")
                    .isEqualTo(session);
            assertThat(lock.isHeldByCurrentThread())
                    .as("a failed wait keeps the lock")
                    .isTrue();
            lock.unlock();

            // a real waiter on another client now gets the next signal
            CompletableFuture<Boolean> woken = awaitSignal(new DistributedReentrantLock(other, name), "ready");
            eventually("a waiter node", () -> !waiters(other, conditionRoot).isEmpty());
            lock.lock();
            try {
                ready.signal();
            } finally {
                lock.unlock();
            }
            assertThat(woken.get(20, TimeUnit.SECONDS))
                    .as("signalled, not timed out")
                    .isTrue();
        }
    }

    @Test
    void aWaitThatCannotDeleteItsNodeWhenItTimesOutHasItDeletedOnceReconnected() throws Exception {
        String name = uniqueName("uncancelled-waiter");
        CuratorFramework other = newClient();
        String conditionRoot = "/synod/conditions/" + name + "/ready";
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework viaProxy = newClientVia(proxy.connectString(), 30_000);
            long session = viaProxy.getZookeeperClient().getZooKeeper().getSessionId();
            DistributedReentrantLock lock = new DistributedReentrantLock(viaProxy, name);
            Condition ready = lock.newCondition("ready");
            CompletableFuture<Object> wait = CompletableFuture.supplyAsync(() -> {
                lock.lock();
                try {
                    return ready.await(1500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException | RuntimeException e) {
                    return e;
                } finally {
                    lock.unlock(); // the usual idiom: quiet when the wait could not take the lock again
                }
            });
            eventually("a waiter node", () -> !waiters(other, conditionRoot).isEmpty());
            assertThat(waiters(other, conditionRoot)).hasSize(1);
            // the wait times out while ZooKeeper cannot be reached: its node cannot be deleted now
            proxy.refuseConnections(true);
            proxy.dropConnections();
            Object outcome = wait.get(60, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(CoordinationException.class);
            assertThat(waiters(other, conditionRoot))
                    .as("still there: its session lives")
                    .hasSize(1);

            proxy.refuseConnections(false);
            eventually("the waiter node deleted", () -> waiters(other, conditionRoot)
                    .isEmpty());
            assertThat(waiters(other, conditionRoot)).isEmpty();
            assertThat(viaProxy.getZookeeperClient().getZooKeeper().getSessionId())
                    .as("deleted, not expired")
                    .isEqualTo(session);
        }
    }

    @Test
    void anUntimedWaitThatLosesItsConnectionEndsSayingTheLockIsNotHeld() throws Exception {
        String name = uniqueName("untimed-waiter");
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework viaProxy = newClientVia(proxy.connectString(), 30_000);
            DistributedReentrantLock lock = new DistributedReentrantLock(viaProxy, name);
            Condition ready = lock.newCondition("ready");
            boolean[] heldAfter = new boolean[1];
            int[] holdCountAfter = {-1};
            String[] extraUnlock = {"not tried"};
            CompletableFuture<Object> wait = CompletableFuture.supplyAsync(() -> {
                lock.lock();
                lock.lock(); // two holds: two unlock()s balance them
                try {
                    ready.await();
                    return "returned";
                } catch (InterruptedException | RuntimeException e) {
                    return e;
                } finally {
                    heldAfter[0] = lock.isHeldByCurrentThread();
                    holdCountAfter[0] = lock.getHoldCount();
                    lock.unlock(); // neither throws: the wait's exception already said the lock is not held
                    lock.unlock();
                    try {
                        lock.unlock();
                        extraUnlock[0] = "quiet";
                    } catch (IllegalMonitorStateException e) {
                        extraUnlock[0] = "refused";
                    }
                }
            });
            CuratorFramework other = newClient();
            eventually("a waiter node", () -> !waiters(other, "/synod/conditions/" + name + "/ready")
                    .isEmpty());
            proxy.refuseConnections(true);
            proxy.dropConnections();
            // the connection does not come back: the wait ends (under the client's retry policy and
            // twice its connection timeout to take the lock again), it does not wait for ever
            Object outcome = wait.get(60, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(CoordinationException.class);
            assertThat(((Exception) outcome).getMessage())
                    .contains("the wait on condition")
                    .contains("not held");
            assertThat(heldAfter[0]).isFalse();
            assertThat(holdCountAfter[0]).isZero();
            assertThat(extraUnlock[0])
                    .as("two unlock()s balanced the two holds")
                    .isEqualTo("refused");
        }
    }

    private static List<String> waiters(CuratorFramework client, String root) throws Exception {
        if (client.checkExists().forPath(root) == null) {
            return List.of();
        }
        return client.getChildren().forPath(root);
    }
}
