package dev.synod.plugins.jdbc.internal;

import dev.synod.plugins.internal.StoreCalls;
import dev.synod.plugins.internal.Timeouts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table in one database, keyed by {@code keyColumns} with the value in {@code value_bytes}:
 * borrows a connection per operation, bounds every wait for the database by the timeout, commits
 * the connection if the pool hands out connections without auto-commit, and turns every failure
 * into a {@link dev.synod.stm.StateStoreException} naming the store. Thread-safe; every method
 * blocks on the database.
 *
 * <p>The timeout is applied as the connection's network timeout (no read from the database waits
 * longer; the driver then closes the connection) and, one second later and in whole seconds, as
 * each statement's query timeout: a backstop for drivers without network timeouts, set later so
 * that a driver's cancel request (which on PostgreSQL waits for the server) never runs first. The
 * connection's previous network timeout is restored before it goes back to the pool. Borrowing a
 * connection is bounded by the pool and the driver (their connection and login timeouts), not here.
 */
public final class JdbcStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final Executor DIRECT = Runnable::run;
    private static final int PUT_ATTEMPTS = 3;
    /** How often a fenced write looks again at a row that changed under it. */
    private static final int FENCED_ROUNDS = 10;
    /** How often a fenced write the database rolled back (a deadlock) is tried in all. */
    private static final int ROLLBACK_ATTEMPTS = 10;

    private final DataSource dataSource;
    private final String table;
    private final String label;
    private final int timeoutMillis;
    private final List<String> keyColumns;
    private volatile String url;
    private volatile SqlDialect dialect;
    private volatile boolean networkTimeouts = true;
    /**
     * MySQL and MariaDB: whether the table's value column is a {@code LONGBLOB}, so that the upsert
     * cannot cut a value short; null until the table has been seen.
     */
    private volatile Boolean longBlob;

    /** Work done on a borrowed connection. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Connection c, SqlDialect dialect) throws SQLException;
    }

    /**
     * @param label how messages name the database, or null for the JDBC URL once known
     * @param timeout the longest wait for the database, already {@linkplain Timeouts#check checked}
     * @param keyColumns the primary key, in the order {@link #put} takes its values
     */
    public JdbcStore(DataSource dataSource, String table, String label, Duration timeout, String... keyColumns) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = table;
        this.label = label;
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        this.keyColumns = List.of(keyColumns);
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
     * Whether {@code other} is the same table (unquoted SQL names: case does not count) of the same
     * {@link DataSource} object.
     */
    public boolean sameTable(JdbcStore other) {
        return dataSource == other.dataSource && table.equalsIgnoreCase(other.table);
    }

    /** A hash code consistent with {@link #sameTable}. */
    public int tableHash() {
        return System.identityHashCode(dataSource) * 31
                + table.toLowerCase(Locale.ROOT).hashCode();
    }

    /**
     * Runs {@code work} on a fresh connection; {@code what} and {@code store} name the operation and
     * the container in the exception, which says "timed out" when the timeout expired.
     */
    public <R> R call(String what, String store, Work<R> work) {
        String limit = Timeouts.describe(timeoutMillis);
        // StoreCalls names any other failure of the DataSource or driver (a closed pool, say)
        return StoreCalls.call(what, store, limit, () -> {
            try (Connection c = dataSource.getConnection()) {
                int previousTimeout = limitNetworkWaits(c);
                try {
                    return run(c, work);
                } finally {
                    restoreNetworkWaits(c, previousTimeout);
                }
            } catch (SQLException e) {
                throw StoreCalls.failure(what, store, limit, e);
            }
        });
    }

    private <R> R run(Connection c, Work<R> work) throws SQLException {
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
    }

    /** Sets the network timeout; returns the one to restore, or -1 if the driver has none. */
    private int limitNetworkWaits(Connection c) throws SQLException {
        if (!networkTimeouts) {
            return -1;
        }
        try {
            int previous = c.getNetworkTimeout();
            c.setNetworkTimeout(DIRECT, timeoutMillis);
            return previous;
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
            networkTimeouts = false;
            LOG.debug("{}: the driver has no network timeout; query timeouts alone bound the calls", describe(), e);
            return -1;
        }
    }

    private static void restoreNetworkWaits(Connection c, int previous) {
        if (previous < 0) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.setNetworkTimeout(DIRECT, previous);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore the network timeout of a connection", e);
        }
    }

    /** A statement for {@code sql} with the query timeout set. */
    public PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            ps.setQueryTimeout(queryTimeoutSeconds());
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private int queryTimeoutSeconds() {
        int seconds = (int) ((timeoutMillis + 999L) / 1000);
        return networkTimeouts ? seconds + 1 : seconds;
    }

    /**
     * Stores {@code bytes} under the key {@code keys} (values of the key columns, in order),
     * replacing what is there. With the dialect's upsert, one statement (on MySQL and MariaDB only
     * into a {@code LONGBLOB} column, see {@link #holdsLongBlobs}); otherwise (GENERIC) an
     * update, else an insert, in one transaction: an insert that loses the race to create the row
     * (a duplicate key) rolls back and updates instead, and the row is read back before the commit,
     * so that a value the column truncated is never committed (SQLState {@code 22001}).
     */
    public void put(Connection c, SqlDialect d, byte[] bytes, String... keys) throws SQLException {
        String upsert = d.upsert(table, "value_bytes", keyColumns.toArray(String[]::new));
        if (upsert != null && !mayCutShort(c, d)) {
            try (PreparedStatement ps = prepare(c, upsert)) {
                bind(ps, 1, keys);
                ps.setBytes(keys.length + 1, bytes);
                ps.executeUpdate();
            }
            return;
        }
        inOneTransaction(c, () -> {
            updateOrInsert(c, bytes, keys);
            verify(c, bytes, keys);
            return null;
        });
    }

    /**
     * Whether the value column may keep less than it is given: any column of a GENERIC database,
     * and on MySQL or MariaDB one other than {@code LONGBLOB} (see {@link #holdsLongBlobs}). Writes
     * into such a column are read back before they commit.
     */
    private boolean mayCutShort(Connection c, SqlDialect d) throws SQLException {
        return d == SqlDialect.GENERIC || (d == SqlDialect.MYSQL && !holdsLongBlobs(c));
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    private interface SqlWork<R> {
        R run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction of its own on an auto-commit connection (committed, or
     * rolled back on a failure, auto-commit restored); on a connection without auto-commit, inside
     * the caller's transaction ({@link #call} commits it).
     */
    private static <R> R inOneTransaction(Connection c, SqlWork<R> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        if (auto) {
            c.setAutoCommit(false);
        }
        try {
            R result = work.run();
            if (auto) {
                c.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (auto) {
                rollbackQuietly(c);
            }
            throw e;
        } finally {
            if (auto) {
                restoreAutoCommit(c);
            }
        }
    }

    /**
     * Stores {@code bytes} under the single-column key {@code key} with the fencing token {@code
     * token} in column {@code fence}, unless the row holds a higher token; with a null token,
     * unconditionally, clearing the row's token. One transaction: a conditional update, else an
     * insert; an insert that meets a row another writer created meanwhile rolls back, and the
     * update is tried again against that row, so of concurrent writers the highest token is the
     * value left. Where the column could cut a value short (GENERIC, or a MySQL value column other
     * than {@code LONGBLOB}) the row is read back before the commit, as in {@link #put}.
     *
     * @return true if stored, false if the row holds a higher token
     */
    public boolean putFenced(Connection c, SqlDialect d, byte[] bytes, Long token, String key) throws SQLException {
        return inOneTransaction(c, () -> {
            boolean stored = updateOrInsertFenced(c, bytes, token, key);
            if (stored && mayCutShort(c, d)) {
                verify(c, bytes, new String[] {key});
            }
            return stored;
        });
    }

    private boolean updateOrInsertFenced(Connection c, byte[] bytes, Long token, String key) throws SQLException {
        int rounds = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                Boolean stored = attemptFenced(c, bytes, token, key);
                if (stored != null) {
                    return stored;
                }
                if (++rounds >= FENCED_ROUNDS) {
                    throw new SQLException("a write to " + table + " met a row that other writers kept changing "
                            + rounds + " times in a row");
                }
                if (rounds > 2) {
                    pauseBriefly(rounds);
                }
            } catch (SQLException e) {
                if (!rolledBackByTheDatabase(e) || attempt >= ROLLBACK_ATTEMPTS) {
                    throw e;
                }
                // InnoDB: two writers creating one row can deadlock on the gap between their
                // update and insert; the database chose us: start again
                LOG.debug("{}: a write was rolled back by the database ({}); retrying", describe(), e.toString());
                c.rollback();
                pauseBriefly(attempt);
            }
        }
    }

    /**
     * One conditional update; if it changed nothing, a look at the row: a higher token refuses the
     * write; the same value and token mean it is stored already (a driver that counts only rows
     * whose values changed); a row that appeared since the update looked is tried again; no row is
     * inserted. True if stored, false if refused, null to try again (rolled back, nothing written).
     */
    private Boolean attemptFenced(Connection c, byte[] bytes, Long token, String key) throws SQLException {
        String keyColumn = keyColumns.get(0);
        String update = "UPDATE " + table + " SET value_bytes = ?, fence = ? WHERE " + keyColumn + " = ?"
                + (token == null ? "" : " AND (fence IS NULL OR fence <= ?)");
        try (PreparedStatement ps = prepare(c, update)) {
            ps.setBytes(1, bytes);
            setToken(ps, 2, token);
            ps.setString(3, key);
            if (token != null) {
                ps.setLong(4, token);
            }
            if (ps.executeUpdate() > 0) {
                return true;
            }
        }
        try (PreparedStatement ps =
                prepare(c, "SELECT value_bytes, fence FROM " + table + " WHERE " + keyColumn + " = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    byte[] stored = rs.getBytes(1);
                    long fence = rs.getLong(2);
                    Long storedToken = rs.wasNull() ? null : fence;
                    if (token != null && storedToken != null && storedToken > token) {
                        return false;
                    }
                    if (Objects.equals(storedToken, token) && Arrays.equals(stored, bytes)) {
                        return true;
                    }
                    c.rollback(); // a fresh snapshot for the next look (InnoDB's repeatable read)
                    return null;
                }
            }
        }
        try (PreparedStatement ps =
                prepare(c, "INSERT INTO " + table + " (" + keyColumn + ", value_bytes, fence) VALUES (?, ?, ?)")) {
            ps.setString(1, key);
            ps.setBytes(2, bytes);
            setToken(ps, 3, token);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (!duplicateKey(e)) {
                throw e;
            }
            c.rollback(); // created by another writer since we looked: the update decides against it
            return null;
        }
    }

    /** A deadlock or serialization failure: the database rolled the transaction back (SQLState class 40). */
    private static boolean rolledBackByTheDatabase(SQLException e) {
        return e instanceof SQLTransactionRollbackException
                || (e.getSQLState() != null && e.getSQLState().startsWith("40"));
    }

    private void pauseBriefly(int attempt) throws SQLException {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 5 * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while retrying a write to " + table, e);
        }
    }

    private static void setToken(PreparedStatement ps, int index, Long token) throws SQLException {
        if (token == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, token);
        }
    }

    /**
     * Adds {@code column} of {@code type} to the table unless it has it (a table made before the
     * column existed); safe when clients race.
     */
    public void addColumnIfMissing(String store, String column, String type) {
        call("adding column " + column + " to " + table, store, (c, d) -> {
            for (int attempt = 1; ; attempt++) {
                if (hasColumn(c, column)) {
                    return null;
                }
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(queryTimeoutSeconds());
                    s.execute("ALTER TABLE " + table + " ADD " + column + " " + type);
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                    LOG.info("{}: added column {} {}", describe(), column, type);
                    return null;
                } catch (SQLException e) {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                    try {
                        if (hasColumn(c, column)) {
                            LOG.debug("{}.{} was added concurrently by another client", table, column, e);
                            return null;
                        }
                    } catch (SQLException lookFailed) {
                        e.addSuppressed(lookFailed); // the table still locked by another client's change, say
                    }
                    if (attempt >= 5) {
                        throw e;
                    }
                    // another client's change of the table still in progress (a lock timeout): look again
                    LOG.debug("{}: adding {} failed ({}); looking again", describe(), column, e.toString());
                    pauseBriefly(10 * attempt);
                }
            }
        });
    }

    private boolean hasColumn(Connection c, String column) throws SQLException {
        try (PreparedStatement ps = prepare(c, "SELECT " + column + " FROM " + table + " WHERE 1 = 0")) {
            ps.executeQuery().close();
            return true;
        } catch (SQLException e) {
            if (!c.getAutoCommit()) {
                c.rollback(); // PostgreSQL refuses every statement after a failed one until then
            }
            // an unknown column is SQLState class 42 (42703, 42S22, 42122...); anything else (a lost
            // connection, say) is not a reason to alter the table
            if (e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                throw e;
            }
            return false;
        }
    }

    /**
     * MySQL and MariaDB: whether the value column is a {@code LONGBLOB} (as {@code init()} creates
     * it), read once from {@code information_schema}. A table made otherwise (by hand, or by a
     * version of Synod before the MySQL dialect) may hold a {@code BLOB}, which without strict SQL
     * mode keeps the first 64 KB of a longer value with only a warning: its writes take the checked
     * path of the GENERIC dialect instead. Logs a warning for such a column, and for key columns
     * compared without regard to case (refs whose names differ only in case would share rows).
     */
    private boolean holdsLongBlobs(Connection c) throws SQLException {
        Boolean known = longBlob;
        if (known != null) {
            return known;
        }
        String[] parts = table.split("\\.");
        String schema = parts.length == 2 ? parts[0] : null;
        String name = parts[parts.length - 1];
        boolean found = false;
        boolean blob = false;
        // names are stored as given, or in lower case when the server folds them
        // (lower_case_table_names 1 or 2)
        try (PreparedStatement ps = prepare(
                c,
                "SELECT COLUMN_NAME, DATA_TYPE, COLLATION_NAME FROM information_schema.COLUMNS"
                        + " WHERE (TABLE_SCHEMA = COALESCE(?, DATABASE()) OR (@@lower_case_table_names <> 0"
                        + " AND TABLE_SCHEMA = LOWER(COALESCE(?, DATABASE()))))"
                        + " AND (TABLE_NAME = ? OR (@@lower_case_table_names <> 0 AND TABLE_NAME = LOWER(?)))")) {
            ps.setString(1, schema);
            ps.setString(2, schema);
            ps.setString(3, name);
            ps.setString(4, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found = true;
                    String column = rs.getString(1).toLowerCase(Locale.ROOT);
                    String type = rs.getString(2).toLowerCase(Locale.ROOT);
                    String collation = rs.getString(3);
                    if (column.equals("value_bytes")) {
                        blob = type.equals("longblob");
                        if (!blob) {
                            LOG.warn(
                                    "{}: value_bytes is a {} column, which may cut values short; writes are read"
                                            + " back before they commit. Use ALTER TABLE {} MODIFY value_bytes"
                                            + " LONGBLOB NOT NULL",
                                    describe(),
                                    type.toUpperCase(Locale.ROOT),
                                    table);
                        }
                    } else if (keyColumns.contains(column)
                            && collation != null
                            && collation.toLowerCase(Locale.ROOT).endsWith("_ci")) {
                        LOG.warn(
                                "{}: {} is compared without regard to case (collation {}): refs whose names"
                                        + " differ only in case share rows and overwrite each other's values."
                                        + " Use a binary type or collation, e.g. ALTER TABLE {} MODIFY {}"
                                        + " VARBINARY(...) NOT NULL",
                                describe(),
                                column,
                                collation,
                                table,
                                column);
                    }
                }
            }
        }
        if (found) {
            longBlob = blob;
        } else if (exists(c)) {
            // there, but not found where information_schema should list it: write by the checked path
            LOG.debug("{}: the table's columns are not in information_schema; writes are read back", describe());
            longBlob = false;
        } // a table not there yet is looked at again on the next write
        return found && blob;
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit on a connection", e);
        }
    }

    private void updateOrInsert(Connection c, byte[] bytes, String[] keys) throws SQLException {
        String where = String.join(" = ? AND ", keyColumns) + " = ?";
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = prepare(c, "UPDATE " + table + " SET value_bytes = ? WHERE " + where)) {
                ps.setBytes(1, bytes);
                bind(ps, 2, keys);
                if (ps.executeUpdate() > 0) {
                    return;
                }
            }
            String columns = String.join(", ", keyColumns) + ", value_bytes";
            String params = "?, ".repeat(keyColumns.size()) + "?";
            try (PreparedStatement ps =
                    prepare(c, "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ")")) {
                bind(ps, 1, keys);
                ps.setBytes(keys.length + 1, bytes);
                ps.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!duplicateKey(e) || attempt == PUT_ATTEMPTS) {
                    throw e;
                }
                // another writer created the row since our update: update it (last write wins)
                LOG.debug("{}: a concurrent insert created the row first; updating it", describe());
                c.rollback();
            }
        }
    }

    private void verify(Connection c, byte[] bytes, String[] keys) throws SQLException {
        String where = String.join(" = ? AND ", keyColumns) + " = ?";
        try (PreparedStatement ps = prepare(c, "SELECT value_bytes FROM " + table + " WHERE " + where)) {
            bind(ps, 1, keys);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] stored = rs.next() ? rs.getBytes(1) : null;
                if (!Arrays.equals(stored, bytes)) {
                    throw new SQLException(
                            "the database kept " + (stored == null ? "no row" : stored.length + " bytes") + " of the "
                                    + bytes.length + " bytes written to " + table + ".value_bytes, so nothing was"
                                    + " stored (is the column too small? on MySQL or MariaDB use LONGBLOB)",
                            "22001");
                }
            }
        }
    }

    private static void bind(PreparedStatement ps, int first, String[] keys) throws SQLException {
        for (int i = 0; i < keys.length; i++) {
            ps.setString(first + i, keys[i]);
        }
    }

    /** An integrity constraint violation (SQLState class 23): here, the row exists already. */
    private static boolean duplicateKey(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException
                || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
    }

    /** Creates the table with {@code ddl} unless it exists; safe when several clients race. */
    public void createTable(String store, String ddl) {
        call("creating table " + table, store, (c, d) -> {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(queryTimeoutSeconds());
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
        try (PreparedStatement ps = prepare(c, "SELECT 1 FROM " + table + " WHERE 1 = 0")) {
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
