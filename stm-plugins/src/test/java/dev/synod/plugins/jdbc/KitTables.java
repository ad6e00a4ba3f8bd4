package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The database and table of each JDBC kit test class: one {@link DataSource} object (containers
 * are equal only over the same object) and one table of its own, dropped after the class's tests.
 */
final class KitTables {
    /** A test class's database and table. */
    record KitTable(DataSource dataSource, String table) {}

    private static final Map<Class<?>, KitTable> TABLES = new ConcurrentHashMap<>();

    private KitTables() {}

    /** The table of {@code test}, made on first use from {@code database} and {@code prefix}. */
    static KitTable of(Class<?> test, Supplier<DataSource> database, String prefix) {
        return TABLES.computeIfAbsent(test, t -> new KitTable(database.get(), TestStores.uniqueTable(prefix)));
    }

    /** Drops the table of {@code test}, if it had one. */
    static void drop(Class<?> test) throws SQLException {
        KitTable t = TABLES.remove(test);
        if (t != null) {
            TestStores.dropTable(t.dataSource(), t.table());
        }
    }
}
