package dev.synod.plugins.jdbc;

import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.testkit.StateContainerCompatibilityKit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInfo;

/** The single-value compatibility kit on one SQL database, in a table of the test class's own. */
abstract class JdbcValuesKit extends StateContainerCompatibilityKit<String> {
    /** The database; called once per test class (it may skip the tests when the service is absent). */
    protected abstract DataSource database();

    @AfterAll
    static void dropTable(TestInfo info) throws Exception {
        KitTables.drop(info.getTestClass().orElseThrow());
    }

    @Override
    protected StateContainer<String> newContainer(String name) {
        KitTables.KitTable t = KitTables.of(getClass(), this::database, "synod_kit_values");
        return JdbcStateContainer.builder(t.dataSource(), name, String.class)
                .table(t.table())
                .build();
    }

    @Override
    protected String value(int i) {
        return "value-" + i;
    }

    @Override
    protected String valueOfSize(int bytes, int i) {
        return i + "-" + "x".repeat(bytes);
    }
}
