package dev.synod.zookeeper.testing;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * A ZooKeeper handle that counts the requests it sends, per kind. A read-only multi (only {@code
 * getData} ops) counts as "multiRead", any other multi as "multi". Overloads that delegate to each
 * other count once (a per-thread depth guard). It also counts the data notifications delivered to
 * watchers added with {@code addWatch} ({@link RequestCounter#notifications()}).
 */
@SuppressWarnings("try") // ZooKeeper.close() throws InterruptedException: not ours to change
public class CountingZooKeeper extends ZooKeeper {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private final RequestCounter counter;
    private final Map<Watcher, Watcher> counting = new ConcurrentHashMap<>();

    public CountingZooKeeper(
            String connectString,
            int sessionTimeout,
            Watcher watcher,
            boolean canBeReadOnly,
            ZKClientConfig config,
            RequestCounter counter)
            throws IOException {
        super(connectString, sessionTimeout, watcher, canBeReadOnly, config);
        this.counter = counter;
    }

    private void enter(String kind) {
        if (DEPTH.get()[0]++ == 0) {
            counter.count(kind);
        }
    }

    private static void exit() {
        DEPTH.get()[0]--;
    }

    /** The watcher registered for {@code watcher}: the same one, counting its data events. */
    private Watcher counting(Watcher watcher) {
        return counting.computeIfAbsent(watcher, w -> event -> {
            if (event.getType() != Watcher.Event.EventType.None) {
                counter.notified();
            }
            w.process(event);
        });
    }

    /** The paths with a persistent (non-recursive) watch of this handle, as the client knows them. */
    public List<String> persistentWatchPaths() {
        return getPersistentWatches();
    }

    /** The paths with a persistent recursive watch of this handle, as the client knows them. */
    public List<String> persistentRecursiveWatchPaths() {
        return getPersistentRecursiveWatches();
    }

    @Override
    public void addWatch(String basePath, Watcher watcher, AddWatchMode mode)
            throws KeeperException, InterruptedException {
        enter("addWatch");
        try {
            super.addWatch(basePath, counting(watcher), mode);
        } finally {
            exit();
        }
    }

    @Override
    public void addWatch(
            String basePath, Watcher watcher, AddWatchMode mode, AsyncCallback.VoidCallback cb, Object ctx) {
        enter("addWatch");
        try {
            super.addWatch(basePath, counting(watcher), mode, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void removeWatches(String path, Watcher watcher, WatcherType watcherType, boolean local)
            throws InterruptedException, KeeperException {
        enter("removeWatches");
        try {
            super.removeWatches(path, counting(watcher), watcherType, local);
        } finally {
            exit();
        }
    }

    @Override
    public void removeWatches(
            String path,
            Watcher watcher,
            WatcherType watcherType,
            boolean local,
            AsyncCallback.VoidCallback cb,
            Object ctx) {
        enter("removeWatches");
        try {
            super.removeWatches(path, counting(watcher), watcherType, local, cb, ctx);
        } finally {
            exit();
        }
    }

    private static String multiKind(Iterable<Op> ops) {
        for (Op op : ops) {
            if (op.getType() != ZooDefs.OpCode.getData) {
                return "multi";
            }
        }
        return "multiRead";
    }

    @Override
    public List<OpResult> multi(Iterable<Op> ops) throws InterruptedException, KeeperException {
        enter(multiKind(ops));
        try {
            return super.multi(ops);
        } finally {
            exit();
        }
    }

    @Override
    public void multi(Iterable<Op> ops, AsyncCallback.MultiCallback cb, Object ctx) {
        enter(multiKind(ops));
        try {
            super.multi(ops, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public Stat setData(String path, byte[] data, int version) throws KeeperException, InterruptedException {
        enter("setData");
        try {
            return super.setData(path, data, version);
        } finally {
            exit();
        }
    }

    @Override
    public void setData(String path, byte[] data, int version, AsyncCallback.StatCallback cb, Object ctx) {
        enter("setData");
        try {
            super.setData(path, data, version, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public byte[] getData(String path, Watcher watcher, Stat stat) throws KeeperException, InterruptedException {
        enter("getData");
        try {
            return super.getData(path, watcher, stat);
        } finally {
            exit();
        }
    }

    @Override
    public byte[] getData(String path, boolean watch, Stat stat) throws KeeperException, InterruptedException {
        enter("getData");
        try {
            return super.getData(path, watch, stat);
        } finally {
            exit();
        }
    }

    @Override
    public void getData(String path, Watcher watcher, AsyncCallback.DataCallback cb, Object ctx) {
        enter("getData");
        try {
            super.getData(path, watcher, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void getData(String path, boolean watch, AsyncCallback.DataCallback cb, Object ctx) {
        enter("getData");
        try {
            super.getData(path, watch, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode)
            throws KeeperException, InterruptedException {
        enter("create");
        try {
            return super.create(path, data, acl, mode);
        } finally {
            exit();
        }
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat)
            throws KeeperException, InterruptedException {
        enter("create");
        try {
            return super.create(path, data, acl, mode, stat);
        } finally {
            exit();
        }
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat, long ttl)
            throws KeeperException, InterruptedException {
        enter("create");
        try {
            return super.create(path, data, acl, mode, stat, ttl);
        } finally {
            exit();
        }
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.StringCallback cb, Object ctx) {
        enter("create");
        try {
            super.create(path, data, acl, mode, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.Create2Callback cb, Object ctx) {
        enter("create");
        try {
            super.create(path, data, acl, mode, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void create(
            String path,
            byte[] data,
            List<ACL> acl,
            CreateMode mode,
            AsyncCallback.Create2Callback cb,
            Object ctx,
            long ttl) {
        enter("create");
        try {
            super.create(path, data, acl, mode, cb, ctx, ttl);
        } finally {
            exit();
        }
    }

    @Override
    public Stat exists(String path, Watcher watcher) throws KeeperException, InterruptedException {
        enter("exists");
        try {
            return super.exists(path, watcher);
        } finally {
            exit();
        }
    }

    @Override
    public Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
        enter("exists");
        try {
            return super.exists(path, watch);
        } finally {
            exit();
        }
    }

    @Override
    public void exists(String path, Watcher watcher, AsyncCallback.StatCallback cb, Object ctx) {
        enter("exists");
        try {
            super.exists(path, watcher, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void exists(String path, boolean watch, AsyncCallback.StatCallback cb, Object ctx) {
        enter("exists");
        try {
            super.exists(path, watch, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void sync(String path) throws KeeperException, InterruptedException {
        enter("sync");
        try {
            super.sync(path);
        } finally {
            exit();
        }
    }

    @Override
    public void sync(String path, AsyncCallback.VoidCallback cb, Object ctx) {
        enter("sync");
        try {
            super.sync(path, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void delete(String path, int version) throws InterruptedException, KeeperException {
        enter("delete");
        try {
            super.delete(path, version);
        } finally {
            exit();
        }
    }

    @Override
    public void delete(String path, int version, AsyncCallback.VoidCallback cb, Object ctx) {
        enter("delete");
        try {
            super.delete(path, version, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher) throws KeeperException, InterruptedException {
        enter("getChildren");
        try {
            return super.getChildren(path, watcher);
        } finally {
            exit();
        }
    }

    @Override
    public List<String> getChildren(String path, boolean watch) throws KeeperException, InterruptedException {
        enter("getChildren");
        try {
            return super.getChildren(path, watch);
        } finally {
            exit();
        }
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.ChildrenCallback cb, Object ctx) {
        enter("getChildren");
        try {
            super.getChildren(path, watcher, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.ChildrenCallback cb, Object ctx) {
        enter("getChildren");
        try {
            super.getChildren(path, watch, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher, Stat stat)
            throws KeeperException, InterruptedException {
        enter("getChildren");
        try {
            return super.getChildren(path, watcher, stat);
        } finally {
            exit();
        }
    }

    @Override
    public List<String> getChildren(String path, boolean watch, Stat stat)
            throws KeeperException, InterruptedException {
        enter("getChildren");
        try {
            return super.getChildren(path, watch, stat);
        } finally {
            exit();
        }
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.Children2Callback cb, Object ctx) {
        enter("getChildren");
        try {
            super.getChildren(path, watcher, cb, ctx);
        } finally {
            exit();
        }
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.Children2Callback cb, Object ctx) {
        enter("getChildren");
        try {
            super.getChildren(path, watch, cb, ctx);
        } finally {
            exit();
        }
    }
}
