package dev.synod.stm.spi;

import java.util.List;
import java.util.Objects;

/**
 * A read-only view of the bytes Synod keeps in a cell, for tools (inspection, debugging, sweeps):
 * whether it is a ref or an atom, the value or external pointer, the id of the transaction that
 * wrote it, and for refs the history of earlier values. Parsing never changes anything.
 *
 * @param atom whether the cell holds an atom (otherwise a ref)
 * @param external whether {@code value} is a version key in an external container (otherwise the
 *     codec's bytes)
 * @param writer hexadecimal id of the transaction (or atom update) that wrote it
 * @param value the value bytes, or the external version key as UTF-8
 * @param history earlier values, newest first (for atoms: earlier writers only, without values)
 */
public record RecordView(boolean atom, boolean external, String writer, byte[] value, List<HistoryEntry> history) {

    /**
     * One earlier value.
     *
     * @param stamp the coordinator stamp (ZooKeeper zxid) at which it became current
     * @param writer hexadecimal id of the transaction that wrote it
     * @param value its bytes (empty for atoms)
     */
    public record HistoryEntry(long stamp, String writer, byte[] value) {}

    public RecordView {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(value, "value");
        history = List.copyOf(history);
    }

    /**
     * Parses cell bytes.
     *
     * @param where names the cell in the error message (e.g. a znode path)
     * @throws dev.synod.stm.CorruptRecordException if the bytes are not a Synod record (empty
     *     bytes included)
     * @throws NullPointerException if an argument is null
     */
    public static RecordView parse(String where, byte[] bytes) {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(bytes, "bytes");
        return dev.synod.stm.internal.Records.view(where, bytes);
    }
}
