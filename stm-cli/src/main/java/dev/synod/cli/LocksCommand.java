package dev.synod.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.synod.locks.LockInspector;
import dev.synod.locks.internal.LockPaths;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synod locks [NAME]}: holders, waiters and fencing tokens of Synod locks. */
@Command(
        name = "locks",
        mixinStandardHelpOptions = true,
        description = "Show distributed locks: holders and waiters (session ids) with their fencing tokens"
                + " (the lock nodes' creation zxids).")
final class LocksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "only this lock")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<LockInspector.LockState> locks;
        if (name != null) {
            try {
                LockPaths.validateName(name); // before any wait for a connection
            } catch (IllegalArgumentException e) {
                throw new Failure(Failure.BAD_NAME, e.getMessage(), e);
            }
        }
        try (CuratorFramework client = ensemble.open()) {
            LockInspector inspector;
            try {
                inspector = new LockInspector(client, ensemble.namespace);
            } catch (IllegalArgumentException e) {
                throw new Failure(Failure.BAD_NAME, "bad namespace: " + e.getMessage(), e);
            }
            if (name == null) {
                locks = inspector.locks();
            } else {
                locks = List.of(inspector
                        .lock(name) // the name was checked above
                        .orElseThrow(() -> new Failure(
                                Failure.UNKNOWN_REF,
                                "no lock named '" + name + "' in " + ensemble.namespace + " at " + ensemble.connect
                                        + " (try: synod locks)")));
            }
        } catch (RuntimeException e) {
            throw ensemble.translate(e);
        }
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (LockInspector.LockState lock : locks) {
                ObjectNode o = array.addObject().put("name", lock.name());
                nodes(o.putArray("holders"), lock.holders());
                nodes(o.putArray("waiters"), lock.waiters());
            }
            out.println(Json.compact(array));
            return 0;
        }
        if (locks.isEmpty()) {
            out.println("no locks in " + ensemble.namespace + " at " + ensemble.connect);
            return 0;
        }
        for (LockInspector.LockState lock : locks) {
            out.printf(
                    "%s: %s%n",
                    lock.name(),
                    lock.holders().isEmpty()
                            ? "free"
                            : "held (" + lock.holders().size() + "), "
                                    + lock.waiters().size() + " waiting");
            for (LockInspector.LockNode n : lock.holders()) {
                out.printf(
                        "  holder  %-5s session 0x%x  fencing token %s%n",
                        kind(n), n.sessionId(), Json.hex(n.fencingToken()));
            }
            for (LockInspector.LockNode n : lock.waiters()) {
                out.printf(
                        "  waiter  %-5s session 0x%x  queued at     %s%n",
                        kind(n), n.sessionId(), Json.hex(n.fencingToken()));
            }
        }
        return 0;
    }

    private static String kind(LockInspector.LockNode n) {
        return n.exclusive() ? "write" : "read";
    }

    private static void nodes(ArrayNode array, List<LockInspector.LockNode> nodes) {
        for (LockInspector.LockNode n : nodes) {
            array.addObject()
                    .put("session", "0x" + Long.toHexString(n.sessionId()))
                    .put("exclusive", n.exclusive())
                    .put("fencingToken", n.fencingToken())
                    .put("path", n.path());
        }
    }
}
