package dev.synod.locks.internal;

import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;

/**
 * A distributed {@link java.util.concurrent.locks.Condition}: one ephemeral-sequential waiter node
 * per waiting thread under the condition's root (created by {@link LockEngine#createWaiter}, which
 * never leaves one behind: a stray waiter would take a signal meant for a real one). A waiter
 * creates its node while it still holds the lock, then releases the lock and waits for its node
 * to disappear; a signaller (who must hold
 * the lock) deletes the oldest waiter node. Since the node exists before the lock is released, a
 * signal can never be missed. Deleting the node is also how a waiter cancels (timeout, interrupt):
 * whoever deletes it first decides whether it was signalled, so a signal is never lost to a waiter
 * that gives up at the same moment. A wait is refused up front, before anything is released, when
 * the lock's {@link LockCore#checkAwait() check} says so (the write lock, while the thread also keeps
 * the read lock).
 */
final class ZkCondition implements java.util.concurrent.locks.Condition {
    private final LockCore core;
    private final LockEngine engine;
    private final CuratorFramework client;
    private final String root;

    ZkCondition(LockCore core, LockEngine engine, String root) {
        this.core = core;
        this.engine = engine;
        this.client = engine.client();
        this.root = root;
    }

    @Override
    public void await() throws InterruptedException {
        awaitInternal(-1, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            awaitInternal(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanosTimeout);
        boolean signalled = awaitInternal(Math.max(0, nanosTimeout), true);
        long remaining = deadline - System.nanoTime();
        return signalled ? Math.max(1, remaining) : Math.min(0, remaining);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit must not be null");
        return awaitInternal(Math.max(0, unit.toNanos(time)), true);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        Objects.requireNonNull(deadline, "deadline must not be null");
        long millis = deadline.getTime() - System.currentTimeMillis();
        return awaitInternal(TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis)), true);
    }

    @Override
    public void signal() {
        core.ownHold();
        for (String waiter : sortedWaiters()) {
            if (deleteWaiter(root + "/" + waiter)) {
                return;
            }
        }
    }

    @Override
    public void signalAll() {
        core.ownHold();
        for (String waiter : sortedWaiters()) {
            deleteWaiter(root + "/" + waiter);
        }
    }

    /**
     * @param nanos how long to wait, or -1 for ever
     * @return whether a signal (or a spurious wake-up) ended the wait, rather than the timeout
     */
    private boolean awaitInternal(long nanos, boolean interruptible) throws InterruptedException {
        core.ownHold();
        core.checkAwait(); // e.g. no wait while the same thread keeps the read side of the lock
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = System.nanoTime() + Math.max(0, nanos);
        String waiter = engine.createWaiter(root);
        LockCore.Hold holds;
        try {
            holds = core.releaseFully();
        } catch (RuntimeException e) {
            abandon(waiter, e);
            throw e;
        }
        boolean signalled = false;
        boolean throwInterrupt = false;
        boolean reinterrupt = false;
        RuntimeException failure = null;
        try {
            while (true) {
                CountDownLatch latch = new CountDownLatch(1);
                Watcher watcher = event -> latch.countDown();
                engine.addWaiter(latch);
                try {
                    Stat stat = ZkCalls.uninterruptibly(client, "watching " + waiter, () -> client.checkExists()
                            .usingWatcher(watcher)
                            .forPath(waiter));
                    if (stat == null) {
                        signalled = true;
                        break;
                    }
                    if (!interruptible && Thread.interrupted()) {
                        reinterrupt = true;
                    }
                    if (nanos < 0) {
                        latch.await();
                    } else if (!latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        signalled = !deleteWaiter(waiter); // gone already: a signal won the race
                        break;
                    }
                } catch (InterruptedException e) {
                    if (!interruptible) {
                        reinterrupt = true;
                        continue;
                    }
                    if (deleteWaiter(waiter)) {
                        throwInterrupt = true;
                    } else {
                        signalled = true; // the signal came first: keep it, like AbstractQueuedSynchronizer
                        reinterrupt = true;
                    }
                    break;
                } finally {
                    engine.removeWaiter(latch);
                }
            }
        } catch (RuntimeException e) {
            abandon(waiter, e); // (a failed cancelling delete lands here too)
            failure = e;
            throw e;
        } finally {
            reacquire(holds, failure, throwInterrupt || reinterrupt);
        }
        if (throwInterrupt) {
            throw new InterruptedException();
        }
        if (reinterrupt) {
            Thread.currentThread().interrupt();
        }
        return signalled;
    }

    /**
     * Takes the lock again after a wait, with the hold count released; if that fails (no
     * connection, say), the exception says that the wait ended and the lock is not held, with the
     * failure that ended the wait (if any) suppressed in it, and an interrupt that ended it stays
     * set on the thread; the caller's {@code unlock()}s then return quietly (see {@link
     * LockCore#reacquire}).
     */
    private void reacquire(LockCore.Hold holds, RuntimeException failure, boolean interrupted) {
        try {
            core.reacquire(holds);
        } catch (RuntimeException e) {
            if (interrupted) {
                Thread.currentThread().interrupt(); // the interrupt that ended the wait is not lost
            }
            RuntimeException thrown = e instanceof dev.synod.stm.CoordinationException
                    ? new dev.synod.stm.CoordinationException(
                            "the wait on condition " + root + " ended, but the lock could not be taken again,"
                                    + " so it is not held: " + e.getMessage(),
                            e)
                    : e;
            if (failure != null && failure != thrown) {
                thrown.addSuppressed(failure);
            }
            throw thrown;
        }
    }

    /**
     * Deletes the node of a wait that ends with {@code failure}; if that fails too (no connection),
     * deletes it in the background, guaranteed: a waiter left behind would take a signal.
     */
    private void abandon(String waiter, RuntimeException failure) {
        try {
            deleteWaiter(waiter);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            ZkCalls.deleteInBackground(client, waiter);
        }
    }

    /** Deletes a waiter node; true if this call deleted it, false if it was already gone. */
    private boolean deleteWaiter(String path) {
        return ZkCalls.uninterruptibly(client, "deleting " + path, () -> {
            try {
                client.delete().forPath(path);
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }

    private List<String> sortedWaiters() {
        List<String> children = ZkCalls.uninterruptibly(client, "listing " + root, () -> {
            try {
                return client.getChildren().forPath(root);
            } catch (KeeperException.NoNodeException e) {
                return List.<String>of();
            }
        });
        return LockNodes.sortedWaiters(children);
    }
}
