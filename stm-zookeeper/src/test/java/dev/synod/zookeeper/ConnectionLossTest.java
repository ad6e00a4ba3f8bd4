package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Atom;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.TcpProxy;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Connections cut in the middle of commits: the outcome of a commit whose reply was lost is
 * resolved by reading back the transaction id, never by sending it again. None lost, none doubled.
 */
class ConnectionLossTest {
    /** Requests at least this large carry a record: commits (reads and pings are smaller). */
    private static final int COMMIT_BYTES = 100;

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void aThousandIncrementsThroughADroppingConnectionCountExactlyAThousand() throws Exception {
        StmFixture fx = new StmFixture(zk);
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 2));
        Client direct = fx.client();
        Client flaky = fx.client(proxy.connectString());
        Ref<Long> counter = direct.stm().ref("counter", LONG, 0L);
        Ref<Long> flakyCounter = flaky.stm().ref("counter", LONG);

        runWithDrops(proxy, () -> flaky.stm().run(txn -> flakyCounter.alter(x -> x + 1)));
        // Another client's read-only transaction reads a recent snapshot, not necessarily the
        // latest: it gets to 1,000 (a lost increment would leave it below, a doubled one above,
        // forever) once its read point covers the last commit.
        StmFixture.await(() -> direct.stm().atomically(txn -> counter.get()) == 1_000L);
        StmFixture.await(() -> counter.get() == 1_000L);
        StmFixture.await(() -> flakyCounter.get() == 1_000L);
        LoggerFactory.getLogger(ConnectionLossTest.class)
                .info(
                        "drops={} metrics={} requests={}",
                        proxy.drops(),
                        flaky.stm().metrics(),
                        flaky.requests().snapshot());
        assertThat(proxy.drops()).isGreaterThan(10);
        assertThat(flaky.stm().metrics().outcomeResolutions())
                .as("commits whose reply was lost")
                .isGreaterThanOrEqualTo(proxy.drops() / 2);
    }

    @Test
    void aThousandAtomSwapsThroughADroppingConnectionCountExactlyAThousand() throws Exception {
        StmFixture fx = new StmFixture(zk);
        TcpProxy proxy = zk.track(new TcpProxy(zk.server().getPort(), 2));
        Client direct = fx.client();
        Client flaky = fx.client(proxy.connectString());
        Atom<Long> counter = direct.stm().atom("atom-counter", LONG, 0L);
        Atom<Long> flakyCounter = flaky.stm().atom("atom-counter", LONG);
        runWithDrops(proxy, () -> flakyCounter.swap(x -> x + 1));
        StmFixture.await(() -> counter.get() == 1_000L);
        StmFixture.await(() -> flakyCounter.get() == 1_000L);
        assertThat(proxy.drops()).isGreaterThan(10);
        assertThat(flaky.stm().metrics().outcomeResolutions())
                .as("updates whose reply was lost")
                .isGreaterThanOrEqualTo(proxy.drops() / 2);
    }

    /**
     * Runs {@code increment} 1,000 times while another thread keeps cutting the connection on the
     * next commit once a few dozen have gone through, alternating: the commit applied with its
     * reply lost, or lost before it arrives.
     */
    private static void runWithDrops(TcpProxy proxy, Runnable increment) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger done = new AtomicInteger();
        Thread dropper = new Thread(() -> {
            boolean forwardFirst = true;
            while (running.get()) {
                // once commits flow again, cut the next one: applied with its reply lost, or lost
                // before it arrives
                int from = done.get();
                while (running.get()
                        && done.get() < from + ThreadLocalRandom.current().nextInt(35, 70)) {
                    Thread.onSpinWait();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                long drops = proxy.drops();
                proxy.dropOnNextRequest(COMMIT_BYTES, forwardFirst);
                forwardFirst = !forwardFirst;
                while (running.get() && proxy.drops() == drops) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        dropper.start();
        try {
            for (int i = 0; i < 1_000; i++) {
                increment.run();
                done.incrementAndGet();
            }
        } finally {
            running.set(false);
            dropper.interrupt();
            dropper.join();
        }
    }
}
