package dev.synod.zookeeper.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts ZooKeeper requests per kind, as sent by {@link CountingZooKeeper} handles. */
public final class RequestCounter {
    /** Kinds of requests that change state on the server (they go through the leader). */
    public static final java.util.Set<String> WRITES = java.util.Set.of("multi", "setData", "create", "delete");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder notifications = new LongAdder();

    private final Map<String, Runnable> hooks = new ConcurrentHashMap<>();

    void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        Runnable hook = hooks.remove(kind);
        if (hook != null) {
            hook.run();
        }
    }

    /** Runs {@code hook} once, on the sending thread, just before the next request of {@code kind} is sent. */
    public void beforeNext(String kind, Runnable hook) {
        hooks.put(kind, hook);
    }

    void notified() {
        notifications.increment();
    }

    /**
     * Data notifications (created, changed, deleted) delivered to the watchers this client added;
     * not requests, so not part of {@link #total()}.
     */
    public long notifications() {
        return notifications.sum();
    }

    /** A snapshot, by kind, without zero entries. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v.sum() > 0) {
                out.put(k, v.sum());
            }
        });
        return out;
    }

    public long get(String kind) {
        LongAdder a = counts.get(kind);
        return a == null ? 0 : a.sum();
    }

    public long writes() {
        return WRITES.stream().mapToLong(this::get).sum();
    }

    public long total() {
        return snapshot().values().stream().mapToLong(Long::longValue).sum();
    }

    public void reset() {
        counts.values().forEach(LongAdder::reset);
        notifications.reset();
    }
}
