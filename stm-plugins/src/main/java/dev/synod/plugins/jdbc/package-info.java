/**
 * SQL back-ends over a {@link javax.sql.DataSource}: {@link
 * dev.synod.plugins.jdbc.JdbcVersionedStateContainer} for refs and {@link
 * dev.synod.plugins.jdbc.JdbcStateContainer} for single values. Tested on PostgreSQL, MariaDB (the MySQL
 * dialect) and H2. Bring
 * your own JDBC driver and connection pool.
 */
package dev.synod.plugins.jdbc;
