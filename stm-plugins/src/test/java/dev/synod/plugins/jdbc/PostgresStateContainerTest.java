package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The single-value compatibility kit against PostgreSQL. */
class PostgresStateContainerTest extends JdbcValuesKit {
    @Override
    protected DataSource database() {
        return TestStores.postgres();
    }
}
