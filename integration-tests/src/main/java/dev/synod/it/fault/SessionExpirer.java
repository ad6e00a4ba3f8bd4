package dev.synod.it.fault;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Expires a client's session <em>on the server</em>: attaches a second handle to the session with
 * its id and password and closes it, which closes the session for every handle; the victim learns
 * of it when it next talks to the ensemble.
 */
public final class SessionExpirer {
    private SessionExpirer() {}

    /**
     * Expires session {@code sessionId}.
     *
     * @return whether the second handle connected (and so the session was closed)
     */
    public static boolean expire(String connectString, long sessionId, byte[] password, Duration timeout)
            throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(
                connectString,
                (int) timeout.toMillis(),
                event -> {
                    if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    }
                },
                sessionId,
                password);
        try {
            return connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            zk.close();
        }
    }
}
