package dev.synod.bench;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/** The operations compared: Synod's and their baselines (raw ZooKeeper, Curator recipes). */
final class Scenarios implements AutoCloseable {
    private static final Codec<Long> LONG = Codec.json(Long.class);
    private final String connectString;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private static final java.util.concurrent.atomic.AtomicInteger UNIQUE =
            new java.util.concurrent.atomic.AtomicInteger();

    Scenarios(String connectString) {
        this.connectString = connectString;
    }

    private static String fresh(String prefix) {
        return prefix + "-" + UNIQUE.getAndIncrement();
    }

    CuratorFramework curator() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, 30_000, 10_000, new RetryNTimes(10, 100));
        c.start();
        if (!c.blockUntilConnected(10, TimeUnit.SECONDS)) {
            c.close();
            throw new CoordinationException("cannot connect to ZooKeeper at " + connectString + " within 10 s");
        }
        closeables.add(c);
        return c;
    }

    ZooKeeperStm stm() {
        ZooKeeperStm stm = ZooKeeperStm.connect(connectString);
        closeables.add(stm);
        return stm;
    }

    private CuratorFramework sharedCurator;
    private ZooKeeperStm sharedStm;

    /** One Curator client for every thread of this scenario (one session, as in one process). */
    synchronized CuratorFramework sharedCurator() throws InterruptedException {
        if (sharedCurator == null) {
            sharedCurator = curator();
        }
        return sharedCurator;
    }

    /** One Synod client for every thread of this scenario (one session, as in one process). */
    synchronized ZooKeeperStm sharedStm() {
        if (sharedStm == null) {
            sharedStm = stm();
        }
        return sharedStm;
    }

    /** Raw ZooKeeper: one multi of conditional setData on {@code refs} znodes of this thread. */
    Runner.Op rawMulti(int refs) throws Exception {
        return rawMulti(refs, curator());
    }

    /**
     * As {@link #rawMulti(int)}, each client also holding a persistent watch on each of its znodes
     * (what keeping a cache current costs at the least: every write is announced to the client
     * that made it); the watcher does nothing.
     */
    Runner.Op rawMultiWatched(int refs) throws Exception {
        return rawMultiWatched(refs, curator());
    }

    /** As {@link #rawMultiWatched(int)}, all threads on one shared client. */
    Runner.Op rawMultiWatchedShared(int refs) throws Exception {
        return rawMultiWatched(refs, sharedCurator());
    }

    private Runner.Op rawMultiWatched(int refs, CuratorFramework client) throws Exception {
        List<String> paths = new ArrayList<>();
        Runner.Op op = rawMulti(refs, client, paths);
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        for (String path : paths) {
            zk.addWatch(path, event -> {}, org.apache.zookeeper.AddWatchMode.PERSISTENT);
        }
        return op;
    }

    /** As {@link #rawMulti(int)}, all threads on one shared client. */
    Runner.Op rawMultiShared(int refs) throws Exception {
        return rawMulti(refs, sharedCurator());
    }

    private Runner.Op rawMulti(int refs, CuratorFramework client) throws Exception {
        return rawMulti(refs, client, new ArrayList<>());
    }

    /** Creates {@code refs} znodes (their paths added to {@code paths}) and returns the op. */
    private Runner.Op rawMulti(int refs, CuratorFramework client, List<String> paths) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        int[] versions = new int[refs];
        for (int i = 0; i < refs; i++) {
            String path = "/raw/" + fresh("multi");
            create(zk, path);
            versions[i] = zk.exists(path, false).getVersion();
            paths.add(path);
        }
        byte[] payload = "{\"v\":1234567}".getBytes(StandardCharsets.UTF_8);
        return () -> {
            List<Op> ops = new ArrayList<>(refs);
            for (int i = 0; i < refs; i++) {
                ops.add(Op.setData(paths.get(i), payload, versions[i]));
            }
            zk.multi(ops);
            for (int i = 0; i < refs; i++) {
                versions[i]++;
            }
        };
    }

    /** Synod: one write transaction altering {@code refs} refs of this thread. */
    Runner.Op synodTxn(int refs) {
        return synodTxn(refs, stm());
    }

    /** As {@link #synodTxn(int)}, all threads on one shared Synod client (each its own refs). */
    Runner.Op synodTxnShared(int refs) {
        return synodTxn(refs, sharedStm());
    }

    private Runner.Op synodTxn(int refs, ZooKeeperStm stm) {
        List<Ref<Long>> rs = new ArrayList<>();
        for (int i = 0; i < refs; i++) {
            rs.add(stm.ref(fresh("txn"), LONG, 0L));
        }
        return () -> stm.run(txn -> rs.forEach(r -> r.alter(x -> x + 1)));
    }

    /** Synod: swap(+1) on one shared atom, each thread its own client. */
    Runner.Op synodSwap(String atomName) {
        Atom<Long> atom = stm().atom(atomName, LONG, 0L);
        return () -> atom.swap(x -> x + 1);
    }

    /** As {@link #synodSwap}, all threads on one shared Synod client. */
    Runner.Op synodSwapShared(String atomName) {
        Atom<Long> atom = sharedStm().atom(atomName, LONG, 0L);
        return () -> atom.swap(x -> x + 1);
    }

    /** Curator: DistributedAtomicLong.increment on one shared counter, each thread its own client. */
    Runner.Op curatorIncrement(String path) throws Exception {
        return curatorIncrement(path, curator());
    }

    /** As {@link #curatorIncrement(String)}, all threads on one shared Curator client. */
    Runner.Op curatorIncrementShared(String path) throws Exception {
        return curatorIncrement(path, sharedCurator());
    }

    private static Runner.Op curatorIncrement(String path, CuratorFramework client) {
        DistributedAtomicLong counter = new DistributedAtomicLong(client, path, new RetryNTimes(1_000, 1));
        return () -> {
            AtomicValue<Long> v = counter.increment();
            if (!v.succeeded()) {
                throw new IllegalStateException("DistributedAtomicLong.increment gave up");
            }
        };
    }

    /** Raw ZooKeeper: read, then setData conditional on the version read, retried on BADVERSION. */
    Runner.Op rawCas(String path) throws Exception {
        ZooKeeper zk = curator().getZookeeperClient().getZooKeeper();
        create(zk, path);
        return () -> {
            while (true) {
                Stat stat = new Stat();
                byte[] data = zk.getData(path, false, stat);
                long value = data.length == 0 ? 0 : Long.parseLong(new String(data, StandardCharsets.UTF_8));
                try {
                    zk.setData(path, Long.toString(value + 1).getBytes(StandardCharsets.UTF_8), stat.getVersion());
                    return;
                } catch (KeeperException.BadVersionException e) {
                    // lost the race: read again
                }
            }
        };
    }

    /** Synod: deref of a cached ref outside a transaction. */
    Runner.Op cachedDeref(Ref<Long> ref) {
        long[] sink = new long[1];
        return () -> sink[0] += ref.get();
    }

    private static void create(ZooKeeper zk, String path) throws Exception {
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (!parent.isEmpty()) {
            try {
                zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // shared parent
            }
        }
        try {
            zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // shared counter
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // closing a benchmark client: nothing to do
            }
        }
        closeables.clear();
    }
}
