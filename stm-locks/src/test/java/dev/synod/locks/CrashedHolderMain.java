package dev.synod.locks;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Child JVM for {@link CrashSafetyTest}: takes the lock, prints {@code HELD <token>} and waits to
 * be killed. Arguments: connect string, lock name, session timeout in ms.
 */
public final class CrashedHolderMain {
    private CrashedHolderMain() {}

    public static void main(String[] args) throws Exception {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(args[0])
                .sessionTimeoutMs(Integer.parseInt(args[2]))
                .connectionTimeoutMs(3000)
                .retryPolicy(new ExponentialBackoffRetry(50, 5))
                .build();
        client.start();
        client.blockUntilConnected(10, TimeUnit.SECONDS);
        DistributedReentrantLock lock = new DistributedReentrantLock(client, args[1]);
        lock.lock();
        System.out.println("HELD " + lock.fencingToken());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
}
