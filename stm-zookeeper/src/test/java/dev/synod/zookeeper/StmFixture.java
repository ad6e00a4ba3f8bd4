package dev.synod.zookeeper;

import dev.synod.stm.Codec;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/** ZooKeeperStm clients (each its own session) on one test server, in a namespace of their own. */
final class StmFixture {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final Codec<Long> LONG = Codec.json(Long.class);

    final ZkHarness zk;
    final String namespace = "/stm" + NAMESPACES.incrementAndGet();

    StmFixture(ZkHarness zk) {
        this.zk = zk;
    }

    /** A client: its Stm, its Curator client and the counter of its requests. */
    record Client(ZooKeeperStm stm, CuratorFramework curator, RequestCounter requests) {}

    Client client() throws InterruptedException {
        return client(zk.connectString());
    }

    Client client(String connectString) throws InterruptedException {
        RequestCounter counter = new RequestCounter();
        CuratorFramework curator = zk.client(connectString, counter);
        ZooKeeperStm stm = zk.track(
                ZooKeeperStm.builder().client(curator).namespace(namespace).build());
        return new Client(stm, curator, counter);
    }

    /** The ZooKeeper handle of a client's Curator client, which counts requests and watches. */
    static dev.synod.zookeeper.testing.CountingZooKeeper handle(Client c) {
        try {
            return (dev.synod.zookeeper.testing.CountingZooKeeper)
                    c.curator().getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
