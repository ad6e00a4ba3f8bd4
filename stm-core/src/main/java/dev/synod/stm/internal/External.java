package dev.synod.stm.internal;

import dev.synod.stm.StateStoreException;
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
        } catch (VersionGoneException | StateStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException("reading '" + name + "' from " + container.describe() + " failed: " + e, e);
        }
    }

    /** Writes {@code value} under the fresh {@code key}; returns the key. */
    static <T> String stage(VersionedStateContainer<T> container, String name, T value, String key) {
        try {
            container.setAt(value, key);
            return key;
        } catch (StateStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException("staging '" + name + "' in " + container.describe() + " failed: " + e, e);
        }
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
