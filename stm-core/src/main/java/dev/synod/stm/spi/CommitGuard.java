package dev.synod.stm.spi;

import java.util.Objects;

/**
 * An extra condition on a commit that is not a ref: typically "this lock node still exists", so
 * that writes made under a distributed lock cannot commit after the lock was lost.
 *
 * <p>The path is interpreted by the coordinator: for ZooKeeper it is an absolute znode path
 * (outside the Synod namespace) and the commit carries {@code check(path, version)}. A version of
 * {@link #ANY_VERSION} only requires the node to exist. When a guard fails the transaction is not
 * retried: it fails with {@code LockLostException} naming the guard. ZooKeeper refuses a path that
 * is not a valid znode path, or a version over {@link Integer#MAX_VALUE}, with {@link
 * IllegalArgumentException} when the transaction commits, before anything is sent.
 *
 * @param path coordinator-specific path of the guarding node
 * @param version required version, or {@link #ANY_VERSION}
 * @param description what the guard stands for, used in error messages (e.g. "lock 'orders'")
 */
public record CommitGuard(String path, long version, String description) {
    /** Any version: the guarding node only has to exist. */
    public static final long ANY_VERSION = -1;

    public CommitGuard {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(description, "description");
        if (version < ANY_VERSION) {
            throw new IllegalArgumentException("version must be >= -1 but was " + version);
        }
    }
}
