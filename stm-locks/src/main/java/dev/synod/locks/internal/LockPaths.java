package dev.synod.locks.internal;

import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.curator.utils.ZKPaths;

/**
 * Validated names and the znode layout of one lock: lock nodes live directly under {@code
 * <basePath>/locks/<name>}, condition waiters under {@code <basePath>/conditions/<name>/<condition>}.
 * Paths are absolute ZooKeeper paths (any Curator namespace already applied).
 */
public record LockPaths(String name, String lockRoot, String conditionsRoot) {
    /** The default base path of every Synod lock. */
    public static final String DEFAULT_BASE_PATH = "/synod";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public LockPaths {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lockRoot, "lockRoot");
        Objects.requireNonNull(conditionsRoot, "conditionsRoot");
    }

    /**
     * Builds the layout of lock {@code name} under {@code basePath}, inside the client's {@code
     * namespace} (may be null).
     *
     * @throws NullPointerException if {@code basePath} or {@code name} is null
     * @throws IllegalArgumentException naming the bad value when the name or base path is invalid,
     *     e.g. has a "." or ".." segment
     */
    public static LockPaths of(String namespace, String basePath, String name) {
        Objects.requireNonNull(basePath, "basePath must not be null");
        Objects.requireNonNull(name, "name must not be null");
        validateName(name);
        if (!basePath.startsWith("/")
                || (basePath.length() > 1
                        && !NAME.matcher(basePath.substring(1)).matches())) {
            throw new IllegalArgumentException("basePath must be an absolute path of [A-Za-z0-9._-] segments"
                    + " separated by '/' but was '" + basePath + "'");
        }
        if (hasDotSegment(basePath.substring(1))) {
            throw new IllegalArgumentException(
                    "basePath must not contain '.' or '..' segments but was '" + basePath + "'");
        }
        String base = ZKPaths.fixForNamespace(namespace, basePath);
        String root = ZKPaths.makePath(base, "locks/" + name);
        String conditions = ZKPaths.makePath(base, "conditions/" + name);
        return new LockPaths(name, root, conditions);
    }

    /** Longest accepted lock name, in characters (as for ref names). */
    public static final int MAX_NAME_LENGTH = 400;

    /**
     * Checks a lock name: at most {@value #MAX_NAME_LENGTH} characters, [A-Za-z0-9._-] segments
     * separated by '/'; "." and ".." are not names.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException naming the bad value when the name is invalid
     */
    public static void validateName(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("lock name must be at most " + MAX_NAME_LENGTH + " characters but was "
                    + name.length() + " ('" + name.substring(0, 40) + "...')");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "lock name must be [A-Za-z0-9._-] segments separated by '/' but was '" + name + "'");
        }
        if (hasDotSegment(name)) {
            throw new IllegalArgumentException(
                    "lock name must not contain '.' or '..' segments but was '" + name + "'");
        }
    }

    /** Whether a relative path of '/'-separated segments has a "." or ".." segment. */
    private static boolean hasDotSegment(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code segment} can be one segment of a lock name (a znode no lock uses otherwise). */
    public static boolean isNameSegment(String segment) {
        return SEGMENT.matcher(segment).matches() && !segment.equals(".") && !segment.equals("..");
    }

    /** Checks a condition name: one [A-Za-z0-9._-] segment. */
    public static void validateConditionName(String condition) {
        Objects.requireNonNull(condition, "condition must not be null");
        if (!SEGMENT.matcher(condition).matches() || condition.equals(".") || condition.equals("..")) {
            throw new IllegalArgumentException(
                    "condition name must be one [A-Za-z0-9._-] segment but was '" + condition + "'");
        }
    }

    /** Root of the waiter nodes of one condition of this lock. */
    public String conditionRoot(String condition) {
        validateConditionName(condition);
        return ZKPaths.makePath(conditionsRoot, condition);
    }
}
