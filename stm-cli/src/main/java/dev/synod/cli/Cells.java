package dev.synod.cli;

import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.internal.RefNames;
import dev.synod.stm.spi.RecordView;
import dev.synod.zookeeper.internal.CellPaths;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads Synod cells (refs and atoms) straight from their znodes, without the transaction engine:
 * inspection changes nothing, creates nothing and works on any ensemble. The only place in the
 * tool that knows the naming rules and the znode layout (it borrows both from the engine's
 * internals so that they cannot drift apart).
 */
final class Cells {
    private final CuratorFramework client;
    private final Ensemble ensemble;
    private final CellPaths paths;

    /** One cell as stored: its name, znode path, stat and raw bytes. */
    record Cell(String name, String path, Stat stat, byte[] bytes) {
        /**
         * The decoded record.
         *
         * @throws Failure with {@link Failure#CORRUPT} if the bytes are not a Synod record
         */
        RecordView view() {
            try {
                return RecordView.parse(path, bytes);
            } catch (CorruptRecordException e) {
                throw new Failure(Failure.CORRUPT, "corrupt data in '" + name + "': " + e.getMessage(), e);
            }
        }

        String kind(RecordView view) {
            return view.atom() ? "atom" : "ref";
        }
    }

    Cells(CuratorFramework client, Ensemble ensemble) {
        this.client = client;
        this.ensemble = ensemble;
        this.paths = ensemble.cellPaths();
    }

    /**
     * The canonical form of a ref or atom name.
     *
     * @throws Failure with {@link Failure#BAD_NAME} explaining the rule it breaks
     */
    static String validName(String name) {
        try {
            return RefNames.validate(name);
        } catch (IllegalArgumentException e) {
            throw new Failure(Failure.BAD_NAME, e.getMessage(), e);
        }
    }

    String pathOf(String name) {
        return paths.pathOf(validName(name));
    }

    String namespace() {
        return paths.namespace();
    }

    /**
     * Reads one cell.
     *
     * @throws Failure with {@link Failure#UNKNOWN_REF} if there is none of that name
     */
    Cell read(String name) {
        String canonical = validName(name);
        String path = paths.pathOf(canonical);
        try {
            Stat stat = new Stat();
            byte[] bytes = client.getData().storingStatIn(stat).forPath(path);
            return new Cell(canonical, path, stat, bytes == null ? new byte[0] : bytes);
        } catch (KeeperException.NoNodeException e) {
            throw unknown(canonical);
        } catch (Exception e) {
            throw ensemble.translate(e);
        }
    }

    Failure unknown(String name) {
        return new Failure(
                Failure.UNKNOWN_REF,
                "no ref or atom named '" + name + "' in " + paths.namespace() + " at " + ensemble.connect
                        + " (try: synod ls)");
    }

    /** Every cell, sorted by name; cells deleted while listing are left out. */
    List<Cell> list() {
        List<String> children;
        try {
            children = client.getChildren().forPath(paths.cellsRoot());
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw ensemble.translate(e);
        }
        List<Cell> cells = new ArrayList<>();
        for (String child : children.stream().sorted().toList()) {
            String path = paths.cellsRoot() + "/" + child;
            String name = paths.nameOf(path);
            if (name == null) {
                continue;
            }
            try {
                Stat stat = new Stat();
                byte[] bytes = client.getData().storingStatIn(stat).forPath(path);
                cells.add(new Cell(name, path, stat, bytes == null ? new byte[0] : bytes));
            } catch (KeeperException.NoNodeException e) {
                // deleted meanwhile
            } catch (Exception e) {
                throw ensemble.translate(e);
            }
        }
        return cells;
    }
}
