package dev.synod.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.spi.RecordView;
import dev.synod.zookeeper.ZooKeeperStm;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;

/**
 * Changes an atom through the engine (a compare-and-set on its stored version, retried on
 * conflict) and prints the old and new value. Shared by {@code swap} and {@code reset}.
 */
final class AtomEdit {
    private AtomEdit() {}

    static int apply(Ensemble ensemble, String name, boolean json, PrintWriter out, UnaryOperator<JsonNode> fn) {
        String canonical = Cells.validName(name);
        try (CuratorFramework client = ensemble.open()) {
            Cells.Cell cell = new Cells(client, ensemble).read(canonical);
            RecordView view = cell.view();
            if (!view.atom()) {
                throw new Failure(
                        Failure.UNKNOWN_REF,
                        "no atom named '" + canonical + "': it is a ref (refs change in transactions, not with swap"
                                + " or reset)");
            }
            if (view.external()) {
                throw new Failure(
                        Failure.USAGE,
                        "atom '" + canonical + "' keeps its value in an external store: change it there");
            }
            AtomicReference<JsonNode> old = new AtomicReference<>();
            JsonNode now;
            try (ZooKeeperStm stm = ZooKeeperStm.builder()
                    .client(client)
                    .namespace(ensemble.namespace)
                    .build()) {
                // the tool's own mapper: decimals exact, as get shows them
                Atom<JsonNode> atom =
                        stm.atom(canonical, Codec.json(Json.MAPPER, Json.MAPPER.constructType(JsonNode.class)));
                now = atom.swap(v -> {
                    old.set(v);
                    return fn.apply(v);
                });
            }
            if (json) {
                out.println(Json.compact(Json.object()
                        .put("name", canonical)
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("old", old.get())
                        .set("new", now)));
            } else {
                out.printf("%s: %s -> %s%n", canonical, Json.compact(old.get()), Json.compact(now));
            }
            return 0;
        } catch (RuntimeException e) {
            throw ensemble.translate(e);
        }
    }
}
