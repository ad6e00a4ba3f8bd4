package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inspector reports exactly who holds and who waits, with the holders' fencing tokens. */
class LockInspectorTest extends ZkTestSupport {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void showsTheHolderItsTokenAndTheWaitersInQueueOrder() throws Exception {
        String name = uniqueName("inspect") + "/nested";
        CuratorFramework a = newClient();
        CuratorFramework b = newClient();
        LockInspector inspector = new LockInspector(newClient());
        DistributedReentrantLock lockA = new DistributedReentrantLock(a, name);
        DistributedReentrantLock lockB = new DistributedReentrantLock(b, name);
        lockA.lock();
        Future<Long> waiter = pool.submit(() -> {
            lockB.lockInterruptibly();
            try {
                return lockB.fencingToken();
            } finally {
                lockB.unlock();
            }
        });
        awaitNodes(a, name, 2);

        LockInspector.LockState state = inspector.lock(name).orElseThrow();
        assertThat(state.name()).isEqualTo(name);
        assertThat(state.holders()).hasSize(1);
        LockInspector.LockNode holder = state.holders().get(0);
        assertThat(holder.fencingToken()).isEqualTo(lockA.fencingToken());
        assertThat(holder.sessionId()).isEqualTo(sessionId(a));
        assertThat(holder.exclusive()).isTrue();
        assertThat(holder.path()).isEqualTo(lockA.guard().path());
        assertThat(state.waiters()).hasSize(1);
        assertThat(state.waiters().get(0).sessionId()).isEqualTo(sessionId(b));
        assertThat(inspector.locks()).extracting(LockInspector.LockState::name).contains(name);

        lockA.unlock();
        long tokenB = waiter.get(10, TimeUnit.SECONDS);
        assertThat(tokenB).isGreaterThan(holder.fencingToken());
        LockInspector.LockState free = inspector.lock(name).orElseThrow();
        assertThat(free.holders()).isEmpty();
        assertThat(free.waiters()).isEmpty();
    }

    @Test
    void readersShareTheLockAndAWriterQueuesAheadOfLaterReaders() throws Exception {
        String name = uniqueName("inspect-rw");
        CuratorFramework c1 = newClient();
        CuratorFramework c2 = newClient();
        CuratorFramework c3 = newClient();
        CuratorFramework c4 = newClient();
        DistributedReentrantReadWriteLock rw1 = new DistributedReentrantReadWriteLock(c1, name);
        DistributedReentrantReadWriteLock rw2 = new DistributedReentrantReadWriteLock(c2, name);
        DistributedReentrantReadWriteLock writer = new DistributedReentrantReadWriteLock(c3, name);
        DistributedReentrantReadWriteLock lateReader = new DistributedReentrantReadWriteLock(c4, name);
        rw1.readLock().lock();
        pool.submit(() -> {
                    rw2.readLock().lock();
                    return null;
                })
                .get(10, TimeUnit.SECONDS);
        pool.submit(() -> {
            writer.writeLock().lockInterruptibly();
            return null;
        });
        awaitNodes(c1, name, 3);
        pool.submit(() -> {
            lateReader.readLock().lockInterruptibly();
            return null;
        });
        awaitNodes(c1, name, 4);

        LockInspector.LockState state =
                new LockInspector(newClient()).lock(name).orElseThrow();
        assertThat(state.holders())
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c1), false), tuple(sessionId(c2), false));
        assertThat(state.holders().get(0).fencingToken())
                .isEqualTo(rw1.readLock().fencingToken());
        assertThat(state.waiters())
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c3), true), tuple(sessionId(c4), false));
        rw1.readLock().unlock();
    }

    @Test
    void aDowngradingWriterAndItsReadLockBothShowAsHolders() throws Exception {
        String name = uniqueName("inspect-downgrade");
        CuratorFramework c1 = newClient();
        CuratorFramework c2 = newClient();
        DistributedReentrantReadWriteLock downgrading = new DistributedReentrantReadWriteLock(c1, name);
        DistributedReentrantReadWriteLock writer = new DistributedReentrantReadWriteLock(c2, name);
        LockInspector inspector = new LockInspector(newClient());
        downgrading.writeLock().lock();
        Future<?> queued = pool.submit(() -> {
            writer.writeLock().lockInterruptibly();
            writer.writeLock().unlock();
            return null;
        });
        awaitNodes(c1, name, 2);
        downgrading.readLock().lock(); // a downgrade: granted at once, behind the queued writer
        awaitNodes(c1, name, 3);

        LockInspector.LockState state = inspector.lock(name).orElseThrow();
        assertThat(state.holders())
                .as("the writer holds, and so does the read lock it took")
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c1), true), tuple(sessionId(c1), false));
        assertThat(state.holders().get(0).fencingToken())
                .isEqualTo(downgrading.writeLock().fencingToken());
        assertThat(state.holders().get(1).fencingToken())
                .isEqualTo(downgrading.readLock().fencingToken());
        assertThat(state.waiters())
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c2), true));

        downgrading.writeLock().unlock(); // the downgrade is complete: the read lock alone holds
        state = inspector.lock(name).orElseThrow();
        assertThat(state.holders())
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c1), false));
        assertThat(state.waiters())
                .extracting(LockInspector.LockNode::sessionId, LockInspector.LockNode::exclusive)
                .containsExactly(tuple(sessionId(c2), true));

        downgrading.readLock().unlock();
        queued.get(10, TimeUnit.SECONDS);
        assertThat(lockNodes(c1, name)).isEmpty();
    }

    @Test
    void aLockNeverUsedIsAbsentAndNamesAreValidated() {
        LockInspector inspector = new LockInspector(newClient());
        assertThat(inspector.lock(uniqueName("never"))).isEmpty();
        assertThatThrownBy(() -> inspector.lock("bad name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad name");
    }

    @Test
    void aForeignNodeUnderALockRootIsIgnoredByLockersAndTheInspector() throws Exception {
        String name = uniqueName("foreign");
        CuratorFramework client = newClient();
        // shaped like a lock node, but its "sequence" is not a number: written by something else
        client.create().creatingParentsIfNeeded().forPath("/synod/locks/" + name + "/w~foreign~abcdefghij");
        DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
        assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
        LockInspector.LockState state = new LockInspector(client).lock(name).orElseThrow();
        assertThat(state.holders()).hasSize(1);
        assertThat(state.waiters()).isEmpty();
        assertThat(new LockInspector(client).locks())
                .extracting(LockInspector.LockState::name)
                .contains(name)
                .noneMatch(n -> n.contains("~"));
        lock.unlock();
    }

    @Test
    void aClosedClientIsReportedAsClosed() {
        CuratorFramework client = newClient();
        LockInspector inspector = new LockInspector(client);
        client.close();
        assertThatThrownBy(inspector::locks)
                .isInstanceOf(dev.synod.stm.StmClosedException.class)
                .hasMessageContaining("closed");
    }

    private static long sessionId(CuratorFramework client) throws Exception {
        return client.getZookeeperClient().getZooKeeper().getSessionId();
    }

    private static void awaitNodes(CuratorFramework client, String name, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lockNodes(client, name).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "expected " + n + " lock nodes of " + name + " but have " + lockNodes(client, name));
            }
            Thread.sleep(20);
        }
    }
}
