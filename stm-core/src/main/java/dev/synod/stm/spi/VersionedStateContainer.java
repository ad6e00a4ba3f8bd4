package dev.synod.stm.spi;

import java.util.Collection;
import java.util.Optional;

/**
 * Where a ref keeps its values when they are not kept in the coordinator (Avout's {@code
 * VersionedStateContainer}): a value per version key. The engine writes a new value under a fresh,
 * unique version key <em>before</em> the commit, so it stays invisible until the commit's pointer
 * to it is applied; it deletes versions that belonged to aborted transactions or fell out of the
 * ref's history.
 *
 * <p>One container holds the versions of <em>one</em> ref or atom (the same one in every JVM):
 * every version it holds that the ref's history does not point at counts as an orphan, which
 * {@code Stm.sweepOrphans} and {@code destroy()} delete. Two refs sharing a container would delete
 * each other's values; give each its own (a table, a key prefix).
 *
 * <p>Implementations are thread-safe and may be used from several JVMs at once. A version key is
 * written at most once. Failures of the store are reported as {@code
 * dev.synod.stm.StateStoreException} naming the store; a version key the store cannot take (one
 * Synod never makes) as {@code IllegalArgumentException}, which the engine reports as a corrupt
 * record when the key came from a ref's record.
 *
 * @param <T> the value type
 */
public interface VersionedStateContainer<T> {
    /** Creates whatever storage is needed (tables, key spaces). Idempotent. */
    void init();

    /**
     * Removes all versions. Idempotent. For the owner of the store: {@code Ref.destroy()} and
     * {@code Atom.destroy()} do not call it, since by then the container may already hold the
     * versions of a ref of the same name created again; they delete versions one by one.
     */
    void destroy();

    /** The value stored under {@code version}, or empty if there is none. */
    Optional<T> getAt(String version);

    /** Stores {@code value} (never null) under {@code version}. */
    void setAt(T value, String version);

    /** Deletes the value under {@code version}. Deleting an absent version does nothing. */
    void deleteAt(String version);

    /** All version keys currently stored (used to sweep orphans left by crashes). */
    Collection<String> versions();

    /** A short description for error messages, e.g. {@code jdbc[postgresql://.../test]/synod_refs}. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
