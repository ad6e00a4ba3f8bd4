package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.zookeeper.internal.CoordinatorFixture.Client;
import dev.synod.zookeeper.testing.ZkHarness;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
}
