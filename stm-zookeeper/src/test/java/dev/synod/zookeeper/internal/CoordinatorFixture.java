package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.ChangeListener;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.Versioned;
import dev.synod.zookeeper.testing.RequestCounter;
import dev.synod.zookeeper.testing.ZkHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;

/** Coordinators (each its own session) on one test server, in a namespace of their own. */
final class CoordinatorFixture implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    final ZkHarness zk;
    final String namespace = "/test" + NAMESPACES.incrementAndGet();

    CoordinatorFixture(ZkHarness zk) {
        this.zk = zk;
    }

    /** A coordinator on a client of its own, and the counter of that client's requests. */
    record Client(ZkCoordinator coordinator, CuratorFramework curator, RequestCounter requests) {}

    Client client() throws InterruptedException {
        return client(zk.connectString());
    }

    /** As {@link #client()}, connecting to {@code connectString} (a proxy, say). */
    Client client(String connectString) throws InterruptedException {
        RequestCounter counter = new RequestCounter();
        CuratorFramework curator = zk.client(connectString, counter);
        ZkCoordinator c = zk.track(new ZkCoordinator(curator, false, namespace));
        return new Client(c, curator, counter);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Versioned v) {
        return new String(v.data(), StandardCharsets.UTF_8);
    }

    static CommitRequest writes(Versioned... cells) {
        List<CommitRequest.Write> writes = new ArrayList<>();
        for (Versioned v : cells) {
            writes.add(new CommitRequest.Write(v.name(), v.version(), bytes(text(v) + "+")));
        }
        return new CommitRequest(List.of(), writes, List.of());
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    /** Records every notification. */
    static final class Recorder implements ChangeListener {
        final List<Versioned[]> changes = new CopyOnWriteArrayList<>();
        final List<String> deletes = new CopyOnWriteArrayList<>();

        @Override
        public void onChange(Versioned previous, Versioned current) {
            changes.add(new Versioned[] {previous, current});
        }

        @Override
        public void onDelete(String name) {
            deletes.add(name);
        }

        List<Versioned[]> of(String name) {
            return changes.stream().filter(c -> c[1].name().equals(name)).toList();
        }
    }

    @Override
    public void close() {
        // clients are closed by the harness
    }
}
