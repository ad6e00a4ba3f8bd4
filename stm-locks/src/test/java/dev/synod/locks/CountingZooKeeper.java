package dev.synod.locks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * A ZooKeeper handle that counts the requests sent through it (pings excluded). Overloads that
 * delegate to each other count once: only the outermost call on a thread is counted.
 */
public final class CountingZooKeeper extends ZooKeeper {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private final AtomicLong requests;

    private CountingZooKeeper(
            String connect, int sessionTimeout, Watcher watcher, boolean readOnly, AtomicLong requests)
            throws IOException {
        super(connect, sessionTimeout, watcher, readOnly);
        this.requests = requests;
    }

    /** A Curator {@link ZookeeperFactory} whose handles add every request to {@code requests}. */
    public static ZookeeperFactory factory(AtomicLong requests) {
        return new ZookeeperFactory() {
            @Override
            public ZooKeeper newZooKeeper(String connect, int sessionTimeout, Watcher watcher, boolean readOnly)
                    throws IOException {
                return new CountingZooKeeper(connect, sessionTimeout, watcher, readOnly, requests);
            }

            @Override
            public ZooKeeper newZooKeeper(
                    String connect, int sessionTimeout, Watcher watcher, boolean readOnly, ZKClientConfig config)
                    throws IOException {
                return new CountingZooKeeper(connect, sessionTimeout, watcher, readOnly, requests);
            }
        };
    }

    private interface Call<T> {
        T call() throws KeeperException, InterruptedException;
    }

    private <T> T count(Call<T> call) throws KeeperException, InterruptedException {
        int[] depth = DEPTH.get();
        if (depth[0]++ == 0) {
            requests.incrementAndGet();
        }
        try {
            return call.call();
        } finally {
            depth[0]--;
        }
    }

