package dev.synod.plugins.jdbc;

import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.Timeouts;
import dev.synod.plugins.internal.Values;
import dev.synod.plugins.jdbc.internal.JdbcStore;
import dev.synod.plugins.jdbc.internal.SqlDialect;
import dev.synod.stm.Codec;
import dev.synod.stm.spi.VersionedStateContainer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link VersionedStateContainer} in a SQL table, for refs whose values are too large or too hot
 * for the coordinator: {@code stm.ref(name, container, initial)}. Values are encoded by a {@link
 * Codec} (JSON by default) and stored as bytes, one row per (container name, version key). Many
 * containers share one table.
 *
 * <p>The table is created by {@link #init()} if absent (PostgreSQL shown; H2 uses {@code
 * VARBINARY(1000000000)}; MySQL and MariaDB {@code LONGBLOB}, and key columns compared exactly,
 * {@code CHARACTER SET ascii COLLATE ascii_bin} for names and {@code VARBINARY(800)} for version keys;
 * other databases {@code BLOB}):
 *
 * <pre>{@code
 * CREATE TABLE IF NOT EXISTS synod_versions (
 *     ref_name    VARCHAR(400) NOT NULL,
 *     version_key VARCHAR(200) NOT NULL,
 *     value_bytes BYTEA        NOT NULL,
 *     PRIMARY KEY (ref_name, version_key))
 * }</pre>
 *
 * <p>On other databases (not PostgreSQL, MySQL, MariaDB or H2), and on MySQL and MariaDB when
 * the table was made with a value column other than {@code LONGBLOB}, a write is an update, else
 * an insert, in one transaction that reads the row back before it commits: a value the column cut
 * short fails with a {@link dev.synod.stm.StateStoreException} instead of being stored.
 *
 * <pre>{@code
 * VersionedStateContainer<Report> reports =
 *         JdbcVersionedStateContainer.builder(dataSource, "reports/daily", Report.class).build();
 * Ref<Report> daily = stm.ref("reports/daily", reports, Report.empty());
 * }</pre>
 *
 * <p>Thread-safe; may be used from several JVMs at once. Every method blocks on the database,
 * borrowing one connection from the {@link DataSource} per call (use a pooled one), and waits for
 * the database at most the {@linkplain Builder#timeout(Duration) timeout} (default 10 s). Any
 * database failure is thrown as {@link dev.synod.stm.StateStoreException} whose message contains
 * {@link #describe()} (and "timed out" with the timeout when it expired); null arguments throw
 * {@link NullPointerException}, an empty or over-long version key {@link IllegalArgumentException},
 * and bytes the codec cannot decode or a NULL {@code value_bytes} (another writer's) {@link
 * dev.synod.stm.CorruptRecordException}.
 *
 * <p>Two containers are {@linkplain #equals equal} when they keep their values in the same place,
 * so a {@code Stm} refuses to open two refs over them.
 *
 * @param <T> the value type
 */
public final class JdbcVersionedStateContainer<T> implements VersionedStateContainer<T> {
    /** The table used unless {@link Builder#table(String)} says otherwise. */
    public static final String DEFAULT_TABLE = "synod_versions";

    private final JdbcStore store;
    private final String name;
    private final Codec<T> codec;
    private final String table;

    private JdbcVersionedStateContainer(Builder<T> b) {
        this.store = new JdbcStore(b.dataSource, b.table, b.label, b.timeout, "ref_name", "version_key");
        this.name = b.name;
        this.codec = b.codec;
        this.table = b.table;
    }

    /**
     * Starts building a container named {@code name} (the rules of ref names) over {@code
     * dataSource}, encoding values with {@code codec}.
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
                "CREATE TABLE IF NOT EXISTS " + table + " (ref_name " + dialect.keyType(400, true) + " NOT NULL,"
                        + " version_key " + dialect.keyType(200, false) + " NOT NULL, value_bytes "
                        + dialect.binaryType() + " NOT NULL, PRIMARY KEY (ref_name, version_key))");
    }

    /** Deletes this container's rows (the table stays: other containers share it). Idempotent. */
    @Override
    public void destroy() {
        store.call("destroying", describe(), (c, d) -> {
            try (PreparedStatement ps = store.prepare(c, "DELETE FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<T> getAt(String version) {
        Names.versionKey(version);
        byte[] bytes = store.call("reading version '" + version + "'", describe(), (c, d) -> {
            try (PreparedStatement ps =
                    store.prepare(c, "SELECT value_bytes FROM " + table + " WHERE ref_name = ? AND version_key = ?")) {
                ps.setString(1, name);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? JdbcRows.valueBytes(rs, describe(), "version '" + version + "'") : null;
                }
            }
        });
        return bytes == null
                ? Optional.empty()
                : Optional.of(Values.decode(codec, bytes, describe(), "version '" + version + "'"));
    }

    /** Stores {@code value} under {@code version}, replacing any value already there. */
    @Override
    public void setAt(T value, String version) {
        Objects.requireNonNull(value, "value");
        Names.versionKey(version);
        byte[] bytes = Values.encode(codec, value, describe());
        store.call("writing version '" + version + "'", describe(), (c, d) -> {
            store.put(c, d, bytes, name, version);
            return null;
        });
    }

    @Override
    public void deleteAt(String version) {
        Names.versionKey(version);
        store.call("deleting version '" + version + "'", describe(), (c, d) -> {
            try (PreparedStatement ps =
                    store.prepare(c, "DELETE FROM " + table + " WHERE ref_name = ? AND version_key = ?")) {
                ps.setString(1, name);
                ps.setString(2, version);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Collection<String> versions() {
        return store.call("listing versions", describe(), (c, d) -> {
            try (PreparedStatement ps = store.prepare(c, "SELECT version_key FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                List<String> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
                return List.copyOf(keys);
            }
        });
    }

    /** {@code jdbc[<JDBC URL or label>]/<table>[<name>]}. */
    @Override
    public String describe() {
        return store.describe() + "[" + name + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Whether {@code o} is a {@code JdbcVersionedStateContainer} keeping its values in the same
     * place: the same {@link DataSource} object, the same table (ignoring case, as SQL does for
     * unquoted names) and the same name. Codec, label and timeout do not count. Containers over two
     * DataSource objects for one database are not recognised as equal.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcVersionedStateContainer<?> other
                && store.sameTable(other.store)
                && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return store.tableHash() * 31 + name.hashCode();
    }

    /** Configures a {@link JdbcVersionedStateContainer}. Not thread-safe; build once and share. */
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

        /**
         * The table, {@code table} or {@code schema.table} of unquoted identifiers; default {@value
         * #DEFAULT_TABLE}.
         *
         * @throws IllegalArgumentException if it is not a plain identifier
         */
        public Builder<T> table(String table) {
            this.table = Names.sqlTable(table);
            return this;
        }

        /**
         * How error messages name the database (e.g. {@code postgresql://db1:5432/app}); default
         * the JDBC URL once a connection succeeded, before that the DataSource's class name.
         */
        public Builder<T> label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * The longest one operation waits for the database; default 10 s. It is the connection's
         * network timeout during the operation (the driver closes a connection that stops
         * answering; the previous value is restored on a healthy one), with a statement query
         * timeout one second longer (whole seconds) for drivers without network timeouts. Expiry is
         * a {@link dev.synod.stm.StateStoreException} saying "timed out". Borrowing the connection
         * is bounded by the pool's and driver's own timeouts.
         *
         * @throws IllegalArgumentException if it is not 1 ms to {@link Integer#MAX_VALUE} ms
         */
        public Builder<T> timeout(Duration timeout) {
            this.timeout = Timeouts.check(timeout);
            return this;
        }

        /** The container. */
        public JdbcVersionedStateContainer<T> build() {
            return new JdbcVersionedStateContainer<>(this);
        }
    }
}
