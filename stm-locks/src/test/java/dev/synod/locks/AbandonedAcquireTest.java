package dev.synod.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.CoordinationException;
import dev.synod.zookeeper.testing.TcpProxy;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * An acquire that gives up after its node was created but before it learned so (the reply lost,
 * and no connection for a while) leaves no node in the queue once the client reconnects: the
 * session is still alive, so nothing else would ever remove it, and every other client would wait
 * behind it until this client closed.
 */
class AbandonedAcquireTest extends ZkTestSupport {

    @Test
    void aNodeWhoseCreationWasGivenUpOnIsRemovedOnReconnection() throws Exception {
        String name = uniqueName("abandoned");
        CuratorFramework other = newClient();
        try (TcpProxy proxy = new TcpProxy(server.getPort(), 1)) {
            // the session outlives the outage: it and its nodes survive
            CuratorFramework viaProxy = newClientVia(proxy.connectString(), 30_000);
            other.create().creatingParentsIfNeeded().forPath("/synod/locks/" + name);
            DistributedReentrantLock abandoning = new DistributedReentrantLock(viaProxy, name);

            long session = viaProxy.getZookeeperClient().getZooKeeper().getSessionId();
            proxy.refuseConnections(true);
            // the lock node's multi is applied, then every connection is cut before its reply
            proxy.dropOnNextReply(120);
            assertThatThrownBy(abandoning::lock).isInstanceOf(CoordinationException.class);
            assertThat(proxy.drops()).isEqualTo(1);
            assertThat(lockNodes(other, name)).hasSize(1); // created in a session still alive

            proxy.refuseConnections(false);
            DistributedReentrantLock waiting = new DistributedReentrantLock(other, name);
            assertThat(waiting.tryLock(20, TimeUnit.SECONDS)).isTrue();
            waiting.unlock();
            assertThat(viaProxy.getZookeeperClient().getZooKeeper().getSessionId())
                    .as("the node went while its session lived: deleted, not expired")
                    .isEqualTo(session);
            assertThat(lockNodes(other, name)).isEmpty();
        }
    }
}
