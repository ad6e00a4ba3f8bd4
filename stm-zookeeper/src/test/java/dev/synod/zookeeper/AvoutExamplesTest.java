package dev.synod.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Avout's README examples, in Java, across clients. */
class AvoutExamplesTest {
    private static final Codec<Integer> INT = Codec.json(Integer.class);
    private static final Codec<List<Integer>> INTS = Codec.json(new TypeReference<List<Integer>>() {});
    private static final Codec<Set<String>> NAMES = Codec.json(new TypeReference<Set<String>>() {});

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void helloWorldAltersR0AndR1Together() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Integer> r0 = a.stm().ref("r0", INT, 0);
        Ref<List<Integer>> r1 = a.stm().ref("r1", INTS, List.of());
        a.stm().run(txn -> {
            r0.alter(x -> x + 1);
            r1.alter(list -> append(list, r0.get()));
        });
        assertThat(r0.get()).isEqualTo(1);
        assertThat(r1.get()).containsExactly(1);

        Ref<Integer> r0b = b.stm().ref("r0", INT);
        Ref<List<Integer>> r1b = b.stm().ref("r1", INTS);
        b.stm().run(txn -> {
            r0b.alter(x -> x + 1);
            r1b.alter(list -> append(list, r0b.get()));
        });
        StmFixture.await(() -> r1.get().size() == 2);
        assertThat(r0.get()).isEqualTo(2);
        assertThat(r1.get()).containsExactly(1, 2);
    }

    @Test
    void aMemberMovedBetweenGroupsIsNeverInBothAndNeverInNeither() throws Exception {
        StmFixture fx = new StmFixture(zk);
        int movers = 3;
        int movesEach = 150;
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < movers + 1; i++) {
            clients.add(fx.client());
        }
        clients.get(0).stm().ref("group-a", NAMES, Set.of("alice", "bob", "carol"));
        clients.get(0).stm().ref("group-b", NAMES, Set.of());

        AtomicBoolean moving = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(movers + 1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int m = 0; m < movers; m++) {
                Client c = clients.get(m + 1);
                Ref<Set<String>> ga = c.stm().ref("group-a", NAMES);
                Ref<Set<String>> gb = c.stm().ref("group-b", NAMES);
                String member = List.of("alice", "bob", "carol").get(m);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < movesEach; i++) {
                        c.stm().run(txn -> {
                            boolean inA = ga.get().contains(member);
                            Ref<Set<String>> from = inA ? ga : gb;
                            Ref<Set<String>> to = inA ? gb : ga;
                            from.alter(s -> without(s, member));
                            to.alter(s -> with(s, member));
                        });
                    }
                }));
            }
            Client observer = clients.get(0);
            Ref<Set<String>> ga = observer.stm().ref("group-a", NAMES);
            Ref<Set<String>> gb = observer.stm().ref("group-b", NAMES);
            Future<Integer> checks = pool.submit(() -> {
                int n = 0;
                while (moving.get()) {
                    List<Set<String>> both = observer.stm().atomically(txn -> List.of(ga.get(), gb.get()));
                    assertPartition(both.get(0), both.get(1));
                    n++;
                }
                return n;
            });
            for (Future<?> f : done) {
                f.get();
            }
            moving.set(false);
            assertThat(checks.get()).isPositive();
            Ref<Set<String>> fa = clients.get(1).stm().ref("group-a", NAMES);
            Ref<Set<String>> fb = clients.get(1).stm().ref("group-b", NAMES);
            // every member moved an even number of times: back in group a. Client 1's snapshot is
            // recent, not necessarily the latest (another mover may have committed last): every
            // snapshot is a partition, and one covering the last move has everybody in group a.
            StmFixture.await(() -> {
                List<Set<String>> last = clients.get(1).stm().atomically(txn -> List.of(fa.get(), fb.get()));
                assertPartition(last.get(0), last.get(1));
                return last.get(0).equals(Set.of("alice", "bob", "carol"));
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertPartition(Set<String> a, Set<String> b) {
        Set<String> union = new TreeSet<>(a);
        union.addAll(b);
        assertThat(union).as("never in neither").containsExactly("alice", "bob", "carol");
        assertThat(a.size() + b.size()).as("never in both: " + a + " " + b).isEqualTo(3);
    }

    private static <T> List<T> append(List<T> list, T value) {
        List<T> out = new ArrayList<>(list);
        out.add(value);
        return List.copyOf(out);
    }

    private static Set<String> with(Set<String> s, String member) {
        Set<String> out = new TreeSet<>(s);
        out.add(member);
        return Set.copyOf(out);
    }

    private static Set<String> without(Set<String> s, String member) {
        Set<String> out = new TreeSet<>(s);
        out.remove(member);
        return Set.copyOf(out);
    }
}
