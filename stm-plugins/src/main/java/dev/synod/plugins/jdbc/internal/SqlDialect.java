package dev.synod.plugins.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The few statements that differ between databases: the binary column type and the upsert. */
public enum SqlDialect {
    POSTGRESQL("BYTEA"),
    H2("VARBINARY(1000000000)"),
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
        return GENERIC;
    }

    public String binaryType() {
        return binaryType;
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
            case GENERIC -> null;
        };
    }
}
