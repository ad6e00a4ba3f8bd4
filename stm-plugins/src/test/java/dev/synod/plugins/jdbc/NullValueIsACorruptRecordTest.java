package dev.synod.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.plugins.TestStores;
import dev.synod.plugins.jdbc.internal.SqlDialect;
import dev.synod.stm.CorruptRecordException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A row whose {@code value_bytes} is NULL (Synod's tables forbid it; a table made by hand may
 * not, and another writer may store one) is data Synod did not write: a {@link
 * CorruptRecordException} naming the store and the row, not a missing value. Writing the value
 * again, or destroying the container, clears it.
 */
class NullValueIsACorruptRecordTest {
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanup.forEach(Runnable::run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aNullValueInAValuesTableIsCorrupt(String database) throws SQLException {
        DataSource db = database(database);
        String table = table(db, "ref_name VARCHAR(400) NOT NULL PRIMARY KEY, value_bytes %s, fence BIGINT");
        execute(db, "INSERT INTO " + table + " (ref_name, value_bytes) VALUES ('hole', NULL)");
        JdbcStateContainer<String> c = JdbcStateContainer.builder(db, "hole", String.class)
                .table(table)
                .build();
        assertThatThrownBy(c::get)
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("'hole'")
                .hasMessageContaining(c.describe())
                .hasMessageContaining("NULL value_bytes");
        c.set("repaired");
        assertThat(c.get()).isEqualTo("repaired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aNullValueInAVersionsTableIsCorrupt(String database) throws SQLException {
        DataSource db = database(database);
        String table = table(
                db,
                "ref_name VARCHAR(400) NOT NULL, version_key VARCHAR(200) NOT NULL, value_bytes %s,"
                        + " PRIMARY KEY (ref_name, version_key)");
        execute(db, "INSERT INTO " + table + " (ref_name, version_key, value_bytes) VALUES ('doc', 'v1', NULL)");
        JdbcVersionedStateContainer<String> c = JdbcVersionedStateContainer.builder(db, "doc", String.class)
                .table(table)
                .build();
        assertThatThrownBy(() -> c.getAt("v1"))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("version 'v1'")
                .hasMessageContaining(c.describe())
                .hasMessageContaining("NULL value_bytes");
        assertThat(c.getAt("v2"))
                .as("a version that is not there is still just absent")
                .isEmpty();
        c.destroy();
        assertThat(c.getAt("v1")).isEmpty();
    }

    private DataSource database(String database) {
        return switch (database) {
            case "h2" -> TestStores.h2("null-value-" + UUID.randomUUID());
            case "postgres" -> TestStores.postgres();
            default -> throw new IllegalArgumentException(database);
        };
    }

    /** A table of {@code columns} ({@code %s}: the database's binary type), dropped afterwards. */
    private String table(DataSource db, String columns) throws SQLException {
        String table = TestStores.uniqueTable("synod_nullable");
        cleanup.add(() -> {
            try {
                TestStores.dropTable(db, table);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        String binary;
        try (Connection c = db.getConnection()) {
            binary = SqlDialect.of(c).binaryType();
        }
        execute(db, "CREATE TABLE " + table + " (" + String.format(columns, binary) + ")");
        return table;
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
