package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.LockLostException;
import dev.synod.stm.spi.CommitGuard;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

/**
 * A holder whose session is expired on the server learns it lost the lock, another client gets the
 * lock, and the stale holder's lock-guarded writes are rejected.
 */
class SessionExpiryReleasesLockTest extends ZkTestSupport {

    @Test
    void expiredHolderIsToldAnotherAcquiresAndTheStaleGuardedCommitIsRejected() throws Exception {
        String name = uniqueName("expiry");
        CuratorFramework holderClient = newClient();
        CuratorFramework otherClient = newClient();
        otherClient.create().creatingParentsIfNeeded().forPath("/data/" + name, new byte[0]);
        DistributedReentrantLock holder = new DistributedReentrantLock(holderClient, name);
        DistributedReentrantLock other = new DistributedReentrantLock(otherClient, name);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        holder.addListener(new LockListener() {
            @Override
            public void onUncertain(String lock) {
                events.add("uncertain " + lock);
            }

            @Override
            public void onLost(String lock) {
                events.add("lost " + lock);
            }
        });

        holder.lock();
        CommitGuard guard = holder.guard();
        long staleToken = holder.fencingToken();
        assertThat(guard.description()).isEqualTo("lock '" + name + "'");
        assertThat(guard.version()).isEqualTo(CommitGuard.ANY_VERSION);
        guardedWrite(holderClient, guard, "under the lock"); // accepted while held

        expireOnServer(holderClient);
        // the connection drops first (uncertain), then the expiry is seen (lost)
        assertThat(awaitEvent(events, "lost lock '" + name + "'")).isTrue();
        assertThat(holder.isHeldByCurrentThread()).isFalse();
        assertThat(holder.getHoldCount()).isZero();
        assertThatThrownBy(holder::fencingToken).isInstanceOf(LockLostException.class);

        ExecutorService otherThread = Executors.newSingleThreadExecutor();
        try {
            assertThat(otherThread
                            .submit(() -> other.tryLock(10, TimeUnit.SECONDS))
                            .get(15, TimeUnit.SECONDS))
                    .isTrue();
            staleHolderIsRejected(holder, holderClient, otherClient, guard, name);
            otherThread.submit(other::unlock).get(10, TimeUnit.SECONDS);
        } finally {
            otherThread.shutdownNow();
        }

        // the holder can take the lock again, with a newer token
        assertThat(holder.tryLock(10, TimeUnit.SECONDS)).isTrue();
        assertThat(holder.fencingToken()).isGreaterThan(staleToken);
        holder.unlock();
    }

    private static void staleHolderIsRejected(
            DistributedReentrantLock holder,
            CuratorFramework holderClient,
            CuratorFramework otherClient,
            CommitGuard guard,
            String name)
            throws Exception {

        // the stale holder's session came back as a new one; its guarded write must not apply
        assertThatThrownBy(() -> guardedWrite(holderClient, guard, "stale write"))
                .isInstanceOf(KeeperException.NoNodeException.class);
        assertThat(new String(otherClient.getData().forPath("/data/" + name), StandardCharsets.UTF_8))
                .isEqualTo("under the lock");

        assertThatThrownBy(holder::unlock).isInstanceOf(LockLostException.class); // reported once
        assertThatThrownBy(holder::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void nestedHoldsAfterLossReportOnceAndBalanceQuietly() throws Exception {
        String name = uniqueName("expiry-nested");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        lock.addListener(new LockListener() {
            @Override
            public void onLost(String l) {
                events.add("lost");
            }
        });
        lock.lock();
        lock.lock();
        expireOnServer(client);
        assertThat(awaitEvent(events, "lost")).isTrue();
        assertThatThrownBy(lock::lock).isInstanceOf(LockLostException.class);
        assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class);
        lock.unlock(); // balances quietly
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void suspendedConnectionMakesTheLockUncertainThenRestored() throws Exception {
        String name = uniqueName("suspend");
        CuratorFramework client = newClient(5000, null);
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        lock.addListener(recording(events));
        lock.lock();
        try {
            server.stop();
            assertThat(events.poll(15, TimeUnit.SECONDS)).isEqualTo("uncertain");
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            server.restart();
            assertThat(events.poll(15, TimeUnit.SECONDS)).isEqualTo("restored");
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lockNodes(client, name)).isEmpty();
    }

    private static boolean awaitEvent(BlockingQueue<String> events, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (expected.equals(event)) {
                return true;
            }
        }
        return false;
    }

    private static void guardedWrite(CuratorFramework client, CommitGuard guard, String value) throws Exception {
        List<CuratorOp> ops = List.of(
                client.transactionOp().check().forPath(guard.path()),
                client.transactionOp().setData().forPath("/data/" + guardedDataName(guard), bytes(value)));
        client.transaction().forOperations(ops); // check(path, -1): what the transaction engine adds
    }

    private static String guardedDataName(CommitGuard guard) {
        String root = guard.path().substring(0, guard.path().lastIndexOf('/'));
        return root.substring(root.lastIndexOf('/') + 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
