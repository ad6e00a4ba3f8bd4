package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.Ref;
import dev.synod.stm.StmInterruptedException;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thread interrupted while Synod waits for ZooKeeper (no connection) gets {@link
 * StmInterruptedException} at once, with its interrupt flag still set, and nothing is applied.
 */
class InterruptTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void waitsForAConnectionEndOnInterrupt() throws Exception {
        StmFixture fixture = new StmFixture(zk);
        try (TcpProxy proxy = new TcpProxy(zk.server().getPort(), 1)) {
            StmFixture.Client client = fixture.client(proxy.connectString());
            Ref<Long> ref = client.stm().ref("r", LONG, 0L);
            Atom<Long> atom = client.stm().atom("a", LONG, 0L);
            proxy.refuseConnections(true);
            proxy.dropConnections();
            StmFixture.await(() -> !client.curator().getZookeeperClient().isConnected());

            assertInterrupted(stm -> atom.swap(x -> x + 1));
            assertInterrupted(stm -> client.stm().run(txn -> ref.alter(x -> x + 1)));
            assertInterrupted(stm -> client.stm().ref("opened-while-down", LONG, 0L));
            // a value the cache does not hold: decided on a read, retried under Curator's policy
            assertInterrupted(stm -> atom.compareAndSet(41L, 42L));

            proxy.refuseConnections(false);
            StmFixture.await(() -> client.curator().getZookeeperClient().isConnected());
            StmFixture.Client direct = fixture.client();
            assertThat(direct.stm().ref("r", LONG).get()).isZero();
            assertThat(direct.stm().atom("a", LONG).get()).isZero();
        }
    }

    @Test
    void anOpenOnAnInterruptedThreadSendsNothing() throws Exception {
        StmFixture fixture = new StmFixture(zk);
        StmFixture.Client client = fixture.client();
        client.requests().reset();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> client.stm().ref("never", LONG, 0L))
                    .isInstanceOf(dev.synod.stm.StmInterruptedException.class)
                    .hasMessageContaining("nothing was sent");
            assertThat(Thread.currentThread().isInterrupted()).as("flag kept").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(client.requests().total()).isZero();
        assertThatThrownBy(() -> fixture.client().stm().ref("never", LONG))
                .isInstanceOf(dev.synod.stm.NoSuchRefException.class);
    }

    @Test
    void anInterruptDuringCuratorsPauseBetweenRetriesIsAnInterruptToo() throws Exception {
        try (TcpProxy proxy = new TcpProxy(zk.server().getPort(), 1)) {
            // a short wait for a connection, then long pauses between retries: the interrupt below
            // lands in such a pause, where Curator stops and rethrows the connection loss
            org.apache.curator.framework.CuratorFramework curator = zk.client(
                    proxy.connectString(),
                    new dev.synod.zookeeper.testing.RequestCounter(),
                    200,
                    new org.apache.curator.retry.RetryNTimes(5, 3_000));
            try (ZooKeeperStm stm = zk.track(ZooKeeperStm.builder()
                    .client(curator)
                    .namespace("/interrupt-retry")
                    .build())) {
                Atom<Long> atom = stm.atom("a", LONG, 0L);
                proxy.refuseConnections(true);
                proxy.dropConnections();
                StmFixture.await(() -> !curator.getZookeeperClient().isConnected());
                // compareAndSet with a value the cache does not hold reads the atom, under the retry policy
                assertInterrupted(unused -> atom.compareAndSet(41L, 42L), 1_000);
            }
        }
    }

    private static void assertInterrupted(Consumer<Void> call) throws Exception {
        assertInterrupted(call, 300);
    }

    /** Runs {@code call} in a thread, interrupts it after {@code afterMs}, and checks how it ended. */
    private static void assertInterrupted(Consumer<Void> call, long afterMs) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                call.accept(null);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
            flag.complete(Thread.currentThread().isInterrupted());
        });
        t.start();
        Thread.sleep(afterMs);
        long interruptedAt = System.nanoTime();
        t.interrupt();
        Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - interruptedAt);
        assertThat(thrown).isInstanceOf(StmInterruptedException.class);
        assertThat(flag.get(1, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
        // well before the 5 s connection timeout that would otherwise end the wait
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        t.join(5_000);
    }
}
