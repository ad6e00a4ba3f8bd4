package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reads of cells on a real ZooKeeper: whatever the reply handler does, the caller gets an answer. */
class CellReaderTest {
    @RegisterExtension
    static final ZkHarness zk = ZkHarness.perClass();

    @Test
    void aReplyHandlerThatThrowsCompletesTheReadWithItsException() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        a.coordinator().open("one", CoordinatorFixture.bytes("1"));
        a.coordinator().open("two", CoordinatorFixture.bytes("2"));
        CellReader reader = new CellReader(new CellPaths(fx.namespace), 1 << 20, name -> 16);
        ZooKeeper handle = a.curator().getZookeeperClient().getZooKeeper();
        for (List<String> names : List.of(List.of("one"), List.of("one", "two"))) {
            var read = reader.read(handle, names, false, r -> {
                throw new IllegalStateException("handler failed");
            });
            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("handler failed");
        }
        var fine = reader.read(handle, List.of("one", "two"), false, r -> {});
        assertThat(fine.get(10, TimeUnit.SECONDS).values())
                .extracting(CoordinatorFixture::text)
                .containsExactly("1", "2");
    }

    @Test
    void cellsGrownByAnotherClientAreReadAfterOneLostConnectionNotALoopOfThem() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        Client b = fx.client();
        List<String> names = List.of("g1", "g2", "g3", "g4");
        for (String name : names) {
            a.coordinator().open(name, CoordinatorFixture.bytes("small"));
            b.coordinator().open(name, null); // b's cache knows them small
        }
        // grown by a, one commit each (together they would not fit one request): 4 x 300 KB is
        // over the 1 MiB a ZooKeeper client takes in one reply
        String big = "x".repeat(300 * 1024);
        long last = 0;
        for (String name : names) {
            Versioned now = a.coordinator().current(name);
            var committed = (dev.synod.stm.spi.CommitResult.Committed) a.coordinator()
                    .commit(new dev.synod.stm.spi.CommitRequest(
                            List.of(),
                            List.of(new dev.synod.stm.spi.CommitRequest.Write(
                                    name, now.version(), CoordinatorFixture.bytes(big + name))),
                            List.of()));
            last = committed.stamp();
        }
        // b's cache, which knew them small, catches up (its worker reads what the events name)
        long grown = last;
        CoordinatorFixture.await(() -> b.coordinator().readPoint() >= grown);
        for (String name : names) {
            assertThat(CoordinatorFixture.text(b.coordinator().current(name))).isEqualTo(big + name);
        }
        // c never opened them, so it knows no sizes: its first read of all four asks for one
        // reply of 1.2 MB, loses the connection once, and reads them one by one
        Client c = fx.client();
        List<ConnectionState> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        c.curator().getConnectionStateListenable().addListener((client, state) -> {
            if (state != ConnectionState.CONNECTED) {
                changes.add(state); // (the first connection's event may still be on its way)
            }
        });
        assertThat(c.coordinator().fetch(names))
                .extracting(CoordinatorFixture::text)
                .containsExactly(big + "g1", big + "g2", big + "g3", big + "g4");
        assertThat(changes)
                .as("the one lost connection")
                .containsExactly(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        // and reads of all four from now on go in parts that fit
        assertThat(c.coordinator().fetch(names)).hasSize(4);
        assertThat(c.coordinator().fetch(names)).hasSize(4);
        assertThat(changes).hasSize(2);
    }

    @Test
    void sizesOfSmallCellsTheHintDoesNotKnowAreRememberedOnceRead() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        a.coordinator().open("s0", CoordinatorFixture.bytes("0"));
        CellPaths paths = new CellPaths(fx.namespace);
        ZooKeeper handle = a.curator().getZookeeperClient().getZooKeeper();
        // 100 cells of 12 KB (each under the size remembered for large cells): 1.2 MB in one reply
        // is over the 1 MiB a ZooKeeper client takes
        byte[] twelveK = new byte[12 * 1024];
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "small" + i;
            handle.create(
                    paths.pathOf(name),
                    twelveK,
                    org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    org.apache.zookeeper.CreateMode.PERSISTENT);
            names.add(name);
        }
        List<ConnectionState> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        a.curator().getConnectionStateListenable().addListener((client, state) -> {
            if (state != ConnectionState.CONNECTED) {
                changes.add(state); // (the first connection's event may still be on its way)
            }
        });
        // a hint that never learns, as for cells this client has not opened
        CellReader reader = new CellReader(paths, 900_000, name -> 0);
        reader.read(handle, List.of("s0"), false, r -> {}).get(30, TimeUnit.SECONDS);
        assertThat(reader.rememberedSize("s0"))
                .as("a small cell that never made a read lose its connection")
                .isNull();
        assertThatThrownBy(() -> reader.read(handle, names, false, r -> {}).get(30, TimeUnit.SECONDS))
                .as("the first read: one reply over the limit")
                .hasCauseInstanceOf(org.apache.zookeeper.KeeperException.ConnectionLossException.class);
        CoordinatorFixture.await(() -> changes.contains(ConnectionState.RECONNECTED));
        assertThat(reader.read(handle, names, false, r -> {})
                        .get(30, TimeUnit.SECONDS)
                        .values())
                .as("the suspect cells, read alone")
                .allSatisfy(v -> assertThat(v.data()).hasSize(12 * 1024));
        assertThat(reader.rememberedSize("small7")).isEqualTo(12 * 1024);
        for (int round = 0; round < 3; round++) {
            assertThat(reader.read(handle, names, false, r -> {})
                            .get(30, TimeUnit.SECONDS)
                            .values())
                    .as("no longer suspect: read in parts sized from what was read")
                    .hasSize(100);
        }
        assertThat(changes)
                .as("the one lost connection")
                .containsExactly(ConnectionState.SUSPENDED, ConnectionState.RECONNECTED);
        handle.delete(paths.pathOf("small7"), -1);
        assertThat(reader.read(handle, List.of("small7"), false, r -> {})
                        .get(30, TimeUnit.SECONDS)
                        .values()
                        .get(0))
                .isNull();
        assertThat(reader.rememberedSize("small7"))
                .as("forgotten once found missing")
                .isNull();
    }

    @Test
    void aSplitReadVouchesOnlyForWhatItsFirstPartSaw() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture(zk);
        Client a = fx.client();
        a.coordinator().open("p1", CoordinatorFixture.bytes("1"));
        a.coordinator().open("p2", CoordinatorFixture.bytes("2"));
        ZooKeeper handle = a.curator().getZookeeperClient().getZooKeeper();
        CellReader whole = new CellReader(new CellPaths(fx.namespace), 1 << 20, name -> 16);
        CellReader.Result one =
                whole.read(handle, List.of("p2", "p1"), false, r -> {}).get(10, TimeUnit.SECONDS);
        assertThat(one.consistentStamp()).isEqualTo(one.maxStamp());
        // a budget that fits one cell per read: two reads, served in order
        CellReader parts = new CellReader(new CellPaths(fx.namespace), 300, name -> 16);
        CellReader.Result split =
                parts.read(handle, List.of("p2", "p1"), false, r -> {}).get(10, TimeUnit.SECONDS);
        long p1 = split.values().get(1).stamp();
        long p2 = split.values().get(0).stamp();
        assertThat(p2).isGreaterThan(p1);
        assertThat(split.maxStamp()).isEqualTo(p2);
        CellReader.Result reversed =
                parts.read(handle, List.of("p1", "p2"), false, r -> {}).get(10, TimeUnit.SECONDS);
        assertThat(reversed.consistentStamp()).as("the first part's stamp").isEqualTo(p1);
        assertThat(reversed.maxStamp()).isEqualTo(p2);
    }
}
