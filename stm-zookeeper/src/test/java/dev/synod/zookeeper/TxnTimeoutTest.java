package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.Ref;
import dev.synod.stm.TransactionTimeoutException;
import dev.synod.stm.TxnOptions;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction's timeout bounds its wait for a connection: with ZooKeeper out of reach, a
 * transaction or an atom update with a 1 s timeout gives up after about a second, not after the
 * client's 10 s connection timeout (or, for a read under the retry policy, several of them), and
 * nothing is applied.
 */
class TxnTimeoutTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    /** Far above the 1 s transaction timeout: an answer before it is the transaction's timeout. */
    private static final long CONNECTION_TIMEOUT_MS = 10_000;

    @Test
    void theTransactionTimeoutBoundsTheWaitForAConnection() throws Exception {
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        CuratorFramework curator = CuratorFrameworkFactory.newClient(
                proxy.connectString(), 60_000, (int) CONNECTION_TIMEOUT_MS, new ExponentialBackoffRetry(100, 5));
        curator.start();
        zk.track(curator);
        assertThat(curator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                .client(curator)
                .namespace("/timeout")
                .defaultOptions(TxnOptions.defaults().withTimeout(Duration.ofSeconds(1)))
                .build());
        Ref<Long> ref = stm.ref("r", LONG, 0L);
        Atom<Long> atom = stm.atom("a", LONG, 0L);

        proxy.refuseConnections(true);
        proxy.dropConnections();
        StmFixture.await(() -> !curator.getZookeeperClient().isConnected());

        assertGivesUpWithinTheTimeout(() -> stm.run(txn -> ref.alter(x -> x + 1)));
        assertGivesUpWithinTheTimeout(() -> atom.swap(x -> x + 1));
        // the cached value is not the expected one: a read under the retry policy
        assertGivesUpWithinTheTimeout(() -> atom.compareAndSet(41L, 42L));

        proxy.refuseConnections(false);
        assertThat(curator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        stm.run(txn -> ref.alter(x -> x + 1));
        assertThat(atom.swap(x -> x + 1))
                .as("nothing of the timed-out update applied")
                .isEqualTo(1L);
        Long inTxn = stm.atomically(txn -> ref.get());
        assertThat(inTxn).as("nothing of the timed-out transaction applied").isEqualTo(1L);
    }

    private static void assertGivesUpWithinTheTimeout(Runnable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run)
                .isInstanceOf(TransactionTimeoutException.class)
                .hasMessageContaining("timeout passed while waiting for ZooKeeper")
                .hasMessageContaining("Nothing was sent");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms)
                .as("gave up after the 1 s timeout, not the 10 s connection timeout")
                .isLessThan(CONNECTION_TIMEOUT_MS - 2_000);
    }
}
