package dev.synod.it.workload;

import java.util.random.RandomGenerator;

/**
 * The operations of one workload in a client process: each worker thread calls {@link #step}
 * until the run ends; a step records one operation (invoke, then ok, fail or info) in the
 * process's history. Implementations are thread-safe.
 */
interface Workload {
    /** Performs and records one operation for worker {@code thread}. */
    void step(int thread, RandomGenerator random) throws InterruptedException;
}
