package dev.synod.stm.internal;

import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StmClosedException;
import dev.synod.stm.spi.ChangeListener;
import dev.synod.stm.spi.CommitGuard;
import dev.synod.stm.spi.CommitRequest;
import dev.synod.stm.spi.CommitResult;
import dev.synod.stm.spi.Coordinator;
import dev.synod.stm.spi.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator in this JVM's memory: the reference implementation of the {@link Coordinator}
 * contract. Commits are serialised by one lock; notifications are delivered in commit order on one
 * daemon thread. Several {@code Stm} instances may share one (to act as several clients).
 */
public final class InMemoryCoordinator implements Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryCoordinator.class);
    public static final int DEFAULT_MAX_CELL_SIZE = 1024 * 1024;

    private final Object commitLock = new Object();
    private final Map<String, Versioned> cells = new ConcurrentHashMap<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final int maxCellSize;
    private final ExecutorService notifier;
    private volatile long stamp;
    private volatile boolean closed;

    public InMemoryCoordinator() {
        this(DEFAULT_MAX_CELL_SIZE);
    }

    public InMemoryCoordinator(int maxCellSize) {
        if (maxCellSize <= 0) {
            throw new IllegalArgumentException("maxCellSize must be > 0 but was " + maxCellSize);
        }
        this.maxCellSize = maxCellSize;
        this.notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "synod-inmemory-notifier");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public int maxCellSize() {
        return maxCellSize;
    }

    /** Commit requests received so far (the in-memory analogue of ZooKeeper write requests). */
    public long commitRequests() {
        return requests.get();
    }

    @Override
    public Versioned open(String name, byte[] initialIfAbsent) {
        ensureOpen();
        synchronized (commitLock) {
            Versioned v = cells.get(name);
            if (v != null) {
                return v;
            }
            if (initialIfAbsent == null) {
                throw new NoSuchRefException("no ref or atom named '" + name + "' in " + describe());
            }
            long s = stamp + 1;
            Versioned created = new Versioned(name, initialIfAbsent.clone(), 0, s);
            cells.put(name, created);
            stamp = s;
            return created;
        }
    }

    @Override
    public void delete(String name) {
        ensureOpen();
        synchronized (commitLock) {
            if (cells.remove(name) != null) {
                stamp = stamp + 1;
                notifier.execute(() -> listeners.forEach(l -> guarded(() -> l.onDelete(name))));
            }
        }
    }

    @Override
    public long readPoint() {
        ensureOpen();
        return stamp;
    }

    @Override
    public Versioned current(String name) {
        ensureOpen();
        Versioned v = cells.get(name);
        if (v == null) {
            throw new NoSuchRefException("no ref or atom named '" + name + "' in " + describe());
        }
        return v;
    }

    @Override
    public List<Versioned> fetch(List<String> names) {
        ensureOpen();
        synchronized (commitLock) {
            List<Versioned> out = new ArrayList<>(names.size());
            for (String n : names) {
                out.add(current(n));
            }
            return out;
        }
    }

    @Override
    public boolean awaitReadPoint(long target, long timeout, TimeUnit unit) {
        ensureOpen();
        return stamp >= target;
    }

    @Override
    public CommitResult commit(CommitRequest request) {
        ensureOpen();
        requests.incrementAndGet();
        synchronized (commitLock) {
            for (CommitGuard g : request.guards()) {
                Versioned v = cells.get(g.path());
                if (v == null || (g.version() != CommitGuard.ANY_VERSION && v.version() != g.version())) {
                    return new CommitResult.Conflict(Set.of(), g);
                }
            }
            for (CommitRequest.Check c : request.checks()) {
                Versioned v = cells.get(c.name());
                if (v == null || v.version() != c.version()) {
                    return new CommitResult.Conflict(Set.of(c.name()), null);
                }
            }
            for (CommitRequest.Write w : request.writes()) {
                Versioned v = cells.get(w.name());
                if (v == null
                        || (w.expectedVersion() != CommitRequest.ANY_VERSION && v.version() != w.expectedVersion())) {
                    return new CommitResult.Conflict(Set.of(w.name()), null);
                }
            }
            long s = stamp + 1;
            Map<String, Versioned> written = new HashMap<>();
            List<Versioned[]> changes = new ArrayList<>();
            for (CommitRequest.Write w : request.writes()) {
                Versioned prev = cells.get(w.name());
                Versioned next = new Versioned(w.name(), w.data().clone(), prev.version() + 1, s);
                cells.put(w.name(), next);
                written.put(w.name(), next);
                changes.add(new Versioned[] {prev, next});
            }
            stamp = s;
            if (!listeners.isEmpty()) {
                notifier.execute(() -> {
                    for (Versioned[] c : changes) {
                        for (ChangeListener l : listeners) {
                            guarded(() -> l.onChange(c[0], c[1]));
                        }
                    }
                });
            }
            return new CommitResult.Committed(s, written);
        }
    }

    @Override
    public AutoCloseable subscribe(ChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        closed = true;
        notifier.shutdown();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StmClosedException("the in-memory coordinator is closed");
        }
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("change listener threw; ignored", e);
        }
    }
}
