package dev.synod.plugins.jdbc.internal;

import dev.synod.plugins.internal.StoreCalls;
import dev.synod.stm.StateStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table in one database: borrows a connection per operation, commits it if the pool hands out
 * connections without auto-commit, and turns every failure into a {@link StateStoreException}
 * naming the store. Thread-safe; every method blocks on the database.
 */
public final class JdbcStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final DataSource dataSource;
    private final String table;
    private final String label;
    private volatile String url;
    private volatile SqlDialect dialect;

    /** Work done on a borrowed connection. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Connection c, SqlDialect dialect) throws SQLException;
    }

    public JdbcStore(DataSource dataSource, String table, String label) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = table;
        this.label = label;
    }

    public String table() {
        return table;
    }

    /** {@code jdbc[<label or JDBC URL once known or DataSource class>]/<table>}. */
    public String describe() {
        String where = label != null
                ? label
                : url != null ? url : dataSource.getClass().getSimpleName();
        return "jdbc[" + where + "]/" + table;
    }

    /**
     * Runs {@code work} on a fresh connection; {@code what} and {@code store} name the operation and
     * the container in the exception.
     */
    public <R> R call(String what, String store, Work<R> work) {
        // StoreCalls names any other failure of the DataSource or driver (a closed pool, say)
        return StoreCalls.call(what, store, () -> {
            try (Connection c = dataSource.getConnection()) {
                if (dialect == null) {
                    dialect = SqlDialect.of(c);
                    url = c.getMetaData().getURL();
                }
                boolean manual = !c.getAutoCommit();
                try {
                    R result = work.run(c, dialect);
                    if (manual) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    if (manual) {
                        rollbackQuietly(c);
                    }
                    throw e;
                }
            } catch (SQLException e) {
                throw new StateStoreException(what + " in " + store + " failed: " + e, e);
            }
        });
    }

    /** Creates the table with {@code ddl} unless it exists; safe when several clients race. */
    public void createTable(String store, String ddl) {
        call("creating table " + table, store, (c, d) -> {
            try (Statement s = c.createStatement()) {
                s.execute(ddl);
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                if (!exists(c)) {
                    throw e;
                }
                LOG.debug("{} was created concurrently by another client", table, e);
            }
            return null;
        });
    }

    private boolean exists(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE 1 = 0")) {
            ps.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }
}
