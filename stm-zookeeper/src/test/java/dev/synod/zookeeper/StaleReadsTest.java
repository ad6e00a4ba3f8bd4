package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.CoordinationException;
import dev.synod.stm.LocalRef;
import dev.synod.stm.Ref;
import dev.synod.stm.StmClosedException;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads that send nothing (a read outside a transaction, a read-only transaction) are answered
 * from the cache only for {@code maxStaleness} after the connection is lost; and a caller-owned
 * client closed under the Stm stops reads as well as writes.
 */
class StaleReadsTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void readsFromTheCacheStopOnceTheConnectionIsLostForLongerThanTheLimit() throws Exception {
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        CuratorFramework cut = zk.client(proxy.connectString(), new RequestCounter(), 10_000, new RetryNTimes(0, 0));
        ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                .client(cut)
                .namespace("/stale-limit")
                .maxStaleness(Duration.ofMillis(300))
                .build());
        ZooKeeperStm other = zk.track(ZooKeeperStm.builder()
                .client(zk.client(new RequestCounter()))
                .namespace("/stale-limit")
                .build());
        Ref<Long> ref = stm.ref("r", LONG, 5L);
        Atom<Long> atom = stm.atom("a", LONG, 7L);
        assertThat(ref.get()).isEqualTo(5L);

        proxy.refuseConnections(true);
        proxy.dropConnections();
        StmFixture.await(() -> !cut.getZookeeperClient().isConnected());
        other.run(txn -> other.ref("r", LONG).set(6L)); // a commit this client cannot hear of

        StmFixture.await(() -> failsAsStale(ref::get));
        assertThatThrownBy(ref::get)
                .isInstanceOf(CoordinationException.class)
                .hasMessageContaining("/stale-limit")
                .hasMessageContaining("maxStaleness");
        assertThatThrownBy(atom::get).isInstanceOf(CoordinationException.class);
        assertThatThrownBy(() -> stm.atomically(txn -> ref.get() + atom.get()))
                .isInstanceOf(CoordinationException.class)
                .hasMessageContaining("has not been confirmed current");
        LocalRef<Long> local = stm.localRef(0L);
        assertThatThrownBy(() -> stm.run(txn -> local.set(ref.get())))
                .as("a transaction writing only local refs sends nothing either")
                .isInstanceOf(CoordinationException.class);
        assertThat(local.get()).isZero();

        proxy.refuseConnections(false);
        assertThat(cut.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        StmFixture.await(() -> !failsAsStale(ref::get) && ref.get() == 6L);
        assertThat((long) stm.atomically(txn -> ref.get() + atom.get()))
                .as("reads resume with the commit missed meanwhile")
                .isEqualTo(13L);
    }

    @Test
    void aShortLossWithinTheLimitKeepsServingTheCache() throws Exception {
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        CuratorFramework cut = zk.client(proxy.connectString(), new RequestCounter(), 10_000, new RetryNTimes(0, 0));
        // default limit: the client's connection timeout of 10 s
        ZooKeeperStm stm = zk.track(
                ZooKeeperStm.builder().client(cut).namespace("/stale-short").build());
        Ref<Long> ref = stm.ref("r", LONG, 5L);

        proxy.refuseConnections(true);
        proxy.dropConnections();
        StmFixture.await(() -> !cut.getZookeeperClient().isConnected());
        assertThat(ref.get()).isEqualTo(5L);
        assertThat((long) stm.atomically(txn -> ref.get())).isEqualTo(5L);
        proxy.refuseConnections(false);
    }

    @Test
    void aZeroLimitStopsReadsAsSoonAsTheConnectionIsLost() throws Exception {
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 1));
        CuratorFramework cut = zk.client(proxy.connectString(), new RequestCounter(), 10_000, new RetryNTimes(0, 0));
        ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                .client(cut)
                .namespace("/stale-zero")
                .maxStaleness(Duration.ZERO)
                .build());
        Ref<Long> ref = stm.ref("r", LONG, 5L);
        proxy.refuseConnections(true);
        proxy.dropConnections();
        StmFixture.await(() -> !cut.getZookeeperClient().isConnected());
        StmFixture.await(() -> failsAsStale(ref::get)); // as soon as the cache hears of the loss
        proxy.refuseConnections(false);
        assertThat(cut.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        StmFixture.await(() -> !failsAsStale(ref::get));
        assertThat(ref.get()).isEqualTo(5L);
    }

    @Test
    void aCallerOwnedClientClosedUnderTheStmStopsReadsToo() throws Exception {
        CuratorFramework curator = zk.client(new RequestCounter());
        ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                .client(curator)
                .namespace("/closed-under")
                .build());
        Ref<Long> ref = stm.ref("r", LONG, 5L);
        Atom<Long> atom = stm.atom("a", LONG, 7L);
        assertThat(ref.get()).isEqualTo(5L);

        curator.close();

        assertThatThrownBy(ref::get).isInstanceOf(StmClosedException.class).hasMessageContaining("CuratorFramework");
        assertThatThrownBy(atom::get).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.atomically(txn -> ref.get())).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.run(txn -> ref.alter(x -> x + 1))).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> ref.addWatch("w", (k, r, o, n) -> {})).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> atom.setValidator(v -> true)).isInstanceOf(StmClosedException.class);
        assertThatThrownBy(() -> stm.ref("other", LONG, 1L)).isInstanceOf(StmClosedException.class);
        stm.close(); // still closes quietly
    }

    @Test
    void aLimitTooLongForNanosecondsMeansNoLimit() throws Exception {
        ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                .client(zk.client(new RequestCounter()))
                .namespace("/stale-forever")
                .maxStaleness(java.time.temporal.ChronoUnit.FOREVER.getDuration())
                .build());
        assertThat(stm.ref("r", LONG, 5L).get()).isEqualTo(5L);
    }

    @Test
    void theLimitIsValidated() {
        assertThatThrownBy(() -> ZooKeeperStm.builder().maxStaleness(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("maxStaleness");
        assertThatThrownBy(() -> ZooKeeperStm.builder().maxStaleness(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxStaleness");
    }

    private static boolean failsAsStale(Runnable read) {
        try {
            read.run();
            return false;
        } catch (CoordinationException e) {
            return true;
        }
    }
}
