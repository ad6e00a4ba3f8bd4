package dev.synod.plugins.jdbc;

import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.Timeouts;
import dev.synod.plugins.internal.Values;
import dev.synod.plugins.jdbc.internal.JdbcStore;
import dev.synod.plugins.jdbc.internal.SqlDialect;
import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link StateContainer} (the latest value only, for atoms) in a SQL table: one row per
 * container name, values encoded by a {@link Codec} (JSON by default). Many containers share one
 * table, created by {@link #init()} if absent (PostgreSQL shown; H2 uses {@code
 * VARBINARY(1000000000)}; MySQL and MariaDB {@code LONGBLOB}, and names compared exactly, {@code
 * CHARACTER SET ascii COLLATE ascii_bin}; other databases {@code BLOB}):
 *
 * <pre>{@code
 * CREATE TABLE IF NOT EXISTS synod_values (
 *     ref_name    VARCHAR(400) NOT NULL PRIMARY KEY,
 *     value_bytes BYTEA        NOT NULL,
 *     fence       BIGINT)
 * }</pre>
 *
 * <p>The container {@linkplain #fencing() fences}: {@link #set(Object, long)} stores only if the
 * row's {@code fence} holds no higher token (see {@link StateContainer}). A table made before the
 * column existed gets it from {@link #init()}, or from the first write.
 *
 * <p>On other databases (not PostgreSQL, MySQL, MariaDB or H2), and on MySQL and MariaDB when
 * the table was made with a value column other than {@code LONGBLOB}, a write is an update, else
 * an insert, in one transaction that reads the row back before it commits: a value the column cut
 * short fails with a {@link dev.synod.stm.StateStoreException} instead of being stored.
 *
 * <p>Thread-safe; may be used from several JVMs at once: of writes with {@link #set(Object)} the
 * last wins, of fenced writes the one with the highest token, also when writers create the row at
 * once. Every method blocks on the database, borrowing one connection per call,
 * and waits for the database at most the {@linkplain Builder#timeout(Duration) timeout} (default
 * 10 s). Database failures are thrown as {@link dev.synod.stm.StateStoreException} whose message
 * contains {@link #describe()} (and "timed out" with the timeout when it expired); a null value
 * throws {@link NullPointerException}; undecodable bytes or a NULL {@code value_bytes} (another writer's) {@link
 * dev.synod.stm.CorruptRecordException}.
 * Two containers are {@linkplain #equals equal} when they keep their value in the same place, so a
 * {@code Stm} refuses to open two atoms over them.
 *
 * @param <T> the value type
 */
public final class JdbcStateContainer<T> implements StateContainer<T> {
    /** The table used unless {@link Builder#table(String)} says otherwise. */
    public static final String DEFAULT_TABLE = "synod_values";

    private final JdbcStore store;
    private final String name;
    private final Codec<T> codec;
    private final String table;

    private JdbcStateContainer(Builder<T> b) {
        this.store = new JdbcStore(b.dataSource, b.table, b.label, b.timeout, "ref_name");
        this.name = b.name;
        this.codec = b.codec;
        this.table = b.table;
    }

    /**
     * Starts building a container named {@code name} (the rules of ref names).
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code name} is invalid
     */
    public static <T> Builder<T> builder(DataSource dataSource, String name, Codec<T> codec) {
        return new Builder<>(dataSource, name, codec);
    }

    /** As {@link #builder(DataSource, String, Codec)} with {@code Codec.json(type)}. */
    public static <T> Builder<T> builder(DataSource dataSource, String name, Class<T> type) {
        return new Builder<>(dataSource, name, Codec.json(type));
    }

    /** Creates the table if it does not exist. Idempotent, safe when clients race. */
    @Override
    public void init() {
        SqlDialect dialect = store.call("inspecting the database", describe(), (c, d) -> d);
        store.createTable(
                describe(),
                "CREATE TABLE IF NOT EXISTS " + table + " (ref_name " + dialect.keyType(400, true)
                        + " NOT NULL PRIMARY KEY, value_bytes " + dialect.binaryType() + " NOT NULL, fence BIGINT)");
        store.addColumnIfMissing(describe(), "fence", "BIGINT"); // a table made before fencing
        fenceColumn = true;
    }

    /** Whether the table is known to have its {@code fence} column. */
    private volatile boolean fenceColumn;

    private void ensureFenceColumn() {
        if (!fenceColumn) {
            store.addColumnIfMissing(describe(), "fence", "BIGINT");
            fenceColumn = true;
        }
    }

    /** Deletes this container's row. Idempotent. */
    @Override
    public void destroy() {
        store.call("destroying", describe(), (c, d) -> {
            try (PreparedStatement ps = store.prepare(c, "DELETE FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * @throws NoSuchRefException if no value was set (or it was destroyed)
     * @throws dev.synod.stm.CorruptRecordException if the row's {@code value_bytes} is NULL or
     *     cannot be decoded (another writer's)
     */
    @Override
    public T get() {
        byte[] bytes = store.call("reading", describe(), (c, d) -> {
            try (PreparedStatement ps = store.prepare(c, "SELECT value_bytes FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? JdbcRows.valueBytes(rs, describe(), "the row of '" + name + "'") : null;
                }
            }
        });
        if (bytes == null) {
            throw new NoSuchRefException("no value in " + describe());
        }
        return Values.decode(codec, bytes, describe(), "the value");
    }

    /** Stores the value and clears the row's fencing token. */
    @Override
    public void set(T value) {
        byte[] bytes = Values.encode(codec, value, describe());
        ensureFenceColumn();
        store.call("writing", describe(), (c, d) -> store.putFenced(c, d, bytes, null, name));
    }

    /**
     * Stores the value unless the row's {@code fence} column holds a higher token: a conditional
     * update, else an insert, in one transaction. A table made before the column existed gets it
     * (nullable {@code BIGINT}) from {@link #init()} or on first use.
     */
    @Override
    public boolean set(T value, long token) {
        byte[] bytes = Values.encode(codec, value, describe());
        ensureFenceColumn();
        return store.call("writing", describe(), (c, d) -> store.putFenced(c, d, bytes, token, name));
    }

    @Override
    public boolean fencing() {
        return true;
    }

    /** {@code jdbc[<JDBC URL or label>]/<table>[<name>]}. */
    public String describe() {
        return store.describe() + "[" + name + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Whether {@code o} is a {@code JdbcStateContainer} keeping its value in the same place: the
     * same {@link DataSource} object, the same table (ignoring case, as SQL does for unquoted names)
     * and the same name. Codec, label and timeout do not count.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcStateContainer<?> other && store.sameTable(other.store) && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return store.tableHash() * 31 + name.hashCode();
    }

    /** Configures a {@link JdbcStateContainer}. Not thread-safe; build once and share. */
    public static final class Builder<T> {
        private final DataSource dataSource;
        private final String name;
        private final Codec<T> codec;
        private String table = DEFAULT_TABLE;
        private String label;
        private Duration timeout = Timeouts.DEFAULT;

        private Builder(DataSource dataSource, String name, Codec<T> codec) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.name = Names.containerName(name);
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** The table ({@code table} or {@code schema.table}); default {@value #DEFAULT_TABLE}. */
        public Builder<T> table(String table) {
            this.table = Names.sqlTable(table);
            return this;
        }

        /** How error messages name the database; default the JDBC URL once known. */
        public Builder<T> label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * The longest one operation waits for the database; default 10 s. Applied as in {@link
         * JdbcVersionedStateContainer.Builder#timeout(Duration)}.
         *
         * @throws IllegalArgumentException if it is not 1 ms to {@link Integer#MAX_VALUE} ms
         */
        public Builder<T> timeout(Duration timeout) {
            this.timeout = Timeouts.check(timeout);
            return this;
        }

        /** The container. */
        public JdbcStateContainer<T> build() {
            return new JdbcStateContainer<>(this);
        }
    }
}
