package dev.synod.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.synod.stm.spi.RecordView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synod get NAME}: one ref or atom with its value, version, zxid and history. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Show a ref or atom: value (JSON), version, mzxid, writer, the history of earlier values and"
                + " the turns claimed on it.")
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print a JSON object")
    boolean json;

    @Parameters(paramLabel = "NAME", description = "ref or atom name, e.g. accounts/alice")
    String name;

    @Override
    public Integer call() {
        Cells.validName(name);
        PrintWriter out = spec.commandLine().getOut();
        try (CuratorFramework client = ensemble.open()) {
            Cells.Cell cell = new Cells(client, ensemble).read(name);
            RecordView view = cell.view();
            ObjectNode o = describe(cell, view);
            if (json) {
                out.println(Json.compact(o));
            } else {
                print(out, o);
            }
        }
        return 0;
    }

    static ObjectNode describe(Cells.Cell cell, RecordView view) {
        ObjectNode o = Json.object()
                .put("name", cell.name())
                .put("kind", cell.kind(view))
                .put("version", cell.stat().getVersion())
                .put("mzxid", cell.stat().getMzxid())
                .put("external", view.external())
                .put("writer", view.writer())
                // the cell's children are the turns claimed on it (see the stm-zookeeper README)
                .put("turns", cell.stat().getNumChildren());
        o.set("value", Json.value(view, view.value()));
        ArrayNode history = o.putArray("history");
        for (RecordView.HistoryEntry h : view.history()) {
            ObjectNode e = history.addObject().put("zxid", h.stamp()).put("writer", h.writer());
            if (!view.atom()) {
                e.set("value", Json.value(view, h.value()));
            }
        }
        return o;
    }

    private static void print(PrintWriter out, ObjectNode o) {
        out.printf("name     %s%n", o.get("name").asText());
        out.printf("kind     %s%s%n", o.get("kind").asText(), o.get("external").asBoolean() ? " (external value)" : "");
        out.printf("value    %s%n", Json.compact(o.get("value")));
        out.printf("version  %d%n", o.get("version").asInt());
        out.printf("mzxid    %s%n", Json.hex(o.get("mzxid").asLong()));
        out.printf("writer   %s%n", o.get("writer").asText());
        int turns = o.get("turns").asInt();
        if (turns > 0) {
            out.printf(
                    "turns    %d claimed (clients that kept losing asked for a turn: other commits of this %s wait,"
                            + " for a few seconds at most)%n",
                    turns, o.get("kind").asText());
        }
        ArrayNode history = (ArrayNode) o.get("history");
        if (history.isEmpty()) {
            out.printf("history  none%n");
            return;
        }
        out.printf("history  %d earlier value(s), newest first%n", history.size());
        for (var h : history) {
            out.printf(
                    "  %-14s %s  by %s%n",
                    Json.hex(h.get("zxid").asLong()),
                    h.has("value") ? Json.compact(h.get("value")) : "-",
                    h.get("writer").asText());
        }
    }
}
