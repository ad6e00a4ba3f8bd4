package dev.synod.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.synod.stm.spi.RecordView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code synod ls}: every ref and atom with its kind, version, mzxid and size. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "List refs and atoms: name, kind, version, mzxid (zxid of the last change), size in bytes.")
final class LsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Ensemble ensemble;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    private record Line(String name, String kind, int version, long mzxid, int size) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Line> lines = new ArrayList<>();
        List<String> corrupt = new ArrayList<>();
        try (CuratorFramework client = ensemble.open()) {
            for (Cells.Cell cell : new Cells(client, ensemble).list()) {
                String kind;
                try {
                    RecordView view = cell.view();
                    kind = cell.kind(view);
                } catch (Failure f) {
                    kind = "corrupt";
                    corrupt.add(cell.name());
                }
                lines.add(new Line(
                        cell.name(), kind, cell.stat().getVersion(), cell.stat().getMzxid(), cell.bytes().length));
            }
        }
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (Line l : lines) {
                array.add(Json.object()
                        .put("name", l.name())
                        .put("kind", l.kind())
                        .put("version", l.version())
                        .put("mzxid", l.mzxid())
                        .put("size", l.size()));
            }
            out.println(Json.compact(array));
        } else if (lines.isEmpty()) {
            out.println("no refs or atoms in " + ensemble.namespace + " at " + ensemble.connect);
        } else {
            int width = Math.max(
                    4, lines.stream().mapToInt(l -> l.name().length()).max().orElse(4));
            String format = "%-" + width + "s  %-7s  %7s  %-14s  %7s%n";
            out.printf(format, "NAME", "KIND", "VERSION", "MZXID", "SIZE");
            for (Line l : lines) {
                out.printf(format, l.name(), l.kind(), l.version(), Json.hex(l.mzxid()), l.size());
            }
        }
        out.flush();
        if (!corrupt.isEmpty()) {
            throw new Failure(
                    Failure.CORRUPT,
                    "corrupt data in " + corrupt.size() + " cell(s): " + String.join(", ", corrupt)
                            + " (see: synod get NAME)");
        }
        return 0;
    }
}
