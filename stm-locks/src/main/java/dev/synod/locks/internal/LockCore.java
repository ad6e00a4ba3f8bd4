package dev.synod.locks.internal;

import dev.synod.locks.DistributedLock;
import dev.synod.locks.LockListener;
import dev.synod.stm.LockLostException;
import dev.synod.stm.spi.CommitGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-thread side of a distributed lock: reentrant holds, ownership checks, loss tracking and
 * listeners, over one {@link LockEngine} and one {@link LockDriver}. The public lock classes are
 * thin fronts over this; every front of one client and lock shares one core ({@link SharedCores}),
 * so holds belong to the lock, not to the object. Thread-safe.
 *
 * <p>A hold is lost when {@code LOST} is reported for its session, when its node is gone after a
 * reconnection (asked without blocking Curator's connection-state thread; the answer is handled on
 * the engine's event thread), and as soon as its session is known to be over ({@link
 * LockEngine#isSessionAlive}: the client was closed, or learned of the expiry before Curator
 * reported it); that last test is local, so the hot path (reentrant acquire, ownership queries)
 * makes no request.
 */
public final class LockCore implements DistributedLock {
    private static final Logger LOG = LoggerFactory.getLogger(LockCore.class);

    /** One thread's hold: its lock node and how many times it entered. */
    static final class Hold {
        final LockEngine.Acquired node;
        int count = 1; // only touched by the owning thread
        volatile boolean uncertain;
        /** Reported lost (LOST, node gone after reconnecting, or found gone on release). */
        volatile boolean lost;

        boolean lossReported; // only touched by the owning thread
        boolean released; // its node was released already; only touched by the owning thread

        Hold(LockEngine.Acquired node) {
            this.node = node;
        }

        /** Lost, whether reported yet or not: also when its session is known to be over. */
        boolean isLost() {
            return lost || !LockEngine.isSessionAlive(node);
        }
    }

