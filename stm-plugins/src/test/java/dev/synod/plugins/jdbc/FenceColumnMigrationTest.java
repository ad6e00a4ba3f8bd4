package dev.synod.plugins.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.plugins.TestStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * A values table made before fencing (no {@code fence} column) keeps its values and gets the
 * column, from {@code init()} or from the first write of a container that was never initialised.
 */
class FenceColumnMigrationTest {
    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        cleanup.forEach(Runnable::run);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb"})
    void aTableWithoutTheFenceColumnGetsItAndKeepsItsValues(String database) throws SQLException {
        DataSource db = database(database);
        String initialised = formerTable(db, "kept", "\"old value\"");
        String untouched = formerTable(db, "lazy", "\"lazy value\"");

        JdbcStateContainer<String> kept = JdbcStateContainer.builder(db, "kept", String.class)
                .table(initialised)
                .build();
        kept.init();
        assertThat(kept.get()).isEqualTo("old value");
        assertThat(kept.set("fenced", 5)).isTrue();
        assertThat(kept.set("stale", 4)).isFalse();
        assertThat(kept.get()).isEqualTo("fenced");

        JdbcStateContainer<String> lazy = JdbcStateContainer.builder(db, "lazy", String.class)
                .table(untouched)
                .build();
        assertThat(lazy.get()).isEqualTo("lazy value");
        assertThat(lazy.set("fenced", 7)).isTrue();
        assertThat(lazy.set("stale", 6)).isFalse();
        JdbcStateContainer<String> another = JdbcStateContainer.builder(db, "lazy", String.class)
                .table(untouched)
                .build();
        another.set("unfenced"); // column there already: nothing to add
        assertThat(lazy.set("after", 1)).isTrue();
        assertThat(another.get()).isEqualTo("after");
    }

    /** On the servers clients share; H2 is not raced (see the README). */
    @ParameterizedTest
    @ValueSource(strings = {"postgres", "mariadb"})
    void clientsInitialisingAFormerTableAtOnceAllSucceed(String database) throws Exception {
        DataSource db = database(database);
        String table = formerTable(db, "raced", "\"old value\"");
        int clients = 4;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(clients);
        java.util.concurrent.CyclicBarrier initialised = new java.util.concurrent.CyclicBarrier(clients);
        List<java.util.concurrent.CompletableFuture<Void>> inits = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long token = i + 1;
            inits.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                JdbcStateContainer<String> c = JdbcStateContainer.builder(db, "raced", String.class)
                        .table(table)
                        .build();
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                c.init();
                try {
                    initialised.await(
                            30,
                            java.util.concurrent.TimeUnit
                                    .SECONDS); // the writes race each other, not the migration (see the README)
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                c.set("client " + token, token);
            }));
        }
        java.util.concurrent.CompletableFuture.allOf(inits.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        JdbcStateContainer<String> reader = JdbcStateContainer.builder(db, "raced", String.class)
                .table(table)
                .build();
        assertThat(reader.get()).isEqualTo("client " + clients);
    }

    private DataSource database(String database) {
        return switch (database) {
            case "h2" -> TestStores.h2("migration-" + UUID.randomUUID());
            case "postgres" -> TestStores.postgres();
            case "mariadb" -> TestStores.mariadb();
            default -> throw new IllegalArgumentException(database);
        };
    }

    /** A values table in the layout from before fencing, holding one row. */
    private String formerTable(DataSource db, String name, String json) throws SQLException {
        String table = TestStores.uniqueTable("synod_former");
        cleanup.add(() -> {
            try {
                TestStores.dropTable(db, table);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        String binary;
        try (Connection c = db.getConnection()) {
            binary = dev.synod.plugins.jdbc.internal.SqlDialect.of(c).binaryType();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (ref_name VARCHAR(400) NOT NULL PRIMARY KEY, value_bytes "
                        + binary + " NOT NULL)");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO " + table + " (ref_name, value_bytes) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setBytes(2, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                ps.executeUpdate();
            }
        }
        return table;
    }
}
