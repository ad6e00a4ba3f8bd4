package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The versioned compatibility kit against H2. */
class H2VersionedStateContainerTest extends JdbcVersionedKit {
    @Override
    protected DataSource database() {
        return TestStores.h2("kit");
    }
}
