package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.ChangeListener;
import dev.synod.stm.spi.Versioned;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The states of the opened cells, and the listeners told of every advance.
 *
 * <p>A cell's slot only moves forward by stamp ({@code mzxid}): whoever learns of a newer state
 * first (the watch worker, a {@code fetch}, a commit reply) advances it, everyone else finds it
 * already newer and does nothing. Each advance enqueues exactly one notification, inside the
 * slot's monitor, so notifications of one cell are queued in advance order; they are delivered on
 * one notifier thread that holds no lock, and a listener that throws is logged and skipped.
 */
final class CellCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CellCache.class);

    /** Mutable state of one opened cell; guarded by its own monitor. */
    private static final class Slot {
        private Versioned value;
        private long stamp;
        private boolean deleted;
        /** Whether an open() completed (its watch in place): only then may open() skip the read. */
        private boolean opened;
        /** open() calls in progress for this cell. */
        private int openers;
        /**
         * Whether this client stopped watching the cell ({@link #quiet}): its state is then only
         * what this client's own commits and reads brought, and may trail the service.
         */
        private boolean quiet;

        /** A placeholder for a cell being opened: events for it are tracked from now on. */
        Slot() {
            this.value = null;
            this.stamp = -1;
        }
    }

    /** A snapshot of a slot. */
    record State(Versioned value, long stamp, boolean deleted, boolean opened, boolean quiet) {}

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier;

    CellCache(String threadName) {
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts tracking a cell before its watch and first read are sent, so that no change between
     * that read and the moment the cell counts as open can be missed by the watch worker. Every
     * call must be followed by {@link #opened} or {@link #release}.
     */
    void reserve(String name) {
        slots.compute(name, (n, slot) -> {
            Slot s = slot == null ? new Slot() : slot;
            synchronized (s) {
                s.openers++;
            }
            return s;
        });
    }

    /**
     * An open() succeeded: its watch is in place and its read is in the cache, so later opens may
     * be served from the cache.
     */
    void opened(String name) {
        Slot slot = slots.get(name);
        if (slot != null) {
            synchronized (slot) {
                slot.opened = true;
                slot.openers--;
            }
        }
    }

    /**
     * An open() failed: stops tracking the cell unless it was opened before or another open() of
     * it is still in progress (a state that a refresh or a fetch gave the placeholder meanwhile
     * does not count: without an open, nothing made sure the cell is watched).
     *
     * @return whether the cell is no longer tracked
     */
    boolean release(String name) {
        Slot left = slots.computeIfPresent(name, (n, slot) -> {
            synchronized (slot) {
                slot.openers--;
                return slot.opened || slot.openers > 0 ? slot : null;
            }
        });
        return left == null;
    }

    boolean isOpen(String name) {
        return slots.containsKey(name);
    }

    /**
     * Marks an opened cell as no longer watched (see {@code ZkCoordinator#updatesOnly}).
     *
     * @return whether it was watched until now (false: not opened, deleted or already quiet)
     */
    boolean quiet(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (!slot.opened || slot.deleted || slot.quiet) {
                return false;
            }
            slot.quiet = true;
            return true;
        }
    }

    /** Whether this client stopped watching the cell (its state may trail the service). */
    boolean isQuiet(String name) {
        State s = state(name);
        return s != null && s.quiet();
    }

    /** The cell is watched again, and its state was read after the watch was in place. */
    void watchedAgain(String name) {
        Slot slot = slots.get(name);
        if (slot != null) {
            synchronized (slot) {
                slot.quiet = false;
            }
        }
    }

    /**
     * The state of a tracked cell, or {@code null} if the cell is not tracked; the value is null
     * while the cell is being opened.
     */
    State state(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return null;
        }
        synchronized (slot) {
            return new State(slot.value, slot.stamp, slot.deleted, slot.opened, slot.quiet);
        }
    }

    /** The stamp known for an opened cell (its deletion counts), or -1 if it is not open. */
    long stampOf(String name) {
        State s = state(name);
        return s == null ? -1 : s.stamp();
    }

    /** Size in bytes of the cached data of a cell, or 0 if unknown. */
    int sizeOf(String name) {
        State s = state(name);
        return s == null || s.value() == null ? 0 : s.value().data().length;
    }

    /** Every tracked cell: opened, or being opened (its watch may already be in place). */
    List<String> openedNames() {
        return List.copyOf(slots.keySet());
    }

    /**
     * Advances an opened cell to {@code fresh} if that is newer than what is known, and enqueues
     * one notification.
     *
     * @return whether the cache advanced
     */
    boolean advance(Versioned fresh) {
        Slot slot = slots.get(fresh.name());
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            if (fresh.stamp() <= slot.stamp) {
                return false;
            }
            Versioned previous = slot.deleted ? null : slot.value;
            boolean firstState = slot.value == null && !slot.deleted;
            slot.value = fresh;
            slot.stamp = fresh.stamp();
            slot.deleted = false;
            if (!firstState && wanted(fresh.name())) {
                // the first state of a cell being opened is returned by open(), it is not a change
                notifyListeners(l -> l.onChange(previous, fresh));
            }
            return true;
        }
    }

    /**
     * Marks an opened cell deleted (once) and enqueues one {@code onDelete}.
     *
     * @param stamp the zxid of the deletion, or 0 if unknown
     */
    void markDeleted(String name, long stamp) {
        Slot slot = slots.get(name);
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (slot.deleted || slot.value == null || (stamp > 0 && stamp < slot.stamp)) {
                return; // already deleted, or still being opened (open() finds out by itself)
            }
            slot.deleted = true;
            slot.stamp = Math.max(slot.stamp, stamp);
            notifyListeners(l -> l.onDelete(name));
        }
    }

    AutoCloseable subscribe(ChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Whether a listener wants the changes of this cell (no hand-off to the notifier otherwise). */
    private boolean wanted(String name) {
        for (ChangeListener l : listeners) {
            if (l.wants(name)) {
                return true;
            }
        }
        return false;
    }

    private void notifyListeners(ListenerCall call) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            notifier.execute(() -> {
                for (ChangeListener l : listeners) {
                    try {
                        call.call(l);
                    } catch (VirtualMachineError e) {
                        throw e;
                    } catch (RuntimeException | Error e) {
                        LOG.warn("a change listener threw; ignored", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("notification dropped: the coordinator is closed");
        }
    }

    @Override
    public void close() {
        notifier.shutdown();
    }

    @FunctionalInterface
    private interface ListenerCall {
        void call(ChangeListener listener);
    }
}
