package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The single-value compatibility kit against H2. */
class H2StateContainerTest extends JdbcValuesKit {
    @Override
    protected DataSource database() {
        return TestStores.h2("kit");
    }
}
