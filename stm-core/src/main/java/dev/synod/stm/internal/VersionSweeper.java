package dev.synod.stm.internal;

import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.spi.VersionedStateContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the versions that refs and atoms kept in external containers no longer need: all of
 * them when one is destroyed, and the orphans (staged by commits that failed or whose clients
 * died, never pointed at by a record) when asked. A version is deleted only when the latest
 * record does not point at it, and an orphan only when staged long enough ago that it cannot
 * belong to a commit still in flight.
 */
final class VersionSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(VersionSweeper.class);

    /**
     * How long ago a version must have been staged for {@link #destroy} to take it for an
     * orphan: versions staged since may belong to a ref of the same name created again meanwhile,
     * by a client whose clock may run somewhat behind.
     */
    static final Duration DESTROY_ORPHAN_AGE = Duration.ofMinutes(1);

    private final Engine engine;

    VersionSweeper(Engine engine) {
        this.engine = engine;
    }

    /**
     * Destroys an identity kept in an external container: deletes its cell, then exactly the
     * versions its last record pointed at, and the versions no record points at that were staged
     * {@link #DESTROY_ORPHAN_AGE} or more before. Never the whole container: a ref of the same name
     * created again right after the cell went (by another client, say) keeps its new versions.
     * A writer whose commit was in flight fails it and deletes its own staged version.
     */
    void destroy(IdentityBase<?> identity, VersionedStateContainer<?> container) {
        engine.checkDestroyable(identity);
        String name = identity.name;
        long cutoff = System.currentTimeMillis() - DESTROY_ORPHAN_AGE.toMillis();
        Set<String> referenced;
        try {
            referenced = referencedKeys(Record.decode(
                    engine.where(name),
                    engine.coordinator().fetch(List.of(name)).get(0).data()));
        } catch (NoSuchRefException e) {
            referenced = Set.of(); // gone already: only orphans are left to remove
        } catch (CorruptRecordException e) {
            // another writer's bytes: they name no versions; the cell goes, and of the versions
            // only the orphans old enough (those the cell pointed at may stay in the store)
            LOG.warn("destroying '{}', whose cell holds no record Synod can read: {}", name, e.getMessage());
            referenced = Set.of();
        }
        engine.destroy(identity);
        for (String key : referenced) {
            External.deleteQuietly(container, name, key);
        }
        try {
            for (String key : orphans(List.copyOf(container.versions()), referenced, cutoff)) {
                External.deleteQuietly(container, name, key);
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not list the versions of destroyed '{}' in {} to remove orphans",
                    name,
                    container.describe(),
                    e);
        }
    }

    /**
     * Deletes the versions of {@code name} in {@code container} that no record points at and that
     * were staged {@code olderThan} or longer ago (see {@link dev.synod.stm.Stm#sweepOrphans}).
     *
     * @return how many were deleted
     * @throws StateStoreException if the container cannot be listed or a deletion fails
     */
    int sweep(String name, VersionedStateContainer<?> container, Duration olderThan) {
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        // List first, then read the latest record: a version committed in between is referenced
        // by that record; read the other way round, it would look like an orphan.
        List<String> listed;
        try {
            listed = List.copyOf(container.versions());
        } catch (StateStoreException | CorruptRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException(
                    "listing the versions of '" + name + "' in " + container.describe() + " failed: " + e, e);
        }
        Set<String> referenced = referencedKeys(Record.decode(
                engine.where(name),
                engine.coordinator().fetchLatest(List.of(name)).get(0).data()));
        int deleted = 0;
        try {
            for (String key : orphans(listed, referenced, cutoff)) {
                container.deleteAt(key);
                deleted++;
            }
        } catch (StateStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException("sweeping '" + name + "' in " + container.describe() + " failed: " + e, e);
        }
        if (deleted > 0) {
            LOG.info("swept {} orphaned versions of '{}' from {}", deleted, name, container.describe());
        }
        return deleted;
    }

    /** The version keys a record points at: its value's and those of the earlier values it keeps. */
    private static Set<String> referencedKeys(Record record) {
        Set<String> keys = new HashSet<>();
        keys.add(External.key(record.value()));
        for (Record.Entry h : record.history()) {
            if (h.value().length > 0) { // an atom's id-only entry points at nothing
                keys.add(External.key(h.value()));
            }
        }
        return keys;
    }

    /** The versions of {@code container} not in {@code referenced} that were staged at or before {@code cutoff}. */
    private static List<String> orphans(List<String> listed, Set<String> referenced, long cutoff) {
        List<String> orphans = new ArrayList<>();
        for (String key : listed) {
            OptionalLong stagedAt = VersionKeys.stagedAt(key);
            if (!referenced.contains(key) && stagedAt.isPresent() && stagedAt.getAsLong() <= cutoff) {
                orphans.add(key);
            }
        }
        return orphans;
    }
}
