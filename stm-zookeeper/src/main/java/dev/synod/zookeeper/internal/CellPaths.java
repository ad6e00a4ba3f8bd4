package dev.synod.zookeeper.internal;

import java.util.Objects;
import org.apache.zookeeper.common.PathUtils;

/**
 * Maps cell names to znode paths and back. A cell {@code a/b} lives in ONE flat znode {@code
 * <namespace>/cells/a:b}: ':' is not allowed in names, so the mapping is injective, and there are
 * no intermediate parents whose existence could be ambiguous.
 */
public final class CellPaths {
    /** Longest accepted namespace, so that the request envelope stays within a small margin. */
    public static final int MAX_NAMESPACE_LENGTH = 500;

    private final String namespace;
    private final String cellsRoot;
    private final String cellPrefix;

    /**
     * @param namespace an absolute znode path such as {@code /synod}, not the root
     * @throws IllegalArgumentException if the namespace is not a valid absolute znode path
     */
    public CellPaths(String namespace) {
        this.namespace = validateNamespace(namespace);
        this.cellsRoot = this.namespace + "/cells";
        this.cellPrefix = cellsRoot + "/";
    }

    /**
     * Validates a namespace path.
     *
     * @return the namespace
     * @throws IllegalArgumentException naming the problem
     */
    public static String validateNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace must not be null");
        if (namespace.length() > MAX_NAMESPACE_LENGTH) {
            throw new IllegalArgumentException(
                    "namespace must be at most " + MAX_NAMESPACE_LENGTH + " characters but was " + namespace.length());
        }
        if (namespace.equals("/") || !namespace.startsWith("/") || namespace.endsWith("/")) {
            throw new IllegalArgumentException(
                    "namespace must be an absolute znode path such as /synod (not the root, no trailing '/')"
                            + " but was '" + namespace + "'");
        }
        try {
            PathUtils.validatePath(namespace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "namespace must be a valid znode path but was '" + namespace + "': " + e.getMessage(), e);
        }
        return namespace;
    }

    public String namespace() {
        return namespace;
    }

    /** The parent of all cell znodes. */
    public String cellsRoot() {
        return cellsRoot;
    }

    /** The znode path of a (validated) cell name. */
    public String pathOf(String name) {
        return cellPrefix + name.replace('/', ':');
    }

    /** The cell name of a znode path, or {@code null} if the path is not a cell znode. */
    public String nameOf(String path) {
        if (path == null || !path.startsWith(cellPrefix)) {
            return null;
        }
        String leaf = path.substring(cellPrefix.length());
        if (leaf.isEmpty() || leaf.indexOf('/') >= 0) {
            return null;
        }
        return leaf.replace(':', '/');
    }
}
