package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.CoordinationException;
import dev.synod.stm.Ref;
import dev.synod.stm.StmClosedException;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Building, connecting, ACLs and closing. */
class ClientLifecycleTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void connectBuildsAnOwnedClientThatCloseCloses() throws Exception {
        ZooKeeperStm stm = ZooKeeperStm.connect(zk.connectString());
        Ref<Long> r = stm.ref("lifecycle", LONG, 1L);
        assertThat(stm.namespacePath()).isEqualTo("/synod");
        assertThat(stm.describe()).isEqualTo("zookeeper[" + zk.connectString() + "]/synod");
        assertThat(stm.curator().checkExists().forPath("/synod/cells/lifecycle"))
                .isNotNull();
        stm.close();
        stm.close();
        assertThat(stm.curator().getState()).isEqualTo(CuratorFrameworkState.STOPPED);
        assertThatThrownBy(r::get).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.run(txn -> r.set(2L))).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.ref("other", LONG, 1L)).isInstanceOf(StmClosedException.class);
    }

    @Test
    void aCallerOwnedClientIsNeverClosedAndItsNamespaceIsIgnored() throws Exception {
        CuratorFramework mine = zk.client(new RequestCounter()).usingNamespace("app");
        ZooKeeperStm stm =
                ZooKeeperStm.builder().client(mine).namespace("/owned").build();
        stm.ref("x", LONG, 1L);
        stm.close();
        assertThat(mine.getState()).isEqualTo(CuratorFrameworkState.STARTED);
        assertThat(mine.usingNamespace(null).checkExists().forPath("/owned/cells/x"))
                .isNotNull();
    }

    @Test
    void builderValuesAreValidatedWithMessagesNamingThem() {
        assertThatThrownBy(() -> ZooKeeperStm.builder().connectString(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectString");
        assertThatThrownBy(() -> ZooKeeperStm.builder().namespace("relative"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> ZooKeeperStm.builder().namespace("/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThatThrownBy(() -> ZooKeeperStm.builder().sessionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> ZooKeeperStm.builder().connectionTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionTimeout");
        assertThatThrownBy(() -> ZooKeeperStm.builder().authorization("", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("authorization");
        assertThatThrownBy(() -> ZooKeeperStm.builder().retryPolicy(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("retryPolicy");
        assertThatThrownBy(() -> ZooKeeperStm.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connectString");
        CuratorFramework notStarted = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(10));
        assertThatThrownBy(() -> ZooKeeperStm.builder().client(notStarted).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("started");
        assertThatThrownBy(() -> ZooKeeperStm.builder()
                        .client(notStarted)
                        .connectString(zk.connectString())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connectString");
    }

    @Test
    void anUnreachableEnsembleFailsWithinTheConnectionTimeoutNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String nowhere = "127.0.0.1:" + port;
        long start = System.nanoTime();
        assertThatThrownBy(() -> ZooKeeperStm.builder()
                        .connectString(nowhere)
                        .connectionTimeout(Duration.ofMillis(700))
                        .build())
                .isInstanceOf(CoordinationException.class)
                .hasMessageContaining(nowhere)
                .hasMessageContaining("700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aclsAndDigestAuthorizationProtectTheRefs() throws Exception {
        byte[] auth = "synod:secret".getBytes(StandardCharsets.UTF_8);
        ACLProvider creatorOnly = new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return ZooDefs.Ids.CREATOR_ALL_ACL;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return ZooDefs.Ids.CREATOR_ALL_ACL;
            }
        };
        try (ZooKeeperStm owner = ZooKeeperStm.builder()
                        .connectString(zk.connectString())
                        .namespace("/secured")
                        .aclProvider(creatorOnly)
                        .authorization("digest", auth)
                        .build();
                ZooKeeperStm friend = ZooKeeperStm.builder()
                        .connectString(zk.connectString())
                        .namespace("/secured")
                        .authorization("digest", auth)
                        .build()) {
            Ref<Long> secret = owner.ref("secret", LONG, 7L);
            Ref<Long> seen = friend.ref("secret", LONG);
            friend.run(txn -> seen.alter(x -> x + 1));
            StmFixture.await(() -> secret.get() == 8L);

            CuratorFramework stranger = zk.client(new RequestCounter());
            assertThatThrownBy(() -> stranger.getData().forPath("/secured/cells/secret"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void closingTheStmEndsATransactionWaitingForTheConnectionOfACallerOwnedClient() throws Exception {
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        // a connection timeout of a minute: the wait would outlast the test if close() did not end it
        CuratorFramework mine = zk.client(proxy.connectString(), new RequestCounter(), 60_000, new RetryOneTime(10));
        ZooKeeperStm stm = ZooKeeperStm.builder().client(mine).build();
        Ref<Long> r = stm.ref("close-while-waiting", LONG, 1L);
        proxy.refuseConnections(true);
        proxy.dropConnections();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mine.getZookeeperClient().isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(mine.getZookeeperClient().isConnected()).isFalse();
        CompletableFuture<Object> commit = CompletableFuture.supplyAsync(() -> {
            try {
                stm.run(txn -> r.set(2L));
                return "committed";
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(300); // (it waits for a connection by now; if not, it finds the Stm closed)
        stm.close();
        assertThat(commit.get(10, TimeUnit.SECONDS)).isInstanceOf(StmClosedException.class);
        assertThat(mine.getState()).as("the caller's client stays open").isEqualTo(CuratorFrameworkState.STARTED);
    }
}
