package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.zookeeper.testing.RequestCounter;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.junit.jupiter.api.Test;

/**
 * An uncontended acquire+release costs exactly two ZooKeeper requests: {@code multi(create,
 * setData(root))} and {@code delete}. Curator's InterProcessMutex costs three.
 */
class RequestCountTest extends ZkTestSupport {

    @Test
    void uncontendedAcquireAndReleaseCostTwoRequests() throws Exception {
        RequestCounter requests = new RequestCounter();
        CuratorFramework client = newClient(5000, requests);
        DistributedReentrantLock lock = new DistributedReentrantLock(client, uniqueName("count"));
        lock.lock(); // first use creates the lock root
        lock.unlock();

        for (int i = 0; i < 20; i++) {
            long before = requests.total();
            lock.lock();
            lock.lock(); // reentrant: no request
            lock.unlock();
            lock.unlock();
            assertThat(requests.total() - before).isEqualTo(2);
        }
    }

    @Test
    void readAndWriteLocksCostTwoRequestsToo() throws Exception {
        RequestCounter requests = new RequestCounter();
        CuratorFramework client = newClient(5000, requests);
        DistributedReentrantReadWriteLock rw = new DistributedReentrantReadWriteLock(client, uniqueName("rw-count"));
        rw.writeLock().lock();
        rw.writeLock().unlock();
        long before = requests.total();
        rw.readLock().lock();
        rw.readLock().unlock();
        assertThat(requests.total() - before).isEqualTo(2);
        before = requests.total();
        rw.writeLock().lock();
        rw.writeLock().unlock();
        assertThat(requests.total() - before).isEqualTo(2);
    }

    @Test
    void curatorsInterProcessMutexCostsThreeForComparison() throws Exception {
        RequestCounter requests = new RequestCounter();
        CuratorFramework client = newClient(5000, requests);
        InterProcessMutex mutex = new InterProcessMutex(client, "/curator/" + uniqueName("count"));
        mutex.acquire();
        mutex.release();
        long before = requests.total();
        mutex.acquire();
        mutex.release();
        assertThat(requests.total() - before).isEqualTo(3);
    }
}
