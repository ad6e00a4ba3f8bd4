package dev.synod.it.run;

import dev.synod.it.check.CheckResult;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.zookeeper.ZooKeeperStm;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One workload of a run, seen from the test: which client main to start and how, how to set up
 * the shared state, the final read made after every client ended, and the checkers. See {@link
 * Workloads} for the four workloads.
 */
public interface WorkloadSpec {
    /** A short name, unique in a run, used in file names and tables (e.g. {@code bank}). */
    String name();

    /** The client's main class. */
    Class<?> client();

    /** How many client processes. */
    int processes();

    /** Worker threads per process. */
    int threads();

    /** The ZooKeeper session timeout of the clients. */
    Duration sessionTimeout();

    /** The workload's own client arguments. */
    Map<String, String> args();

    /** Creates the shared state before the clients start. */
    void setup(ZooKeeperStm stm);

    /**
     * Reads the final state as process 0 into {@code history}, after every client ended, {@code
     * elapsed} after the run started.
     */
    void finalRead(ZooKeeperStm stm, History history, Duration elapsed);

    /** Checks the merged history of the run (clients and final read). */
    List<CheckResult> check(List<Op> history);
}