    private void countAsync(Runnable call) {
        try {
            count(() -> {
                call.run();
                return null;
            });
        } catch (KeeperException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode)
            throws KeeperException, InterruptedException {
        return count(() -> super.create(path, data, acl, mode));
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat)
            throws KeeperException, InterruptedException {
        return count(() -> super.create(path, data, acl, mode, stat));
    }

    @Override
    public String create(String path, byte[] data, List<ACL> acl, CreateMode mode, Stat stat, long ttl)
            throws KeeperException, InterruptedException {
        return count(() -> super.create(path, data, acl, mode, stat, ttl));
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.StringCallback cb, Object ctx) {
        countAsync(() -> super.create(path, data, acl, mode, cb, ctx));
    }

    @Override
    public void create(
            String path, byte[] data, List<ACL> acl, CreateMode mode, AsyncCallback.Create2Callback cb, Object ctx) {
        countAsync(() -> super.create(path, data, acl, mode, cb, ctx));
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
        countAsync(() -> super.create(path, data, acl, mode, cb, ctx, ttl));
    }

    @Override
    public void delete(String path, int version) throws InterruptedException, KeeperException {
        count(() -> {
            super.delete(path, version);
            return null;
        });
    }

    @Override
    public void delete(String path, int version, AsyncCallback.VoidCallback cb, Object ctx) {
        countAsync(() -> super.delete(path, version, cb, ctx));
    }

    @Override
    public List<OpResult> multi(Iterable<Op> ops) throws InterruptedException, KeeperException {
        return count(() -> super.multi(ops));
    }

    @Override
    public void multi(Iterable<Op> ops, AsyncCallback.MultiCallback cb, Object ctx) {
        countAsync(() -> super.multi(ops, cb, ctx));
    }

    @Override
    public Stat exists(String path, Watcher watcher) throws KeeperException, InterruptedException {
        return count(() -> super.exists(path, watcher));
    }

    @Override
    public Stat exists(String path, boolean watch) throws KeeperException, InterruptedException {
        return count(() -> super.exists(path, watch));
    }

    @Override
    public void exists(String path, Watcher watcher, AsyncCallback.StatCallback cb, Object ctx) {
        countAsync(() -> super.exists(path, watcher, cb, ctx));
    }

    @Override
    public void exists(String path, boolean watch, AsyncCallback.StatCallback cb, Object ctx) {
        countAsync(() -> super.exists(path, watch, cb, ctx));
    }

    @Override
    public byte[] getData(String path, Watcher watcher, Stat stat) throws KeeperException, InterruptedException {
        return count(() -> super.getData(path, watcher, stat));
    }

    @Override
    public byte[] getData(String path, boolean watch, Stat stat) throws KeeperException, InterruptedException {
        return count(() -> super.getData(path, watch, stat));
    }

    @Override
    public void getData(String path, Watcher watcher, AsyncCallback.DataCallback cb, Object ctx) {
        countAsync(() -> super.getData(path, watcher, cb, ctx));
    }

    @Override
    public void getData(String path, boolean watch, AsyncCallback.DataCallback cb, Object ctx) {
        countAsync(() -> super.getData(path, watch, cb, ctx));
    }

    @Override
    public Stat setData(String path, byte[] data, int version) throws KeeperException, InterruptedException {
        return count(() -> super.setData(path, data, version));
    }

    @Override
    public void setData(String path, byte[] data, int version, AsyncCallback.StatCallback cb, Object ctx) {
        countAsync(() -> super.setData(path, data, version, cb, ctx));
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher) throws KeeperException, InterruptedException {
        return count(() -> super.getChildren(path, watcher));
    }

    @Override
    public List<String> getChildren(String path, boolean watch) throws KeeperException, InterruptedException {
        return count(() -> super.getChildren(path, watch));
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.ChildrenCallback cb, Object ctx) {
        countAsync(() -> super.getChildren(path, watcher, cb, ctx));
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.ChildrenCallback cb, Object ctx) {
        countAsync(() -> super.getChildren(path, watch, cb, ctx));
    }

    @Override
    public List<String> getChildren(String path, Watcher watcher, Stat stat)
            throws KeeperException, InterruptedException {
        return count(() -> super.getChildren(path, watcher, stat));
    }

    @Override
    public List<String> getChildren(String path, boolean watch, Stat stat)
            throws KeeperException, InterruptedException {
        return count(() -> super.getChildren(path, watch, stat));
    }

    @Override
    public void getChildren(String path, Watcher watcher, AsyncCallback.Children2Callback cb, Object ctx) {
        countAsync(() -> super.getChildren(path, watcher, cb, ctx));
    }

    @Override
    public void getChildren(String path, boolean watch, AsyncCallback.Children2Callback cb, Object ctx) {
        countAsync(() -> super.getChildren(path, watch, cb, ctx));
    }

    @Override
    public void sync(String path) throws KeeperException, InterruptedException {
        count(() -> {
            super.sync(path);
            return null;
        });
    }

    @Override
    public void sync(String path, AsyncCallback.VoidCallback cb, Object ctx) {
        countAsync(() -> super.sync(path, cb, ctx));
    }

    @Override
    public void addWatch(String path, Watcher watcher, AddWatchMode mode) throws KeeperException, InterruptedException {
        count(() -> {
            super.addWatch(path, watcher, mode);
            return null;
        });
    }

    @Override
    public void addWatch(String path, AddWatchMode mode) throws KeeperException, InterruptedException {
        count(() -> {
            super.addWatch(path, mode);
            return null;
        });
    }

    @Override
    public void addWatch(String path, Watcher watcher, AddWatchMode mode, AsyncCallback.VoidCallback cb, Object ctx) {
        countAsync(() -> super.addWatch(path, watcher, mode, cb, ctx));
    }

    @Override
    public void addWatch(String path, AddWatchMode mode, AsyncCallback.VoidCallback cb, Object ctx) {
        countAsync(() -> super.addWatch(path, mode, cb, ctx));
    }
}
