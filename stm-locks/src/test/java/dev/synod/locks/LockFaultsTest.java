package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.LockLostException;
import dev.synod.stm.StmClosedException;
import dev.synod.zookeeper.testing.TcpProxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * A lock on a closed client, and on a client that cannot reach ZooKeeper: clear errors, no hang. A
 * hold whose client was closed, or whose node was removed, is reported lost, not released quietly.
 */
class LockFaultsTest extends ZkTestSupport {

    @Test
    void aClosedClientIsReportedAsClosed() {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("closed"));
        client.close();
        assertThatThrownBy(lock::lock).isInstanceOf(StmClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(lock::tryLock).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void anUnreachableEnsembleFailsWithinTheConnectionTimeoutAndLeavesNoNode() throws Exception {
        String name = uniqueName("unreachable");
        CuratorFramework other = newClient();
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework client = newClientVia(proxy.connectString(), 10_000);
            DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
            proxy.refuseConnections(true);
            proxy.dropConnections();
            long start = System.nanoTime();
            assertThatThrownBy(lock::lock)
                    .isInstanceOf(CoordinationException.class)
                    .hasMessageContaining(name);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            // a timed attempt bounds its wait for a connection too: false at its deadline
            start = System.nanoTime();
            assertThat(lock.tryLock(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofMillis(2_500)); // was 3.1 s and an exception
            assertThat(lock.isHeldByCurrentThread()).isFalse();
            assertThat(lockNodes(other, name)).isEmpty();
        }
    }

    @Test
    void aTinyTimeoutStillTakesAFreeLockOnAHealthyConnection() throws Exception {
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("tiny"));
        // the creation's answer takes a round trip, longer than the timeout: a free lock is taken anyway
        assertThat(lock.tryLock(1, TimeUnit.NANOSECONDS)).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(1, TimeUnit.MILLISECONDS)).isTrue();
        lock.unlock();
        assertThat(lockNodes(client, lock.name())).isEmpty();
    }

    @Test
    void closingTheClientLosesTheHoldAndUnlockReportsIt() throws Exception {
        String name = uniqueName("closed-held");
        CuratorFramework client = newClient();
        CuratorFramework other = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        lock.lock();
        lock.lock();
        client.close(); // no LOST is delivered for a closed client

        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lock.getHoldCount()).isZero();
        assertThatThrownBy(lock::fencingToken).isInstanceOf(LockLostException.class);
        assertThatThrownBy(lock::guard).isInstanceOf(LockLostException.class);
        assertThatThrownBy(lock::lock) // reentrant, but the session is gone
                .isInstanceOf(LockLostException.class);
        long start = System.nanoTime();
        assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class).hasMessageContaining("closed");
        lock.unlock(); // balances the second hold quietly
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lockNodes(other, name)).isEmpty();
    }

    @Test
    void aLockNodeRemovedWhileHeldIsReportedByUnlock() throws Exception {
        String name = uniqueName("removed");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        lock.lock();
        newClient().delete().forPath(lock.guard().path()); // an operator removes it; the session lives on
        assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        lock.unlock(); // a hold that was intact releases quietly
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void aZeroTimeoutWithoutAConnectionReturnsFalseAtOnce() throws Exception {
        String name = uniqueName("zero");
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework client = newClientVia(proxy.connectString(), 10_000);
            DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
            proxy.refuseConnections(true);
            proxy.dropConnections();
            long start = System.nanoTime();
            // like any expired timeout; it used to throw CoordinationException after 2 s
            assertThat(lock.tryLock(0, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(lock.tryLock()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_000));
            assertThat(lock.isHeldByCurrentThread()).isFalse();
        }
        assertThat(lockNodes(newClient(), name)).isEmpty();
    }
}
