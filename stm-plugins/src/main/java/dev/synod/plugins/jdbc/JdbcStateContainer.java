package dev.synod.plugins.jdbc;

import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.Values;
import dev.synod.plugins.jdbc.internal.JdbcStore;
import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A {@link StateContainer} (the latest value only, for atoms) in a SQL table: one row per
 * container name, values encoded by a {@link Codec} (JSON by default). Many containers share one
 * table, created by {@link #init()} if absent (PostgreSQL shown; H2 uses {@code
 * VARBINARY(1000000000)}, other databases {@code BLOB}):
 *
 * <pre>{@code
 * CREATE TABLE IF NOT EXISTS synod_values (
 *     ref_name    VARCHAR(400) NOT NULL PRIMARY KEY,
 *     value_bytes BYTEA        NOT NULL)
 * }</pre>
 *
 * <p>Thread-safe; may be used from several JVMs at once (last write wins). Every method blocks on
 * the database, borrowing one connection per call. Database failures are thrown as {@link
 * dev.synod.stm.StateStoreException} whose message contains {@link #describe()}; a null value
 * throws {@link NullPointerException}; undecodable bytes {@link dev.synod.stm.CorruptRecordException}.
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
        this.store = new JdbcStore(b.dataSource, b.table, b.label);
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
        String binary = store.call("inspecting the database", describe(), (c, d) -> d.binaryType());
        store.createTable(
                describe(),
                "CREATE TABLE IF NOT EXISTS " + table + " (ref_name VARCHAR(400) NOT NULL PRIMARY KEY, value_bytes "
                        + binary + " NOT NULL)");
    }

    /** Deletes this container's row. Idempotent. */
    @Override
    public void destroy() {
        store.call("destroying", describe(), (c, d) -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate();
            }
        });
    }

    /** @throws NoSuchRefException if no value was set (or it was destroyed) */
    @Override
    public T get() {
        byte[] bytes = store.call("reading", describe(), (c, d) -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT value_bytes FROM " + table + " WHERE ref_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
        if (bytes == null) {
            throw new NoSuchRefException("no value in " + describe());
        }
        return Values.decode(codec, bytes, describe(), "the value");
    }

    @Override
    public void set(T value) {
        byte[] bytes = Values.encode(codec, value, describe());
        store.call("writing", describe(), (c, d) -> {
            String upsert = d.upsert(table, "value_bytes", "ref_name");
            if (upsert != null) {
                try (PreparedStatement ps = c.prepareStatement(upsert)) {
                    ps.setString(1, name);
                    ps.setBytes(2, bytes);
                    return ps.executeUpdate();
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE " + table + " SET value_bytes = ? WHERE ref_name = ?")) {
                ps.setBytes(1, bytes);
                ps.setString(2, name);
                if (ps.executeUpdate() > 0) {
                    return 1;
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO " + table + " (ref_name, value_bytes) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setBytes(2, bytes);
                return ps.executeUpdate();
            }
        });
    }

    /** {@code jdbc[<JDBC URL or label>]/<table>[<name>]}. */
    public String describe() {
        return store.describe() + "[" + name + "]";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Configures a {@link JdbcStateContainer}. Not thread-safe; build once and share. */
    public static final class Builder<T> {
        private final DataSource dataSource;
        private final String name;
        private final Codec<T> codec;
        private String table = DEFAULT_TABLE;
        private String label;

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

        public JdbcStateContainer<T> build() {
            return new JdbcStateContainer<>(this);
        }
    }
}
