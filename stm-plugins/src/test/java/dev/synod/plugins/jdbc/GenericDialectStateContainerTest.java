package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.testkit.StateContainerCompatibilityKit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit against the GENERIC dialect (update, else insert), on H2 under another name. */
class GenericDialectStateContainerTest extends StateContainerCompatibilityKit<String> {
    private static DataSource dataSource;
    private static String table;

    @BeforeAll
    static void database() {
        dataSource = new GenericSqlDatabase(TestStores.h2("generic-kit"));
        table = TestStores.uniqueTable("synod_generic_kit");
    }

    @AfterAll
    static void dropTable() throws Exception {
        if (dataSource != null) {
            TestStores.dropTable(dataSource, table);
        }
    }

    @Override
    protected StateContainer<String> newContainer(String name) {
        return JdbcStateContainer.builder(dataSource, name, String.class)
                .table(table)
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
