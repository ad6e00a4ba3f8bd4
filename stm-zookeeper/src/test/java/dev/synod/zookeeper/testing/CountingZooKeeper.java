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

    /** A synchronous request that returns a value. */
    private interface Call<T> {
        T run() throws KeeperException, InterruptedException;
    }

    /** A synchronous request without a value. */
    private interface VoidCall {
        void run() throws KeeperException, InterruptedException;
    }

    /** Counts {@code kind} once per outermost call on this thread, then sends the request. */
    private <T> T counted(String kind, Call<T> call) throws KeeperException, InterruptedException {
        enter(kind);
        try {
            return call.run();
        } finally {
            exit();
        }
    }

    private void countedVoid(String kind, VoidCall call) throws KeeperException, InterruptedException {
        enter(kind);
        try {
            call.run();
        } finally {
            exit();
        }
    }

    private void countedAsync(String kind, Runnable call) {
        enter(kind);
        try {
            call.run();
        } finally {
            exit();
        }
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

    /** The paths with a one-time watch on their children of this handle, as the client knows them. */
    public List<String> childWatchPaths() {
        return getChildWatches();
    }

    /** The paths with a persistent recursive watch of this handle, as the client knows them. */
    public List<String> persistentRecursiveWatchPaths() {
        return getPersistentRecursiveWatches();
    }

    @Override
    public void addWatch(String basePath, Watcher watcher, AddWatchMode mode)
            throws KeeperException, InterruptedException {
        countedVoid("addWatch", () -> super.addWatch(basePath, counting(watcher), mode));
    }

    @Override
    public void addWatch(
            String basePath, Watcher watcher, AddWatchMode mode, AsyncCallback.VoidCallback cb, Object ctx) {
        countedAsync("addWatch", () -> super.addWatch(basePath, counting(watcher), mode, cb, ctx));
    }

    @Override
    public void removeWatches(String path, Watcher watcher, WatcherType watcherType, boolean local)
            throws InterruptedException, KeeperException {
        countedVoid("removeWatches", () -> super.removeWatches(path, counting(watcher), watcherType, local));
    }

    @Override
    public void removeWatches(
            String path,
            Watcher watcher,
            WatcherType watcherType,
            boolean local,
            AsyncCallback.VoidCallback cb,
            Object ctx) {
        countedAsync("removeWatches", () -> super.removeWatches(path, counting(watcher), watcherType, local, cb, ctx));
    }

    @Override
    public void removeAllWatches(
            String path, WatcherType watcherType, boolean local, AsyncCallback.VoidCallback cb, Object ctx) {
        countedAsync("removeWatches", () -> super.removeAllWatches(path, watcherType, local, cb, ctx));
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
        return counted(multiKind(ops), () -> super.multi(ops));
    }

    @Override
    public void multi(Iterable<Op> ops, AsyncCallback.MultiCallback cb, Object ctx) {
        countedAsync(multiKind(ops), () -> super.multi(ops, cb, ctx));
    }

    @Override
    public Stat setData(String path, byte[] data, int version) throws KeeperException, InterruptedException {
        return counted("setData", () -> super.setData(path, data, version));
    }

    @Override
    public void setData(String path, byte[] data, int version, AsyncCallback.StatCallback cb, Object ctx) {
        countedAsync("setData", () -> super.setData(path, data, version, cb, ctx));
    }

    @Override
    public byte[] getData(String path, Watcher watcher, Stat stat) throws KeeperException, InterruptedException {
        return counted("getData", () -> super.getData(path, watcher, stat));
    }

    @Override
    public byte[] getData(String path, boolean watch, Stat stat) throws KeeperException, InterruptedException {
        return counted("getData", () -> super.getData(path, watch, stat));
    }

    @Override
    public void getData(String path, Watcher watcher, AsyncCallback.DataCallback cb, Object ctx) {
        countedAsync("getData", () -> super.getData(path, watcher, cb, ctx));
    }

    @Override
    public void getData(String path, boolean watch, AsyncCallback.DataCallback cb, Object ctx) {
        countedAsync("getData", () -> super.getData(path, watch, cb, ctx));
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode)
            throws KeeperException, InterruptedException {
        return counted("create", () -> super.create(path, data, acl, mode));
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat)
            throws KeeperException, InterruptedException {
        return counted("create", () -> super.create(path, data, acl, mode, stat));
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat, long ttl)
            throws KeeperException, InterruptedException {
        return counted("create", () -> super.create(path, data, acl, mode, stat, ttl));
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.StringCallback cb, Object ctx) {
        countedAsync("create", () -> super.create(path, data, acl, mode, cb, ctx));
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.Create2Callback cb, Object ctx) {
        countedAsync("create", () -> super.create(path, data, acl, mode, cb, ctx));
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
        countedAsync("create", () -> super.create(path, data, acl, mode, cb, ctx, ttl));
    }

    @Override
    public Stat exists(String path, Watcher watcher) throws KeeperException, InterruptedException {
        return counted("exists", () -> super.exists(path, watcher));
    }

    @Override
    public Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
        return counted("exists", () -> super.exists(path, watch));
    }

    @Override
    public void exists(String path, Watcher watcher, AsyncCallback.StatCallback cb, Object ctx) {
        countedAsync("exists", () -> super.exists(path, watcher, cb, ctx));
    }

    @Override
    public void exists(String path, boolean watch, AsyncCallback.StatCallback cb, Object ctx) {
        countedAsync("exists", () -> super.exists(path, watch, cb, ctx));
    }

    @Override
    public void sync(String path) throws KeeperException, InterruptedException {
        countedVoid("sync", () -> super.sync(path));
    }

    @Override
    public void sync(String path, AsyncCallback.VoidCallback cb, Object ctx) {
        countedAsync("sync", () -> super.sync(path, cb, ctx));
    }

    @Override
    public void delete(String path, int version) throws InterruptedException, KeeperException {
        countedVoid("delete", () -> super.delete(path, version));
    }

    @Override
    public void delete(String path, int version, AsyncCallback.VoidCallback cb, Object ctx) {
        countedAsync("delete", () -> super.delete(path, version, cb, ctx));
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher) throws KeeperException, InterruptedException {
        return counted("getChildren", () -> super.getChildren(path, watcher));
    }

    @Override
    public List<String> getChildren(String path, boolean watch) throws KeeperException, InterruptedException {
        return counted("getChildren", () -> super.getChildren(path, watch));
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.ChildrenCallback cb, Object ctx) {
        countedAsync("getChildren", () -> super.getChildren(path, watcher, cb, ctx));
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.ChildrenCallback cb, Object ctx) {
        countedAsync("getChildren", () -> super.getChildren(path, watch, cb, ctx));
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher, Stat stat)
            throws KeeperException, InterruptedException {
        return counted("getChildren", () -> super.getChildren(path, watcher, stat));
    }

    @Override
    public List<String> getChildren(String path, boolean watch, Stat stat)
            throws KeeperException, InterruptedException {
        return counted("getChildren", () -> super.getChildren(path, watch, stat));
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.Children2Callback cb, Object ctx) {
        countedAsync("getChildren", () -> super.getChildren(path, watcher == null ? null : counting(watcher), cb, ctx));
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.Children2Callback cb, Object ctx) {
        countedAsync("getChildren", () -> super.getChildren(path, watch, cb, ctx));
    }
}
