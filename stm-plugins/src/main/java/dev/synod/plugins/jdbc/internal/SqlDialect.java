package dev.synod.plugins.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few things that differ between databases: the binary column type, the key column types and
 * the upsert.
 */
public enum SqlDialect {
    POSTGRESQL("BYTEA"),
    H2("VARBINARY(1000000000)"),
    /**
     * MySQL and MariaDB: a {@code LONGBLOB} column ({@code BLOB} holds only 64 KB), key columns
     * compared exactly (the default collations ignore case, which would make the refs {@code
     * Accounts} and {@code accounts} share rows), and {@code INSERT ... ON DUPLICATE KEY UPDATE}.
     */
    MYSQL("LONGBLOB"),
    /**
     * Any other database: a {@code BLOB} column, and update-then-insert in a transaction that reads
     * the row back before committing (see {@link JdbcStore#put}).
     */
    GENERIC("BLOB");

    private final String binaryType;

    SqlDialect(String binaryType) {
        this.binaryType = binaryType;
    }

    /** The dialect of the database behind {@code c}, from its product name. */
    public static SqlDialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.equals("h2")) {
            return H2;
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return MYSQL;
        }
        return GENERIC;
    }

    public String binaryType() {
        return binaryType;
    }

    /**
     * The type of a key column of at most {@code length} characters, compared exactly (case
     * counts); {@code ascii} when its values are ASCII only (ref names), which keeps the primary
     * key short on databases that size it by the character set.
     */
    public String keyType(int length, boolean ascii) {
        return switch (this) {
            // the _bin collations pad with spaces ("v1" and "v1 " would be one key): ref names
            // cannot hold spaces, other keys are stored as their UTF-8 bytes
            case MYSQL ->
                ascii
                        ? "VARCHAR(" + length + ") CHARACTER SET ascii COLLATE ascii_bin"
                        : "VARBINARY(" + 4 * length + ")";
            default -> "VARCHAR(" + length + ")";
        };
    }

    /**
     * A single-statement upsert of {@code valueColumn} keyed by {@code keyColumns}, with the key
     * parameters first and the value last; or null when the dialect has none.
     */
    public String upsert(String table, String valueColumn, String... keyColumns) {
        String keys = String.join(", ", keyColumns);
        String params = "?, ".repeat(keyColumns.length) + "?";
        return switch (this) {
            case POSTGRESQL ->
                "INSERT INTO " + table + " (" + keys + ", " + valueColumn + ") VALUES (" + params + ") ON CONFLICT ("
                        + keys + ") DO UPDATE SET " + valueColumn + " = EXCLUDED." + valueColumn;
            case H2 ->
                "MERGE INTO " + table + " (" + keys + ", " + valueColumn + ") KEY (" + keys + ") VALUES (" + params
                        + ")";
            case MYSQL ->
                "INSERT INTO " + table + " (" + keys + ", " + valueColumn + ") VALUES (" + params
                        + ") ON DUPLICATE KEY UPDATE " + valueColumn + " = VALUES(" + valueColumn + ")";
            case GENERIC -> null;
        };
    }
}
