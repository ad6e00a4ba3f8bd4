package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The single-value compatibility kit against the GENERIC dialect (update, else insert), on H2 under another name. */
class GenericDialectStateContainerTest extends JdbcValuesKit {
    @Override
    protected DataSource database() {
        return new GenericSqlDatabase(TestStores.h2("generic-kit"));
    }
}
