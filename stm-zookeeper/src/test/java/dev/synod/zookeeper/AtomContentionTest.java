package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.Atom;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Avout's atom hung with two processes; ours is a compare-and-set on the znode version. */
class AtomContentionTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void fourClientsSwappingTwoThousandTimesEachCountEightThousand() throws Exception {
        StmFixture fx = new StmFixture(zk);
        List<Atom<Long>> atoms = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Client c = fx.client();
            atoms.add(i == 0 ? c.stm().atom("hits", LONG, 0L) : c.stm().atom("hits", LONG));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Atom<Long> atom : atoms) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        atom.swap(x -> x + 1);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Atom<Long> atom : atoms) {
            StmFixture.await(() -> atom.get() == 8_000L);
        }
        assertThat(atoms.get(0).get()).isEqualTo(8_000L);
    }

    @Test
    void threadsOfOneClientTakeTurnsInsteadOfRacingEachOther() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client c = fx.client();
        Atom<Long> atom = c.stm().atom("local-hits", LONG, 0L);
        c.requests().reset();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        atom.swap(x -> x + 1);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(atom.get()).isEqualTo(2_000L);
        assertThat(c.stm().metrics().atomConflicts())
                .as("no thread lost a race to another thread of its client")
                .isZero();
        assertThat(c.requests().snapshot())
                .as("one write per swap, and nothing else: each starts from the state the last one wrote")
                .isEqualTo(java.util.Map.of("setData", 2_000L));
    }
}
