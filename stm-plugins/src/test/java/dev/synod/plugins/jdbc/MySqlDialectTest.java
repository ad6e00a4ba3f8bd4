package dev.synod.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.plugins.TestStores;
import dev.synod.plugins.jdbc.internal.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The MySQL dialect on a real MariaDB server: the tables {@code init()} makes hold values past
 * 64 KB and tell names apart by case (the server's default collation does not), and a table made by
 * hand with a {@code BLOB} column never keeps a value cut short, even without strict SQL mode.
 */
class MySqlDialectTest {
    private static final int BLOB_LIMIT = 65_535;
    private final List<String> tables = new ArrayList<>();

    @AfterEach
    void dropTables() throws SQLException {
        for (String t : tables) {
            TestStores.dropTable(TestStores.mariadb(), t);
        }
    }

    private String table(String prefix) {
        String t = TestStores.uniqueTable(prefix);
        tables.add(t);
        return t;
    }

    @Test
    void mariadbIsTheMySqlDialect() throws SQLException {
        try (Connection c = TestStores.mariadb().getConnection()) {
            assertThat(SqlDialect.of(c)).isEqualTo(SqlDialect.MYSQL);
        }
    }

    @Test
    void namesThatDifferOnlyInCaseKeepTheirOwnValues() {
        DataSource db = TestStores.mariadb();
        String versions = table("synod_case_v");
        String values = table("synod_case_s");
        JdbcVersionedStateContainer<String> upper = JdbcVersionedStateContainer.builder(db, "Accounts", String.class)
                .table(versions)
                .build();
        JdbcVersionedStateContainer<String> lower = JdbcVersionedStateContainer.builder(db, "accounts", String.class)
                .table(versions)
                .build();
        upper.init();
        upper.setAt("upper", "v1");
        lower.setAt("lower", "v1");
        lower.setAt("lower-2", "V1"); // version keys are told apart by case too
        assertThat(upper.getAt("v1")).contains("upper");
        assertThat(lower.getAt("v1")).contains("lower");
        assertThat(lower.getAt("V1")).contains("lower-2");
        assertThat(upper.getAt("V1")).isEmpty();
        assertThat(upper.versions()).containsExactly("v1");
        upper.setAt("padded", "v1 "); // the _bin collations would take this for "v1"
        assertThat(upper.getAt("v1")).contains("upper");
        assertThat(upper.getAt("v1 ")).contains("padded");
        assertThat(upper.versions()).containsExactlyInAnyOrder("v1", "v1 ");
        upper.setAt("ünïcode", "vé");
        assertThat(upper.versions()).contains("vé");
        assertThat(upper.getAt("vé")).contains("ünïcode");
        upper.destroy();
        assertThat(lower.getAt("v1")).contains("lower");

        JdbcStateContainer<String> plainUpper = JdbcStateContainer.builder(db, "Accounts", String.class)
                .table(values)
                .build();
        JdbcStateContainer<String> plainLower = JdbcStateContainer.builder(db, "accounts", String.class)
                .table(values)
                .build();
        plainUpper.init();
        plainUpper.set("upper");
        plainLower.set("lower");
        assertThat(plainUpper.get()).isEqualTo("upper");
        assertThat(plainLower.get()).isEqualTo("lower");
    }

    @Test
    void valuesPastTheSizeOfABlobAreStoredWhole() throws SQLException {
        DataSource db = TestStores.mariadb();
        String versions = table("synod_long_v");
        String values = table("synod_long_s");
        JdbcVersionedStateContainer<String> versioned = JdbcVersionedStateContainer.builder(db, "big", String.class)
                .table(versions)
                .build();
        JdbcStateContainer<String> plain = JdbcStateContainer.builder(db, "big", String.class)
                .table(values)
                .build();
        versioned.init();
        plain.init();
        String big = "b".repeat(4 * BLOB_LIMIT);
        versioned.setAt(big, "v1");
        plain.set(big);
        assertThat(versioned.getAt("v1")).contains(big);
        assertThat(plain.get()).isEqualTo(big);
        assertThat(columnType(db, versions)).isEqualTo("longblob");
        assertThat(columnType(db, values)).isEqualTo("longblob");
    }

    @Test
    void aHandMadeBlobTableNeverKeepsAValueCutShort() throws SQLException {
        // without strict mode MariaDB keeps the first 64 KB of a longer value, with a warning only
        JdbcConnectionPool lax = TestStores.newMariadbPool("&sessionVariables=sql_mode=''");
        try {
            String versions = table("synod_blob_v");
            String values = table("synod_blob_s");
            try (Connection c = lax.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + versions + " (ref_name VARCHAR(400) NOT NULL, version_key VARCHAR(200)"
                        + " NOT NULL, value_bytes BLOB NOT NULL, PRIMARY KEY (ref_name, version_key))");
                s.execute("CREATE TABLE " + values
                        + " (ref_name VARCHAR(400) NOT NULL PRIMARY KEY, value_bytes BLOB NOT NULL)");
            }
            // init() leaves the tables as they are
            CutShortValues.assertNeverStored(lax, versions, values, BLOB_LIMIT, () -> {});
        } finally {
            lax.dispose();
        }
    }

    private static String columnType(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT DATA_TYPE FROM information_schema.COLUMNS"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'value_bytes'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("table %s exists", table).isTrue();
                return rs.getString(1).toLowerCase(Locale.ROOT);
            }
        }
    }
}
