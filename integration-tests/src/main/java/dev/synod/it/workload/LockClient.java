package dev.synod.it.workload;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.synod.it.check.LockValues;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.locks.DistributedReentrantLock;
import dev.synod.stm.Codec;
import dev.synod.stm.LockLostException;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.spi.CommitGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The lock-guarded set workload client: a worker acquires the lock {@value #LOCK}, adds {@value
 * #ADDS_PER_TENURE} unique elements to the set ref, pausing {@value #HOLD_MS} milliseconds
 * before each, and releases. Unfenced ({@code fenced=false}), an add is a plain transaction made
 * while the worker believes it holds the lock; fenced, the transaction carries {@code
 * txn.guard(lock.guard())} and fails with {@link LockLostException} (recorded {@code fail} {@value
 * LockValues#FENCED}) when the lock is gone.
 *
 * <p>Events: {@code HOLD <holder> <token>} after an acquisition and {@code RELEASED <holder>}
 * before the release, so that the test can pause a process while one of its workers holds the
 * lock.
 */
public final class LockClient implements Workload {
    /** Argument: whether adds carry the lock guard. */
    public static final String FENCED = "fenced";
    /** Argument: the pause before each add while holding, in milliseconds. */
    public static final String HOLD_MS = "holdMs";
    /** The lock's name. */
    public static final String LOCK = "guard";
    /** The adds a holder makes per tenure. */
    public static final int ADDS_PER_TENURE = 2;

    private static final Codec<List<Long>> CODEC = Codec.json(new TypeReference<List<Long>>() {});

    private final Stm stm;
    private final History history;
    private final int process;
    private final boolean fenced;
    private final long holdMs;
    private final DistributedReentrantLock lock;
    private final Ref<List<Long>> set;
    private final AtomicLong nextElement;

    private LockClient(ClientContext context) {
        this.stm = context.stm();
        this.history = context.history();
        this.process = context.process();
        this.fenced = context.args().getBoolean(FENCED, true);
        this.holdMs = context.args().getLong(HOLD_MS, 100);
        this.lock = new DistributedReentrantLock(context.stm().curator(), LOCK);
        this.set = set(stm);
        this.nextElement = new AtomicLong(process * 100_000_000L);
    }

    /** Runs a client: see {@link ClientArgs} and the arguments above. */
    public static void main(String[] args) {
        ClientRuntime.main(args, LockClient::new);
    }

    /** Opens (creating it empty if needed) the guarded set. */
    public static Ref<List<Long>> set(Stm stm) {
        return stm.ref("locked-set", CODEC, List.of());
    }

    @Override
    public void step(int thread, RandomGenerator random) throws InterruptedException {
        String holder = "p" + process + "t" + thread;
        Op acquire = history.invoke(process, thread, LockValues.ACQUIRE, LockValues.holder(holder, null));
        boolean locked;
        try {
            locked = lock.tryLock(10, TimeUnit.SECONDS);
        } catch (LockLostException e) {
            // this thread still has holds of a lost tenure: balance them, or every later try fails
            history.fail(acquire, acquire.value(), e.getClass().getSimpleName());
            balanceLostHolds();
            backOff(random);
            return;
        } catch (RuntimeException e) {
            Outcomes.record(history, acquire, e);
            backOff(random);
            return;
        }
        if (!locked) {
            history.fail(acquire, acquire.value(), "timeout");
            return;
        }
        long token;
        CommitGuard guard;
        try {
            token = lock.fencingToken();
            guard = lock.guard(); // the lock node, checked by each fenced commit
        } catch (LockLostException e) {
            // lost between the grant and now: the holder never acted on it; the grant must still be
            // balanced by an unlock, or the thread keeps a stale hold
            history.fail(acquire, acquire.value(), e.getClass().getSimpleName());
            balanceLostHolds();
            backOff(random);
            return;
        }
        history.ok(acquire, LockValues.holder(holder, token));
        ClientRuntime.event("HOLD " + holder + " " + token);
        try {
            for (int i = 0; i < ADDS_PER_TENURE; i++) {
                Thread.sleep(holdMs);
                if (!add(thread, holder, token, guard)) {
                    break;
                }
            }
        } finally {
            ClientRuntime.event("RELEASED " + holder);
            release(thread, holder, token);
        }
        Thread.sleep(random.nextInt(20));
    }

    private void release(int thread, String holder, long token) {
        Op release = history.invoke(process, thread, LockValues.RELEASE, LockValues.holder(holder, token));
        try {
            lock.unlock();
            history.ok(release, release.value());
        } catch (LockLostException | IllegalMonitorStateException e) {
            history.fail(release, release.value(), LockValues.LOST);
        } catch (RuntimeException e) {
            Outcomes.record(history, release, e);
        }
    }

    /** Unlocks until the current thread has no hold left (each unlock gives back one). */
    private void balanceLostHolds() {
        while (true) {
            try {
                lock.unlock();
            } catch (LockLostException e) {
                // reported once per lost tenure; the hold was given back all the same
            } catch (IllegalMonitorStateException e) {
                return; // no hold left
            }
        }
    }

    /** A short pause after a failed acquisition, so that a failing client does not spin. */
    private static void backOff(RandomGenerator random) throws InterruptedException {
        Thread.sleep(50 + random.nextInt(50));
    }

    /** One add; false if the lock is known to be lost. */
    private boolean add(int thread, String holder, long token, CommitGuard guard) {
        long element = nextElement.incrementAndGet();
        Op invoke = history.invoke(process, thread, LockValues.ADD, LockValues.add(holder, token, element));
        try {
            stm.run(txn -> {
                if (fenced) {
                    txn.guard(guard);
                }
                set.alter(elements -> with(elements, element));
            });
            history.ok(invoke, invoke.value());
            return true;
        } catch (LockLostException e) {
            history.fail(invoke, invoke.value(), LockValues.FENCED);
            return false;
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
            return true;
        }
    }

    private static List<Long> with(List<Long> elements, long element) {
        List<Long> next = new ArrayList<>(elements.size() + 1);
        next.addAll(elements);
        next.add(element);
        return next;
    }
}
