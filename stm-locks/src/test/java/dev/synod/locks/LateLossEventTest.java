package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.LockLostException;
import dev.synod.stm.spi.CommitGuard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.listen.Listenable;
import org.apache.curator.framework.listen.ListenerManager;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/**
 * Curator reports a session expiry ({@code LOST}) on its connection-state thread, after it has
 * already replaced the expired ZooKeeper handle; a thread may take the lock under the new session
 * before that report arrives. The late report is about the old session and must not take the new
 * hold away: before, it marked the hold lost while its node stayed in ZooKeeper, so the holder's
 * {@code fencingToken()} threw and a caller that gave up there kept a stale hold whose node blocked
 * every other process, and whose every later acquire failed at once.
 */
class LateLossEventTest extends ZkTestSupport {

    @Test
    void aHoldTakenUnderTheNewSessionSurvivesTheLateLostEventOfTheExpiredOne() throws Exception {
        String name = uniqueName("late-lost");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        BlockingQueue<String> lockEvents = new LinkedBlockingQueue<>();
        lock.addListener(recording(lockEvents));

        // holds Curator's connection-state thread on its first event, so LOST is delivered late
        StateGate gate = new StateGate();
        client.getConnectionStateListenable().addListener(gate);

        long expired = client.getZookeeperClient().getZooKeeper().getSessionId();
        expireOnServer(client);
        assertThat(gate.held.await(15, TimeUnit.SECONDS))
                .as("Curator reports the expiry")
                .isTrue();
        ZooKeeper current = awaitNewSession(client, expired);

        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        long token = lock.fencingToken();
        assertThat(lockNodes(client, name)).hasSize(1);

        gate.open.countDown();
        assertThat(gate.awaitLostThenReconnected(Duration.ofSeconds(15)))
                .as("LOST, then RECONNECTED, delivered (states %s)", gate.states)
                .isTrue();

        assertThat(current.getSessionId()).isNotEqualTo(expired);
        assertThat(lockEvents).doesNotContain("lost");
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        assertThat(lock.getHoldCount()).isEqualTo(1);
        assertThat(lock.fencingToken()).isEqualTo(token);
        CommitGuard guard = lock.guard();
        assertThat(client.checkExists().forPath(guard.path())).isNotNull();

        lock.unlock(); // no LockLostException: the lock was held all along
        assertThat(lockNodes(client, name)).isEmpty();
        DistributedReentrantLock other = new DistributedReentrantLock(newClient(), name);
        assertThat(other.tryLock()).isTrue();
        other.unlock();
    }

