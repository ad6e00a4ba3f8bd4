package dev.synod.plugins.jdbc;

import dev.synod.stm.CorruptRecordException;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reading the value column of a row the JDBC containers found. */
final class JdbcRows {
    private JdbcRows() {}

    /**
     * The first column ({@code value_bytes}) of the current row.
     *
     * @throws CorruptRecordException naming the store and {@code row} if it is NULL: Synod never
     *     writes one, so another writer did
     */
    static byte[] valueBytes(ResultSet rs, String store, String row) throws SQLException {
        byte[] bytes = rs.getBytes(1);
        if (bytes == null) {
            throw new CorruptRecordException(
                    row + " in " + store + " has a NULL value_bytes, which Synod never writes (another writer's)");
        }
        return bytes;
    }
}
