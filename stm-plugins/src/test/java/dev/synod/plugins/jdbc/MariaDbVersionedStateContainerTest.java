package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The versioned compatibility kit against MariaDB (the MySQL dialect). */
class MariaDbVersionedStateContainerTest extends JdbcVersionedKit {
    @Override
    protected DataSource database() {
        return TestStores.mariadb();
    }
}
