package dev.synod.stm.internal;

import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.StmException;
import dev.synod.stm.spi.VersionedStateContainer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading, staging and deleting values in external containers, with store failures named. */
final class External {
    private static final Logger LOG = LoggerFactory.getLogger(External.class);

    private External() {}

    static String key(byte[] pointer) {
        return new String(pointer, StandardCharsets.UTF_8);
    }

    /** The value a record's pointer names; {@link VersionGoneException} if it is missing. */
    static <T> T read(VersionedStateContainer<T> container, String name, byte[] pointer) {
        String key = key(pointer);
        try {
            return container
                    .getAt(key)
                    .orElseThrow(() -> new VersionGoneException("'" + name + "' points at version '" + key + "' of "
                            + container.describe() + ", which does not exist"));
        } catch (IllegalArgumentException e) {
            // the keys we stage are valid ones: a refused key means a corrupt record or another container
            throw new CorruptRecordException(
                    "'" + name + "' points at version '" + abbreviate(key) + "' of "
                            + container.describe() + ", which that container refuses (" + e.getMessage()
                            + "): the record"
                            + " is corrupt, or the container differs from the one the writer used",
                    e);
        } catch (RuntimeException e) {
            throw failure("reading '" + name + "' from " + container.describe(), e, false);
        }
    }

    private static String abbreviate(String key) {
        return key.length() > 100 ? key.substring(0, 100) + "..." : key;
    }

    /** Writes {@code value} under the fresh {@code key}; returns the key. */
    static <T> String stage(VersionedStateContainer<T> container, String name, T value, String key) {
        try {
            container.setAt(value, key);
            return key;
        } catch (RuntimeException e) {
            throw failure("staging '" + name + "' in " + container.describe(), e, true);
        }
    }

    /**
     * What a container's exception becomes: Synod's own exceptions (a {@code CorruptRecordException}
     * for stored bytes that cannot be decoded, a {@code StateStoreException} the container raised)
     * pass unchanged, and so does {@code IllegalArgumentException} when {@code writing} (a value the
     * codec cannot encode); anything else is a failure of the store, named.
     */
    static RuntimeException failure(String doing, RuntimeException e, boolean writing) {
        if (e instanceof StmException || (writing && e instanceof IllegalArgumentException)) {
            return e;
        }
        return new StateStoreException(doing + " failed: " + e, e);
    }

    /** Deletes a version; a failure only leaves an orphan for {@code Stm.sweepOrphans}. */
    static void deleteQuietly(VersionedStateContainer<?> container, String name, String key) {
        try {
            container.deleteAt(key);
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not delete version '{}' of '{}' from {}; Stm.sweepOrphans will remove it",
                    key,
                    name,
                    container.describe(),
                    e);
        }
    }
}
