package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.zookeeper.testing.TcpProxy;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

/**
 * After a reconnection a lock checks that its uncertain holds' nodes are still there. That check
 * must not run on Curator's connection-state thread: if the connection drops again while it waits
 * for ZooKeeper, every other listener of the client (and Curator's own expiry handling) would hear
 * of the drop only once the check gave up, under the client's whole retry policy. It used to.
 */
class ReconnectionCheckDoesNotHoldUpStateEventsTest extends ZkTestSupport {

    /** The lock node's {@code exists}, with its long path; connection requests and pings are shorter. */
    private static final int CHECK_REQUEST_MIN_BYTES = 70;

    @Test
    void otherListenersHearOfANewDropWhileTheCheckIsUnanswered() throws Exception {
        String name = uniqueName("reconnect-check");
        CuratorFramework other = newClient();
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            CuratorFramework client = newPatientClientVia(proxy.connectString(), null);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            DistributedReentrantLock lock = new DistributedReentrantLock(client, name);
            BlockingQueue<String> lockEvents = new LinkedBlockingQueue<>();
            lock.addListener(recording(lockEvents));
            lock.lock(); // the lock listens to the client's connection states from now on
            BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
            client.getConnectionStateListenable().addListener((c, state) -> states.add(state));

            proxy.refuseConnections(true);
            proxy.dropConnections();
            assertThat(states.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionState.SUSPENDED);
            assertThat(lockEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("uncertain");

            // let the client reconnect once; the lock's check of its node is cut off on its way,
            // and the client, which retries its only address after a second, finds the door shut
            long drops = proxy.drops();
            proxy.dropOnNextRequest(CHECK_REQUEST_MIN_BYTES, false);
            proxy.refuseConnections(false);
            eventually(
                    "the client reconnected", () -> client.getZookeeperClient().isConnected() || proxy.drops() > drops);
            proxy.refuseConnections(true);
            eventually("the check was cut off", () -> proxy.drops() > drops);
            long cut = System.nanoTime();

            assertThat(states.poll(5, TimeUnit.SECONDS)).isEqualTo(ConnectionState.RECONNECTED);
            assertThat(states.poll(5, TimeUnit.SECONDS))
                    .as("the new drop reaches other listeners while the check waits for an answer")
                    .isEqualTo(ConnectionState.SUSPENDED);
            assertThat(Duration.ofNanos(System.nanoTime() - cut)).isLessThan(Duration.ofSeconds(5));
            assertThat(lockEvents).isEmpty(); // still uncertain: no answer, no verdict

            proxy.refuseConnections(false);
            assertThat(lockEvents.poll(20, TimeUnit.SECONDS)).isEqualTo("restored");
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(client.getZookeeperClient().getZooKeeper().getSessionId())
                    .isEqualTo(session);
            lock.unlock();
            assertThat(lockNodes(other, name)).isEmpty();
        }
    }
}
