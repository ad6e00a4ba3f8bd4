package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The versioned compatibility kit against the GENERIC dialect (update, else insert), on H2 under another name. */
class GenericDialectVersionedStateContainerTest extends JdbcVersionedKit {
    @Override
    protected DataSource database() {
        return new GenericSqlDatabase(TestStores.h2("generic-kit"));
    }
}
