package dev.synod.plugins;

import dev.synod.stm.testkit.ServiceAvailability;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** The stores the tests run against, and the service checks that skip or fail them. */
public final class TestStores {
    public static final String PG_HOST = "127.0.0.1";
    public static final int PG_PORT = 5432;
    public static final String REDIS_HOST = "127.0.0.1";
    public static final int REDIS_PORT = 6379;
    public static final String MARIADB_HOST = "127.0.0.1";
    public static final int MARIADB_PORT = 3306;

    private TestStores() {}

    /** PostgreSQL at 127.0.0.1:5432/test, user postgres, trust auth; skips (or fails under CI=true) if absent. */
    public static DataSource postgres() {
        ServiceAvailability.require("PostgreSQL", PG_HOST, PG_PORT);
        return PG_POOL;
    }

    /** Connections to PostgreSQL are expensive to open (a process each): the tests share a pool. */
    private static final JdbcConnectionPool PG_POOL = newPostgresPool();

    /** A pool of its own on 127.0.0.1:5432/test (for a test that disposes it); the caller disposes it. */
    public static JdbcConnectionPool newPostgresPool() {
        return newPostgresPool(PG_HOST, PG_PORT);
    }

    /**
     * A pool of its own on {@code host:port}/test, with the driver's default socket timeout (none):
     * only a timeout the container sets bounds a wait for the server. The caller disposes it.
     */
    public static JdbcConnectionPool newPostgresPool(String host, int port) {
        PGConnectionPoolDataSource ds = new PGConnectionPoolDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("test");
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
        pool.setMaxConnections(16);
        return pool;
    }

    public static PGSimpleDataSource postgresAt(String host, int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("test");
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(30);
        return ds;
    }

    /**
     * MariaDB (or MySQL) at 127.0.0.1:3306/test, user root without a password; skips (or fails
     * under CI=true) if absent. The tests share one pool.
     */
    public static DataSource mariadb() {
        ServiceAvailability.require("MariaDB", MARIADB_HOST, MARIADB_PORT);
        synchronized (TestStores.class) {
            if (mariadbPool == null) {
                mariadbPool = newMariadbPool("");
            }
            return mariadbPool;
        }
    }

    private static JdbcConnectionPool mariadbPool;

    /**
     * A pool of its own on MariaDB at 127.0.0.1:3306/test with {@code options} added to the URL
     * (e.g. {@code "&sessionVariables=..."}); the caller disposes it.
     */
    public static JdbcConnectionPool newMariadbPool(String options) {
        ServiceAvailability.require("MariaDB", MARIADB_HOST, MARIADB_PORT);
        return newMariadbPool(MARIADB_HOST, MARIADB_PORT, options);
    }

    /** As {@link #newMariadbPool(String)} on {@code host:port} (a proxy, say). */
    public static JdbcConnectionPool newMariadbPool(String host, int port, String options) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://" + host + ":" + port
                    + "/test?user=root&sslMode=disable&connectTimeout=5000" + options);
            JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
            pool.setMaxConnections(16);
            return pool;
        } catch (SQLException e) {
            throw new IllegalStateException("bad MariaDB URL", e);
        }
    }

    /** Redis at 127.0.0.1:6379; skips (or fails under CI=true) if absent. */
    public static void requireRedis() {
        ServiceAvailability.require("Redis", REDIS_HOST, REDIS_PORT);
    }

    /** An in-memory H2 database private to {@code name}, living until the JVM exits. */
    public static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    /** A table name no other test run uses. */
    public static String uniqueTable(String prefix) {
        return prefix + "_"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1).toLowerCase(Locale.ROOT);
    }

    /** A prefix no other test run uses. */
    public static String uniquePrefix(String prefix) {
        return prefix + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ":";
    }

    public static void dropTable(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
