package dev.synod.locks.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * The lock cores of this process, one per Curator client and lock root: every lock object of one
 * client (or of any namespace facade of it, which shares its session) and lock node path uses the
 * same core, so per-thread holds belong to the lock, not to the object, and a thread that holds the
 * lock through one object re-enters it through another instead of waiting for itself.
 *
 * <p>Held weakly, so nothing leaks: a core is kept while a lock object uses it, or while a hold or
 * waiter keeps its engine registered with the client (a held lock stays shared even when its object
 * is dropped); a client's table goes with the client. Thread-safe; used only when lock objects are
 * constructed, never on acquire or release.
 */
public final class SharedCores {
    /** Per client (any facade of it maps to the same ZooKeeper client object): lock key to core. */
    private static final Map<Object, Map<String, Entry>> CORES = new WeakHashMap<>();

    private static final ReferenceQueue<Object> CLEARED = new ReferenceQueue<>();

    /** A weakly held core, with what it takes to remove its entry once the core is collected. */
    private static final class Entry extends WeakReference<Object> {
        final Map<String, Entry> table;
        final String key;

        Entry(Object core, Map<String, Entry> table, String key) {
            super(core, CLEARED);
            this.table = table;
            this.key = key;
        }
    }

    private SharedCores() {}

    /**
     * The core of kind {@code type} for the lock at {@code lockRoot} (an absolute path) of {@code
     * client}: the one already in use, or a new one from {@code create}, which runs under this
     * registry's lock and must not block.
     */
    public static synchronized <T> T get(
            CuratorFramework client, String lockRoot, Class<T> type, Supplier<? extends T> create) {
        Objects.requireNonNull(client, "client must not be null");
        expungeCleared();
        Map<String, Entry> table = CORES.computeIfAbsent(client.getZookeeperClient(), c -> new HashMap<>());
        String key = type.getName() + ' ' + lockRoot;
        Entry entry = table.get(key);
        Object existing = entry == null ? null : entry.get();
        if (type.isInstance(existing)) {
            return type.cast(existing);
        }
        T created = Objects.requireNonNull(create.get(), "created core");
        table.put(key, new Entry(created, table, key));
        return created;
    }

    private static void expungeCleared() {
        for (Object cleared; (cleared = CLEARED.poll()) != null; ) {
            Entry entry = (Entry) cleared;
            entry.table.remove(entry.key, entry);
        }
    }
}
