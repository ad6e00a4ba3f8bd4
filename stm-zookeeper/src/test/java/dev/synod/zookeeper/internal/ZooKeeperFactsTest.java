package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ZooKeeper behaviour the coordinator relies on, checked against the version we ship with. */
class ZooKeeperFactsTest {
    private ZkHarness zk;
    private ZooKeeper handle;

    @BeforeEach
    void start() throws Exception {
        zk = ZkHarness.start();
        CuratorFramework client = zk.client(new RequestCounter());
        handle = client.getZookeeperClient().getZooKeeper();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void persistentRecursiveWatchEventsCarryTheZxidOfTheChange() throws Exception {
        handle.create("/facts", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        handle.addWatch("/facts", events::add, AddWatchMode.PERSISTENT_RECURSIVE);
        handle.create("/facts/a", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Stat stat = handle.setData("/facts/a", new byte[] {2}, 0);

        WatchedEvent created = events.poll(5, TimeUnit.SECONDS);
        WatchedEvent changed = events.poll(5, TimeUnit.SECONDS);
        assertThat(created.getType()).isEqualTo(Watcher.Event.EventType.NodeCreated);
        assertThat(changed.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
        assertThat(changed.getZxid()).isEqualTo(stat.getMzxid());
        assertThat(created.getZxid()).isPositive().isLessThan(changed.getZxid());
    }

    @Test
    void aFailedAsyncMultiReportsTheFailingOpInItsResults() throws Exception {
        handle.create("/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        handle.create("/y", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        CompletableFuture<Object[]> reply = new CompletableFuture<>();
        handle.multi(
                List.of(Op.check("/x", 0), Op.setData("/y", new byte[] {1}, 7), Op.setData("/x", new byte[] {1}, 0)),
                (rc, path, ctx, results) -> reply.complete(new Object[] {rc, results}),
                null);
        Object[] r = reply.get(5, TimeUnit.SECONDS);
        assertThat(r[0]).isEqualTo(Code.BADVERSION.intValue());
        @SuppressWarnings("unchecked")
        List<OpResult> results = (List<OpResult>) r[1];
        assertThat(results).hasSize(3);
        assertThat(((OpResult.ErrorResult) results.get(0)).getErr()).isEqualTo(Code.OK.intValue());
        assertThat(((OpResult.ErrorResult) results.get(1)).getErr()).isEqualTo(Code.BADVERSION.intValue());
        assertThat(((OpResult.ErrorResult) results.get(2)).getErr()).isEqualTo(Code.RUNTIMEINCONSISTENCY.intValue());
    }

    @Test
    void aReadOnlyMultiReadsSeveralNodesAndReportsAMissingOneInItsResult() throws Exception {
        handle.create("/r1", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        CompletableFuture<Object[]> reply = new CompletableFuture<>();
        handle.multi(
                List.of(Op.getData("/r1"), Op.getData("/missing")),
                (rc, path, ctx, results) -> reply.complete(new Object[] {rc, results}),
                null);
        Object[] r = reply.get(5, TimeUnit.SECONDS);
        @SuppressWarnings("unchecked")
        List<OpResult> results = (List<OpResult>) r[1];
        assertThat(results.get(0)).isInstanceOf(OpResult.GetDataResult.class);
        assertThat(((OpResult.GetDataResult) results.get(0)).getData()).containsExactly(1);
        assertThat(((OpResult.ErrorResult) results.get(1)).getErr()).isEqualTo(Code.NONODE.intValue());
    }

    @Test
    void aPersistentWatcherHearsOfConnectionLossInOrderWithData() throws Exception {
        LinkedBlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
        handle.addWatch("/", events::add, AddWatchMode.PERSISTENT_RECURSIVE);
        zk.server().restart();
        WatchedEvent first = events.poll(10, TimeUnit.SECONDS);
        assertThat(first.getType()).isEqualTo(Watcher.Event.EventType.None);
        assertThat(first.getState()).isEqualTo(Watcher.Event.KeeperState.Disconnected);
        WatchedEvent second = events.poll(15, TimeUnit.SECONDS);
        assertThat(second.getState()).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
    }

    /**
     * The premise of the read point's barriers: on one session, the reply to a read that reflects
     * a change comes after the notification of that change (both are handled on the event thread,
     * in order), for the node read and for every other node of the same multi. A second session
     * writes two-node multis while this one reads, alternating async getData and read-only multis.
     */
    @Test
    void aReadReplyNeverOvertakesTheNotificationOfTheStateItReflects() throws Exception {
        handle.create("/order", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        // both in one multi, as every later write: the two nodes always share their mzxid, which is
        // what the checks below, across nodes, rely on
        handle.multi(List.of(
                Op.create("/order/x", new byte[] {0}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
                Op.create("/order/y", new byte[] {0}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
        java.util.Map<String, Long> notified = new java.util.concurrent.ConcurrentHashMap<>();
        notified.put("/order/x", handle.exists("/order/x", false).getMzxid());
        notified.put("/order/y", handle.exists("/order/y", false).getMzxid());
        List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        handle.addWatch(
                "/order",
                e -> {
                    if (e.getPath() != null) {
                        notified.merge(e.getPath(), e.getZxid(), Math::max);
                    }
                },
                AddWatchMode.PERSISTENT_RECURSIVE);
        ZooKeeper writer = zk.client(new RequestCounter()).getZookeeperClient().getZooKeeper();
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread w = new Thread(() -> {
            try {
                for (int i = 0; i < 1500; i++) {
                    writer.multi(List.of(
                            Op.setData("/order/x", new byte[] {(byte) i}, -1),
                            Op.setData("/order/y", new byte[] {(byte) i}, -1)));
                }
            } catch (Exception e) {
                violations.add("writer failed: " + e);
            } finally {
                writing.set(false);
            }
        });
        w.start();
        java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(16);
        boolean multiRead = false;
        while (writing.get()) {
            inFlight.acquire();
            multiRead = !multiRead;
            if (multiRead) {
                // a read-only multi, as the coordinator reads several cells: one state for both
                handle.multi(
                        List.of(Op.getData("/order/x"), Op.getData("/order/y")),
                        (rc, path, ctx, results) -> {
                            if (rc == Code.OK.intValue()) {
                                checked.incrementAndGet();
                                for (OpResult r : results) {
                                    long mzxid = ((OpResult.GetDataResult) r)
                                            .getStat()
                                            .getMzxid();
                                    for (String node : List.of("/order/x", "/order/y")) {
                                        if (mzxid > notified.get(node)) {
                                            violations.add("multi read at " + mzxid + " before the notification"
                                                    + " of " + node + " (last notified " + notified.get(node) + ")");
                                        }
                                    }
                                }
                            }
                            inFlight.release();
                        },
                        null);
                continue;
            }
            handle.getData(
                    "/order/x",
                    false,
                    (rc, path, ctx, data, stat) -> {
                        if (rc == Code.OK.intValue()) {
                            checked.incrementAndGet();
                            // y was written by the same multi: its notification must be here too
                            for (String node : List.of("/order/x", "/order/y")) {
                                long seen = notified.get(node);
                                if (stat.getMzxid() > seen) {
                                    violations.add("read of x at " + stat.getMzxid() + " before the notification"
                                            + " of " + node + " (last notified " + seen + ")");
                                }
                            }
                        }
                        inFlight.release();
                    },
                    null);
        }
        w.join();
        inFlight.acquire(16);
        assertThat(checked.get()).isGreaterThan(100);
        assertThat(violations).isEmpty();
    }
}
