package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Isolation;
import dev.synod.stm.LocalRef;
import dev.synod.stm.Ref;
import dev.synod.stm.TxnOptions;
import dev.synod.stm.ValidationException;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** commute, ensure, validators and local refs with several clients (sessions) on one ref. */
class CrossClientFeaturesTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void commuteFromThreeClientsIsExactAndNeverReRunsTheBody() throws Exception {
        StmFixture fx = new StmFixture(zk);
        List<Client> clients = List.of(fx.client(), fx.client(), fx.client());
        clients.get(0).stm().ref("commuted", LONG, 0L);
        AtomicInteger bodyRuns = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Client c : clients) {
                Ref<Long> counter = c.stm().ref("commuted", LONG);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        c.stm().run(txn -> {
                            bodyRuns.incrementAndGet();
                            counter.commute(x -> x + 1);
                        });
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Ref<Long> counter = clients.get(0).stm().ref("commuted", LONG);
        StmFixture.await(() -> counter.get() == 600L);
        assertThat(bodyRuns.get())
                .as("a conflict on a commuted ref re-applies the function only")
                .isEqualTo(600);
        long reapplies = clients.stream()
                .mapToLong(c -> c.stm().metrics().commuteReapplies())
                .sum();
        long conflicts =
                clients.stream().mapToLong(c -> c.stm().metrics().conflicts()).sum();
        assertThat(reapplies).isEqualTo(conflicts);
    }

    @Test
    void anEnsuredRefChangedByAnotherClientMakesTheTransactionRetry() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> x = a.stm().ref("x", LONG, 0L);
        Ref<Long> guard = a.stm().ref("y", LONG, 1L);
        Ref<Long> yb = b.stm().ref("y", LONG);
        CountDownLatch ensured = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> written = pool.submit(
                    () -> a.stm().atomically(TxnOptions.defaults().withIsolation(Isolation.SNAPSHOT), txn -> {
                        attempts.incrementAndGet();
                        long y = guard.ensure();
                        if (attempts.get() == 1) {
                            ensured.countDown();
                            changed.await(5, TimeUnit.SECONDS);
                        }
                        return x.set(y * 10);
                    }));
            assertThat(ensured.await(5, TimeUnit.SECONDS)).isTrue();
            b.stm().run(txn -> yb.set(2L));
            changed.countDown();
            assertThat(written.get(10, TimeUnit.SECONDS)).isEqualTo(20L);
        } finally {
            pool.shutdownNow();
        }
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(x.get()).isEqualTo(20L);
    }

    @Test
    void aValidatorGuardsItsClientsCommitsAndAThrowingOneReachesTheCaller() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("validated", LONG, 5L);
        Ref<Long> rb = b.stm().ref("validated", LONG);
        ra.setValidator(v -> v >= 0);
        assertThatThrownBy(() -> a.stm().run(txn -> ra.set(-1L))).isInstanceOf(ValidationException.class);
        assertThat(ra.get()).isEqualTo(5L);

        IllegalStateException boom = new IllegalStateException("boom");
        rb.setValidator(v -> {
            if (v == 13L) {
                throw boom;
            }
            return true;
        });
        assertThatThrownBy(() -> b.stm().run(txn -> rb.set(13L))).isSameAs(boom);
        b.stm().run(txn -> rb.set(7L));
        StmFixture.await(() -> ra.get() == 7L);
    }

    @Test
    void aLocalRefCommitsExactlyWithItsZooKeeperRefsUnderConflictsFromAnotherClient() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> shared = a.stm().ref("shared", LONG, 0L);
        Ref<Long> sharedB = b.stm().ref("shared", LONG);
        LocalRef<Long> mine = a.stm().localRef(0L);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> fa = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    a.stm().run(txn -> {
                        shared.alter(x -> x + 1);
                        mine.alter(x -> x + 1);
                    });
                }
            });
            Future<?> fb = pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    b.stm().run(txn -> sharedB.alter(x -> x + 1));
                }
            });
            fa.get();
            fb.get();
        } finally {
            pool.shutdownNow();
        }
        StmFixture.await(() -> shared.get() == 600L);
        assertThat(mine.get()).isEqualTo(300L);
        // the cache can run ahead of the read point: a snapshot gets there once it covers b's last commit
        StmFixture.await(() -> java.util.Arrays.equals(
                a.stm().atomically(txn -> new Long[] {shared.get(), mine.get()}), new Long[] {600L, 300L}));
    }
}
