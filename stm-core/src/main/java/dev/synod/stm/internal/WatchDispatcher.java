package dev.synod.stm.internal;

import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.StateStoreException;
import dev.synod.stm.spi.ChangeListener;
import dev.synod.stm.spi.Versioned;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the coordinator's changes into watch calls on the engine's open refs and atoms, with the
 * old and the new value. Runs on the coordinator's notification thread; a watch that throws is
 * logged by {@link IdentityBase#fireWatches} and a change that cannot be decoded is logged here,
 * so nothing stops that thread.
 */
final class WatchDispatcher implements ChangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(WatchDispatcher.class);

    private final Map<String, IdentityBase<?>> identities;

    /** @param identities the engine's open identities by name (read only here) */
    WatchDispatcher(Map<String, IdentityBase<?>> identities) {
        this.identities = identities;
    }

    @Override
    public boolean wants(String name) {
        IdentityBase<?> identity = identities.get(name);
        return identity != null && identity.hasWatches();
    }

    @Override
    public void onChange(Versioned previous, Versioned current) {
        IdentityBase<?> identity = identities.get(current.name());
        if (identity == null || !identity.hasWatches()) {
            return;
        }
        try {
            if (identity instanceof DistRef<?> ref) {
                fireRef(ref, previous, current);
            } else if (identity instanceof AtomImpl<?> atom) {
                fireAtom(atom, previous, current);
            } else if (identity instanceof ContainerAtom<?> atom) {
                atom.onSettled(current);
            }
        } catch (CorruptRecordException | StateStoreException e) {
            LOG.warn("cannot deliver the change of '{}' to its watches: {}", current.name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("delivering the change of '{}' failed", current.name(), e);
        }
    }

    private <T> void fireRef(DistRef<T> ref, Versioned previous, Versioned current) {
        DistRef.Decoded<T> now;
        try {
            now = ref.decode(current);
        } catch (VersionGoneException gone) {
            return; // already superseded: the next notification reports the newer value
        }
        T old = null;
        try {
            if (previous != null) {
                old = ref.decode(previous).value();
            } else if (!now.record().history().isEmpty()) {
                old = ref.valueOf(
                        now.record().history().get(0).value(), now.record().isExternal());
            }
        } catch (VersionGoneException gone) {
            // an external version already deleted by later commits: coalesce (see below)
        }
        fire(ref, old, now.value());
    }

    private <T> void fireAtom(AtomImpl<T> atom, Versioned previous, Versioned current) {
        T now;
        try {
            now = atom.decode(current).value();
        } catch (VersionGoneException gone) {
            return;
        }
        T old = null;
        if (previous != null) {
            try {
                old = atom.decode(previous).value();
            } catch (VersionGoneException gone) {
                // coalesce
            }
        }
        fire(atom, old, now);
    }

    /** Without the exact previous value, the change is reported from the last value watched. */
    private <T> void fire(IdentityBase<T> identity, T old, T now) {
        T from = old != null ? old : identity.lastWatched();
        if (from != null) {
            identity.fireWatches(from, now);
        }
    }
}
