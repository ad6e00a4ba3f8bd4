package dev.synod.zookeeper;

import static dev.synod.zookeeper.StmFixture.LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.Ref;
import dev.synod.stm.ValueTooLargeException;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.zookeeper.StmFixture.Client;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Values over the limit, garbage in a znode, invalid names: clear errors, nothing broken. */
class BadInputTest {
    private static final Codec<String> TEXT = Codec.json(String.class);

    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void aValueOverTheLimitFailsBeforeAnythingIsSent() throws Exception {
        Client a = new StmFixture(zk).client();
        Ref<String> doc = a.stm().ref("doc", TEXT, "small");
        Atom<String> atom = a.stm().atom("atom", TEXT, "small");
        String huge = "x".repeat(1_100_000);
        a.requests().reset();
        assertThatThrownBy(() -> a.stm().run(txn -> doc.set(huge)))
                .isInstanceOfSatisfying(ValueTooLargeException.class, e -> {
                    assertThat(e.refName()).isEqualTo("doc");
                    assertThat(e.size()).isGreaterThan(1_100_000);
                    assertThat(e.limit()).isEqualTo(0xfffff - 4096);
                })
                .hasMessageContaining("'doc'")
                .hasMessageContaining("external back-end");
        assertThatThrownBy(() -> a.stm().ref("born-too-big", TEXT, huge)).isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> atom.swap(s -> huge)).isInstanceOf(ValueTooLargeException.class);
        assertThat(a.requests().snapshot()).as("requests").isEmpty();
        assertThat(doc.get()).isEqualTo("small");
    }

    @Test
    void invalidNamesFailBeforeAnythingIsSent() throws Exception {
        Client a = new StmFixture(zk).client();
        a.requests().reset();
        for (String bad : new String[] {"", "a//b", "a:b", "sp ace", "../up", "x/."}) {
            assertThatThrownBy(() -> a.stm().ref(bad, LONG, 0L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid name");
        }
        assertThat(a.requests().total()).isZero();
    }

    @Test
    void garbageInAnAtomsZnodeIsReportedByReadsAndChangesAndDestroyRemovesIt() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Atom<Long> atom = a.stm().atom("spoilt", LONG, 1L);
        b.curator().setData().forPath(fx.namespace + "/cells/spoilt", "garbage!".getBytes(StandardCharsets.UTF_8));
        StmFixture.await(() -> {
            try {
                atom.get();
                return false;
            } catch (CorruptRecordException e) {
                return true;
            }
        });
        assertThatThrownBy(atom::get).isInstanceOf(CorruptRecordException.class).hasMessageContaining("spoilt");
        assertThatThrownBy(() -> atom.swap(x -> x + 1)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> atom.reset(5L)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> atom.compareAndSet(1L, 2L)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> b.stm().atom("spoilt", LONG, 1L)).isInstanceOf(CorruptRecordException.class);

        atom.destroy();
        Atom<Long> again = fx.client().stm().atom("spoilt", LONG, 3L);
        assertThat(again.swap(x -> x + 1)).isEqualTo(4L);
    }

    @Test
    void anAtomValueItsCodecCannotDecodeIsReportedAsCorrupt() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        a.stm().atom("text", TEXT, "not a number");
        // opening decodes the value: it is reported there, naming the cell and the codec
        assertThatThrownBy(() -> b.stm().atom("text", LONG))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("/cells/text")
                .hasMessageContaining("Long");
    }

    @Test
    void garbageInAZnodeIsReportedWithItsNameAndTheCacheKeepsWorking() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> victim = a.stm().ref("victim", LONG, 1L);
        Ref<Long> other = a.stm().ref("other", LONG, 1L);
        Ref<Long> otherB = b.stm().ref("other", LONG);

        // someone else writes into the cell's znode
        b.curator().setData().forPath(fx.namespace + "/cells/victim", "garbage!".getBytes(StandardCharsets.UTF_8));
        StmFixture.await(() -> {
            try {
                victim.get();
                return false;
            } catch (CorruptRecordException e) {
                return true;
            }
        });
        assertThatThrownBy(victim::get)
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("victim")
                .hasMessageContaining(fx.namespace);
        assertThatThrownBy(() -> a.stm().run(txn -> victim.alter(x -> x + 1)))
                .isInstanceOf(CorruptRecordException.class);

        // the cache worker lives on: other refs still follow remote commits
        b.stm().run(txn -> otherB.set(42L));
        StmFixture.await(() -> other.get() == 42L);
        a.stm().run(txn -> other.alter(x -> x + 1));
        StmFixture.await(() -> otherB.get() == 43L);
    }

    @Test
    void theCacheWorkerSurvivesAThrowingWatch() throws Exception {
        StmFixture fx = new StmFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        Ref<Long> ra = a.stm().ref("watched", LONG, 0L);
        Ref<Long> rb = b.stm().ref("watched", LONG);
        ra.addWatch("bad", (k, ref, o, n) -> {
            throw new IllegalStateException("a watch that throws");
        });
        for (long i = 1; i <= 3; i++) {
            long v = i;
            b.stm().run(txn -> rb.set(v));
            StmFixture.await(() -> ra.get() == v);
        }
    }

    @Test
    void requestCounterSeesNothingForRefsAlreadyOpen() throws Exception {
        Client a = new StmFixture(zk).client();
        a.stm().ref("open-once", LONG, 1L);
        RequestCounter counter = a.requests();
        counter.reset();
        Ref<Long> again = a.stm().ref("open-once", LONG);
        assertThat(again.get()).isEqualTo(1L);
        assertThat(counter.writes()).isZero();
    }

    @Test
    void aCommitGuardZooKeeperCannotCheckFailsBeforeAnythingIsSent() throws Exception {
        Client a = new StmFixture(zk).client();
        Ref<Long> r = a.stm().ref("guarded", LONG, 0L);
        for (CommitGuard bad : new CommitGuard[] {
            new CommitGuard("no-slash", CommitGuard.ANY_VERSION, "lock 'relative'"),
            new CommitGuard("/a//b", CommitGuard.ANY_VERSION, "lock 'double'"),
            new CommitGuard("/synod", Integer.MAX_VALUE + 1L, "lock 'huge'")
        }) {
            a.requests().reset();
            assertThatThrownBy(() -> a.stm().run(txn -> {
                        txn.guard(bad);
                        r.set(1L);
                    }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.description());
            assertThat(a.requests().total()).as(bad.description()).isZero();
        }
        assertThat(r.get()).isZero();
    }
}
