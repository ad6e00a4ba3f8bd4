package dev.synod.plugins.jdbc;

import dev.synod.plugins.TestStores;
import javax.sql.DataSource;

/** The single-value compatibility kit against MariaDB (the MySQL dialect). */
class MariaDbStateContainerTest extends JdbcValuesKit {
    @Override
    protected DataSource database() {
        return TestStores.mariadb();
    }
}
