package dev.synod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.synod.stm.spi.RecordView;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code synod watch NAME}: prints every change of a ref or atom with its old and new value, as it
 * happens. A persistent ZooKeeper watch on the cell's znode wakes the command, which then reads
 * the znode: changes that follow each other faster than one read may be seen as one (the old value
 * is always the one printed before). Runs until Ctrl-C, or until {@code --count} changes. If the
 * connection to ZooKeeper is lost it says so on stderr, once, and waits; when the connection is
 * back it says so and reads the cell again, so changes made meanwhile show (as one change).
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "Print each change of a ref or atom (old and new value) as it happens, until Ctrl-C or --count.")
final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print one JSON object per change")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "stop after N changes")
    Integer count;

    @Parameters(paramLabel = "NAME", description = "ref or atom name")
    String name;

    /** What was last printed: the version and value (null value after a deletion). */
    private record Seen(long czxid, int version, JsonNode value) {}

    @Override
    public Integer call() throws Exception {
        if (count != null && count < 1) {
            throw new Failure(Failure.USAGE, "--count must be at least 1 but was " + count);
        }
        String canonical = Cells.validName(name);
        PrintWriter out = spec.commandLine().getOut();
        try (CuratorFramework client = ensemble.open()) {
            Cells cells = new Cells(client, ensemble);
            BlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>();
            client.getConnectionStateListenable()
                    .addListener(outages(spec.commandLine().getErr()));
            try (PersistentWatcher watcher = new PersistentWatcher(client, cells.pathOf(canonical), false)) {
                watcher.getListenable().addListener(event -> wakeUps.add(Boolean.TRUE));
                watcher.getResetListenable().addListener(() -> wakeUps.add(Boolean.TRUE));
                watcher.start();
                Seen seen = read(cells, canonical);
                if (seen.value() == null) {
                    throw cells.unknown(canonical);
                }
                if (json) {
                    out.println(Json.compact(Json.object()
                            .put("name", canonical)
                            .put("event", "watching")
                            .put("version", seen.version())
                            .<ObjectNode>set("value", seen.value())));
                } else {
                    out.printf(
                            "watching %s (version %d): %s; Ctrl-C to stop%n",
                            canonical, seen.version(), Json.compact(seen.value()));
                }
                int changes = 0;
                // checkError flushes; it turns true once nobody reads our output any more
                while ((count == null || changes < count) && !out.checkError()) {
                    wakeUps.take();
                    wakeUps.clear();
                    Seen now;
                    try {
                        now = read(cells, canonical);
                    } catch (Failure f) {
                        if (f.exitCode() != Failure.CANNOT_CONNECT) {
                            throw f;
                        }
                        continue; // lost again meanwhile: the watcher's reset wakes us up
                    }
                    if (same(seen, now)) {
                        continue;
                    }
                    print(out, canonical, seen, now);
                    seen = now;
                    changes++;
                }
            }
        }
        return 0;
    }

    /**
     * Tells the user, on stderr, when the connection is lost and when it is back (once each per
     * outage). Reading the cell again after a reconnection needs nothing here: the watcher adds
     * its watch again then, and its reset listener wakes the loop.
     */
    private ConnectionStateListener outages(PrintWriter err) {
        AtomicBoolean down = new AtomicBoolean();
        return (c, state) -> {
            if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                if (down.compareAndSet(false, true)) {
                    err.println("synod: lost the connection to ZooKeeper at " + ensemble.connect
                            + "; waiting for it (changes made meanwhile show once it is back)");
                    err.flush();
                }
            } else if (state.isConnected()) {
                if (down.compareAndSet(true, false)) {
                    err.println("synod: connected to ZooKeeper at " + ensemble.connect + " again");
                    err.flush();
                }
            }
        };
    }

    private static boolean same(Seen a, Seen b) {
        if (a.value() == null || b.value() == null) {
            return a.value() == b.value();
        }
        return a.czxid() == b.czxid() && a.version() == b.version();
    }

    /** The current state; a cell that does not exist (or no longer) has a null value. */
    private static Seen read(Cells cells, String name) {
        try {
            Cells.Cell cell = cells.read(name);
            RecordView view = cell.view();
            return new Seen(cell.stat().getCzxid(), cell.stat().getVersion(), Json.value(view, view.value()));
        } catch (Failure f) {
            if (f.exitCode() == Failure.UNKNOWN_REF) {
                return new Seen(0, -1, null);
            }
            throw f;
        }
    }

    private void print(PrintWriter out, String name, Seen before, Seen now) {
        String event = now.value() == null ? "deleted" : before.value() == null ? "created" : "changed";
        if (json) {
            ObjectNode o = Json.object().put("name", name).put("event", event).put("version", now.version());
            o.set("old", before.value() == null ? NullNode.getInstance() : before.value());
            o.set("new", now.value() == null ? NullNode.getInstance() : now.value());
            out.println(Json.compact(o));
        } else {
            String old = before.value() == null ? "(none)" : Json.compact(before.value());
            String neu = now.value() == null ? "(deleted)" : Json.compact(now.value());
            out.printf(
                    "%s  %s %-7s version %d: %s -> %s%n",
                    LocalTime.now().truncatedTo(ChronoUnit.MILLIS), name, event, now.version(), old, neu);
        }
        out.flush();
    }
}
