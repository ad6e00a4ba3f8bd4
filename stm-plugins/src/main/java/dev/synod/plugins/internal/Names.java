package dev.synod.plugins.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/** Validation of container names, version keys and SQL identifiers, failing fast with the bad value. */
public final class Names {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final int MAX_NAME = 400;
    private static final int MAX_VERSION = 200;

    private Names() {}

    /**
     * A container name: the rules of Synod ref names (segments of {@code [A-Za-z0-9._-]}, 1 to
     * 100 characters, not {@code .} or {@code ..}, separated by {@code /}; at most 400 characters).
     */
    public static String containerName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("container name must be 1 to " + MAX_NAME + " characters but was '"
                    + name + "' (" + name.length() + ")");
        }
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("invalid container name '" + name
                        + "': segments are 1 to 100 characters of [A-Za-z0-9._-], separated by '/'");
            }
        }
        return name;
    }

    /** A version key: not null, 1 to 200 characters. */
    public static String versionKey(String version) {
        Objects.requireNonNull(version, "version");
        if (version.isEmpty() || version.length() > MAX_VERSION) {
            throw new IllegalArgumentException(
                    "version key must be 1 to " + MAX_VERSION + " characters but was '" + version + "'");
        }
        return version;
    }

    /** A table name: an unquoted SQL identifier, optionally qualified by a schema ({@code schema.table}). */
    public static String sqlTable(String table) {
        Objects.requireNonNull(table, "table");
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("invalid table name '" + table + "': use table or schema.table");
        }
        for (String p : parts) {
            if (!SQL_IDENTIFIER.matcher(p).matches()) {
                throw new IllegalArgumentException("invalid table name '" + table
                        + "': each part must match [A-Za-z_][A-Za-z0-9_]{0,62} (no quoting, no spaces)");
            }
        }
        return table;
    }
}