    private final LockEngine engine;
    private final LockDriver driver;
    private final String description;
    private final boolean conditions;
    private final Runnable beforeAcquire;
    private final Runnable beforeAwait;
    private final Map<Thread, Hold> holds = new ConcurrentHashMap<>();
    private final List<LockListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Orders what the listeners hear: connection events (Curator's thread) and the verdicts of the
     * checks made after a reconnection (the engine's event thread) are handled one at a time.
     */
    private final Object listenerOrder = new Object();

    private long stateEvents; // guarded by listenerOrder: connection events seen so far

    /**
     * @param kind "lock", "read lock" or "write lock", used in messages
     * @param conditions whether {@link #newCondition(String)} is supported
     * @param beforeAcquire runs before a new (non-reentrant) acquisition; may throw
     * @param beforeAwait runs when a holder starts a condition wait, before anything is released;
     *     may throw
     */
    public LockCore(
            LockEngine engine,
            LockDriver driver,
            String kind,
            boolean conditions,
            Runnable beforeAcquire,
            Runnable beforeAwait) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.description = kind + " '" + engine.paths().name() + "'";
        this.conditions = conditions;
        this.beforeAcquire = Objects.requireNonNull(beforeAcquire, "beforeAcquire");
        this.beforeAwait = Objects.requireNonNull(beforeAwait, "beforeAwait");
        Consumer<ConnectionState> observer = this::onConnectionState;
        engine.observe(observer);
    }

    @Override
    public String name() {
        return engine.paths().name();
    }

    /** E.g. {@code "write lock 'orders'"}. */
    public String description() {
        return description;
    }

    @Override
    public void lock() {
        try {
            acquire(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquisition was interrupted", e);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire(-1, true);
    }

    @Override
    public boolean tryLock() {
        try {
            return acquire(0, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquisition was interrupted", e);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit must not be null");
        return acquire(Math.max(0, unit.toNanos(time)), true);
    }

    private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        Hold hold = holds.get(me);
        if (hold != null) {
            if (hold.isLost()) {
                throw lostException(hold, "before this reentrant acquisition; unlock() the stale holds first");
            }
            if (hold.count == Integer.MAX_VALUE) {
                throw new Error("maximum lock count exceeded for " + description);
            }
            hold.count++;
            return true;
        }
        beforeAcquire.run();
        LockEngine.Acquired node = engine.acquire(driver, timeoutNanos, interruptible);
        if (node == null) {
            return false;
        }
        Hold fresh = new Hold(node);
        synchronized (this) {
            holds.put(me, fresh);
            if (engine.lossEpoch() != node.lossEpoch() && !LockEngine.isSessionAlive(node)) {
                fresh.lost = true; // the node's session was lost between the engine's check and now
            }
        }
        return true;
    }

    @Override
    public void unlock() {
        Thread me = Thread.currentThread();
        Hold hold = holds.get(me);
        if (hold == null) {
            throw new IllegalMonitorStateException("the current thread does not hold " + description);
        }
        boolean lost = hold.isLost();
        if (--hold.count == 0) {
            synchronized (this) { // one step with the reconnection check's "still ours?" (below)
                holds.remove(me);
                lost = hold.isLost();
            }
            if (hold.released) {
                // released when a condition wait found the lock lost (and reported it)
            } else if (lost) {
                engine.releaseLost(hold.node.path()); // never waits for a connection that may not come
            } else if (!engine.release(hold.node)) {
                lost = true; // the node was gone before the release, or its session ended meanwhile
            }
        }
        if (lost && !hold.lossReported) {
            hold.lossReported = true;
            throw lostException(hold, "while held: the critical section was not protected to its end");
        }
    }

    @Override
    public int getHoldCount() {
        Hold hold = holds.get(Thread.currentThread());
        return hold == null || hold.isLost() ? 0 : hold.count;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        Hold hold = holds.get(Thread.currentThread());
        return hold != null && !hold.isLost();
    }

    /**
     * Whether the current thread holds the lock through a node of session {@code sessionId} whose
     * session is still alive (not merely not yet reported lost).
     */
    public boolean isHeldByCurrentThreadOn(long sessionId) {
        Hold hold = holds.get(Thread.currentThread());
        return hold != null && !hold.isLost() && hold.node.sessionId() == sessionId;
    }

    /** Whether the current thread has a hold, live or lost and not yet balanced by unlock(). */
    public boolean hasHold() {
        return holds.containsKey(Thread.currentThread());
    }

    @Override
    public long fencingToken() {
        return ownHold().node.token();
    }

    @Override
    public CommitGuard guard() {
        return new CommitGuard(ownHold().node.path(), CommitGuard.ANY_VERSION, description);
    }

    @Override
    public Condition newCondition(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (!conditions) {
            throw new UnsupportedOperationException(description + " has no conditions: a shared (read) lock"
                    + " cannot be released and re-taken atomically for other readers; use the write lock");
        }
        return new ZkCondition(this, engine, engine.paths().conditionRoot(name));
    }

    @Override
    public void addListener(LockListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public void removeListener(LockListener listener) {
        listeners.remove(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** The current thread's live hold. */
    Hold ownHold() {
        Hold hold = holds.get(Thread.currentThread());
        if (hold == null) {
            throw new IllegalMonitorStateException("the current thread does not hold " + description);
        }
        if (hold.isLost()) {
            throw lostException(hold, "while held");
        }
        return hold;
    }

    /** Runs the check made before a condition wait (throws if the current thread may not wait). */
    void checkAwait() {
        beforeAwait.run();
    }

    /**
     * Releases every hold of the current thread (for a condition wait); returns the hold count.
     *
     * @throws LockLostException if the release finds the lock lost; the holds stay, lost and
     *     reported, for the caller's {@code unlock()}s to balance quietly
     */
    Hold releaseFully() {
        Hold hold = ownHold();
        Thread me = Thread.currentThread();
        holds.remove(me);
        if (!engine.release(hold.node)) {
            hold.released = true;
            hold.lost = true;
            hold.lossReported = true;
            holds.put(me, hold);
            throw lostException(hold, "while held: the critical section was not protected to its end");
        }
        return hold;
    }

    /**
     * Takes the lock again after a condition wait, without interruption, with the hold count of
     * {@code released} (what {@link #releaseFully} returned). If that fails, the thread keeps a
     * lost hold of that count, reported by the caller's exception: the thread does not hold the
     * lock, its {@code unlock()}s, which balance the holds it had, return quietly, and until they
     * have its {@code lock()} throws, as after any loss.
     */
    void reacquire(Hold released) {
        try {
            lock();
        } catch (RuntimeException | Error e) {
            // a new object: a reconnection check still settling the released hold must not take
            // this one for it (it compares holds by identity)
            Hold left = new Hold(released.node);
            left.count = released.count;
            left.released = true;
            left.lost = true;
            left.lossReported = true;
            synchronized (this) {
                holds.put(Thread.currentThread(), left);
            }
            throw e;
        }
        holds.get(Thread.currentThread()).count = released.count;
    }

    /** "{@code <description> was lost (<why>) <what>}". */
    private LockLostException lostException(Hold hold, String what) {
        String why;
        if (engine.client().getState() == CuratorFrameworkState.STOPPED) {
            why = "the Curator client was closed";
        } else if (!LockEngine.isSessionAlive(hold.node)) {
            why = "its ZooKeeper session ended";
        } else {
            why = "its lock node is gone";
        }
        return new LockLostException(description + " was lost (" + why + ") " + what);
    }

    /** Runs on Curator's connection-state thread: it must never wait for ZooKeeper. */
    private void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.READ_ONLY) {
            return; // says nothing about our nodes, and must not void a pending check
        }
        synchronized (listenerOrder) {
            long event = ++stateEvents;
            switch (state) {
                case SUSPENDED -> {
                    if (mark(h -> !h.lost && !h.uncertain, h -> h.uncertain = true)) {
                        fire(LockListener::onUncertain);
                    }
                }
                case LOST -> {
                    // LOST reports the expiry of an earlier session; it may be delivered after a thread
                    // already took the lock under the session that replaced it, and that hold is intact
                    if (mark(h -> !h.lost && !LockEngine.isSessionAlive(h.node), h -> h.lost = true)) {
                        LOG.warn("{} was lost: the ZooKeeper session expired", description);
                        fire(LockListener::onLost);
                    }
                }
                case RECONNECTED, CONNECTED -> verifyAfterReconnect(event);
                default -> {}
            }
        }
    }

    /**
     * Asks whether the nodes of the uncertain holds are still ours, without waiting for the
     * answers: they come on the engine's event thread, and once all are in, {@link #settle} marks
     * the holds and tells the listeners, unless a later connection event came first (a new drop
     * leaves the holds uncertain until the next reconnection checks again).
     */
    private void verifyAfterReconnect(long event) {
        List<Map.Entry<Thread, Hold>> uncertain = new ArrayList<>();
        for (Map.Entry<Thread, Hold> entry : holds.entrySet()) {
            Hold hold = entry.getValue();
            if (!hold.lost && hold.uncertain) {
                uncertain.add(Map.entry(entry.getKey(), hold));
            }
        }
        if (uncertain.isEmpty()) {
            return;
        }
        Map<Map.Entry<Thread, Hold>, Boolean> verdicts = new ConcurrentHashMap<>();
        AtomicInteger pending = new AtomicInteger(uncertain.size());
        for (Map.Entry<Thread, Hold> entry : uncertain) {
            engine.checkOwned(entry.getValue().node, owned -> {
                if (owned == null) {
                    LOG.warn("cannot check {} after reconnecting; it stays uncertain", description);
                } else {
                    verdicts.put(entry, owned);
                }
                if (pending.decrementAndGet() == 0) {
                    settle(event, verdicts);
                }
            });
        }
    }

    /** Applies the verdicts of the check made on connection event {@code event}; on the event thread. */
    private void settle(long event, Map<Map.Entry<Thread, Hold>, Boolean> verdicts) {
        synchronized (listenerOrder) {
            if (event != stateEvents) {
                LOG.debug("{}: the check after reconnecting was overtaken by a later connection event", description);
                return;
            }
            boolean restored = false;
            boolean lost = false;
            for (Map.Entry<Map.Entry<Thread, Hold>, Boolean> verdict : verdicts.entrySet()) {
                Hold hold = verdict.getKey().getValue();
                hold.uncertain = false;
                if (verdict.getValue()) {
                    restored = true;
                    continue;
                }
                synchronized (this) {
                    // a node its owner released meanwhile is gone too: that hold was not lost
                    if (holds.get(verdict.getKey().getKey()) == hold) {
                        hold.lost = true;
                        lost = true;
                    }
                }
            }
            if (lost) {
                LOG.warn("{} was lost: its node is gone after reconnecting", description);
                fire(LockListener::onLost);
            } else if (restored) {
                fire(LockListener::onRestored);
            }
        }
    }

    private synchronized boolean mark(java.util.function.Predicate<Hold> when, Consumer<Hold> change) {
        boolean any = false;
        for (Hold hold : holds.values()) {
            if (when.test(hold)) {
                change.accept(hold);
                any = true;
            }
        }
        return any;
    }

    private void fire(java.util.function.BiConsumer<LockListener, String> event) {
        for (LockListener listener : listeners) {
            try {
                event.accept(listener, description);
            } catch (RuntimeException e) {
                LOG.warn("lock listener {} failed for {}", listener, description, e);
            }
        }
    }
}