    @Test
    void aHoldWhoseSessionIsKnownExpiredIsLostBeforeTheLateLostEvent() throws Exception {
        String name = uniqueName("expired-unreported");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        lock.lock();
        lock.lock();
        StateGate gate = new StateGate();
        client.getConnectionStateListenable().addListener(gate);
        ZooKeeper expired = client.getZookeeperClient().getZooKeeper();
        expireOnServer(client);
        assertThat(gate.held.await(15, TimeUnit.SECONDS)).isTrue();
        eventually("the client learns that its session expired", () -> !expired.getState()
                .isAlive());

        // LOST is still held back, yet the session is known to be gone: the hold is not reported as held
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lock.getHoldCount()).isZero();
        assertThatThrownBy(lock::fencingToken).isInstanceOf(LockLostException.class);
        assertThatThrownBy(lock::lock).isInstanceOf(LockLostException.class); // no silent reentry
        assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class);
        lock.unlock(); // the second hold balances quietly
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);

        gate.open.countDown();
        assertThat(gate.awaitLostThenReconnected(Duration.ofSeconds(15))).isTrue();
        assertThat(lockNodes(client, name)).isEmpty();
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
    }

    @Test
    void aDowngradeOnAWriteHoldWhoseSessionExpiredQueuesLikeAnyReader() throws Exception {
        String name = uniqueName("late-downgrade");
        CuratorFramework client = newClient();
        DistributedReentrantReadWriteLock rw = new DistributedReentrantReadWriteLock(client, name);
        rw.writeLock().lock();
        DistributedReentrantReadWriteLock other = new DistributedReentrantReadWriteLock(newClient(), name);
        CountDownLatch otherHolds = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            other.writeLock().lock();
            try {
                otherHolds.countDown();
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                other.writeLock().unlock();
            }
        });
        writer.start();
        eventually("the other writer queued", () -> lockNodes(client, name).size() >= 2);

        StateGate gate = new StateGate(); // LOST arrives late, as Curator may deliver it
        client.getConnectionStateListenable().addListener(gate);
        long expired = client.getZookeeperClient().getZooKeeper().getSessionId();
        expireOnServer(client);
        assertThat(gate.held.await(15, TimeUnit.SECONDS)).isTrue();
        awaitNewSession(client, expired);
        assertThat(otherHolds.await(10, TimeUnit.SECONDS))
                .as("our write node went with its session: the other writer holds")
                .isTrue();
        assertThat(rw.writeLock().isHeldByCurrentThread())
                .as("not reported as LOST yet, but the client knows its session expired")
                .isFalse();

        // no downgrade on a write hold that is gone: a plain reader, which waits for the other writer
        assertThat(rw.readLock().tryLock(1, TimeUnit.SECONDS)).isFalse();
        assertThat(rw.readLock().isHeldByCurrentThread()).isFalse();

        gate.open.countDown();
        assertThat(gate.awaitLostThenReconnected(Duration.ofSeconds(15))).isTrue();
        assertThatThrownBy(rw.writeLock()::unlock).isInstanceOf(LockLostException.class);
        release.countDown();
        writer.join(10_000);
        assertThat(lockNodes(client, name)).isEmpty();
    }

    @Test
    void repeatedLossesLeaveNoNodeNoListenerAndUnlockNeverWaitsForZooKeeper() throws Exception {
        String name = uniqueName("lost-unlock");
        CuratorFramework client = newClient();
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        BlockingQueue<String> lockEvents = new LinkedBlockingQueue<>();
        lock.addListener(recording(lockEvents));
        int listenersBefore = listenerCount(client.getConnectionStateListenable());

        for (int round = 0; round < 4; round++) {
            assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
            expireOnServer(client);
            assertThat(lockEvents.poll(15, TimeUnit.SECONDS)).isIn("uncertain", "lost");
            while (lock.isHeldByCurrentThread()) {
                assertThat(lockEvents.poll(15, TimeUnit.SECONDS)).isNotNull();
            }
            lockEvents.clear();
            boolean lastRound = round == 3;
            if (lastRound) {
                server.stop(); // unlock of a lost hold must not wait for a connection
            }
            try {
                long start = System.nanoTime();
                assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
            } finally {
                if (lastRound) {
                    server.restart();
                }
            }
        }

        assertThat(client.blockUntilConnected(15, TimeUnit.SECONDS)).isTrue();
        assertThat(lockNodes(client, name)).isEmpty();
        assertThat(listenerCount(client.getConnectionStateListenable())).isEqualTo(listenersBefore);
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
    }

    private static ZooKeeper awaitNewSession(CuratorFramework client, long expired) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            if (client.getZookeeperClient().isConnected() && zk.getSessionId() != expired) {
                return zk;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no new session within 15 s");
    }

    private static int listenerCount(Listenable<ConnectionStateListener> listenable) {
        return listenable instanceof ListenerManager<?, ?> manager ? manager.size() : -1;
    }

    /** Blocks the connection-state thread in its first event until {@link #open}; records states. */
    private static final class StateGate implements ConnectionStateListener {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final List<ConnectionState> states = new CopyOnWriteArrayList<>();
        private final CountDownLatch lostThenReconnected = new CountDownLatch(1);

        @Override
        public void stateChanged(CuratorFramework client, ConnectionState state) {
            states.add(state);
            if (state == ConnectionState.RECONNECTED && states.contains(ConnectionState.LOST)) {
                // events are delivered one at a time: every listener has seen LOST by now
                lostThenReconnected.countDown();
            }
            if (held.getCount() > 0) {
                held.countDown();
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        boolean awaitLostThenReconnected(Duration timeout) throws InterruptedException {
            return lostThenReconnected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
