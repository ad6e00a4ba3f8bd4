package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The versioned compatibility kit against PostgreSQL. */
class PostgresVersionedStateContainerTest extends JdbcVersionedKit {
    @Override
    protected DataSource database() {
        return TestStores.postgres();
    }
}
