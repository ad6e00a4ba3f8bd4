package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/** Waiters get the lock in the order they asked for it. */
class FifoFairnessTest extends ZkTestSupport {

    @Test
    void waitersAcquireInArrivalOrder() throws Exception {
        String name = uniqueName("fifo");
        CuratorFramework observer = newClient();
        DistributedReentrantLock holder = new DistributedReentrantLock(observer, name);
        holder.lock();
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            DistributedReentrantLock lock = new DistributedReentrantLock(newClient(), name);
            Thread t = new Thread(() -> {
                lock.lock();
                try {
                    order.add(id);
                } finally {
                    lock.unlock();
                }
            });
            t.start();
            TimeoutsAndInterruptsTest.awaitNodes(observer, name, i + 2); // queued before the next one starts
            threads.add(t);
        }
        holder.unlock();
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
    }
}
