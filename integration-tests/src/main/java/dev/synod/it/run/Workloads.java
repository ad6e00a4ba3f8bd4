package dev.synod.it.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import dev.synod.it.check.BankChecker;
import dev.synod.it.check.BankValues;
import dev.synod.it.check.CheckResult;
import dev.synod.it.check.CounterChecker;
import dev.synod.it.check.ListAppendChecker;
import dev.synod.it.check.ListAppendValues;
import dev.synod.it.check.LockChecker;
import dev.synod.it.check.LockValues;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.it.workload.BankClient;
import dev.synod.it.workload.CounterClient;
import dev.synod.it.workload.ListAppendClient;
import dev.synod.it.workload.LockClient;
import dev.synod.stm.Isolation;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/** The workloads of the fault runs. */
public final class Workloads {
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);

    private Workloads() {}

    /** Bank transfers and reads over {@value BankClient#ACCOUNT_COUNT} accounts (serializable). */
    public static WorkloadSpec bank(int processes, int threads) {
        return new Bank(processes, threads, "bank", "bank/", 0, 30);
    }

    /**
     * As {@link #bank}, on accounts of its own, where 90% of each worker's transfers are between its
     * own two "home" accounts and 3% of its steps read every balance: each client writes some refs
     * alone for long stretches, stops watching them, and must still never commit, return or fail on
     * a state that never was (see {@code Ref}, "Refs a client only writes").
     */
    public static WorkloadSpec bankHome(int processes, int threads) {
        return new Bank(processes, threads, "bank-home", "bank-home/", 90, 3);
    }

    /**
     * List-append transactions.
     *
     * @param mode {@code general} or {@code skew} (see {@link ListAppendClient})
     * @param keyLifetime how long a key stays in the window of active keys (zero: forever)
     */
    public static WorkloadSpec listAppend(
            int processes, int threads, Isolation isolation, String mode, Duration keyLifetime) {
        return new ListAppend(processes, threads, isolation, mode, keyLifetime);
    }

    /** Swaps, compare-and-sets and reads of a counter atom. */
    public static WorkloadSpec counter(int processes, int threads) {
        return new Counter(processes, threads, CounterClient.ZOOKEEPER, "");
    }

    /**
     * As {@link #counter}, on an atom that keeps its value in Redis (127.0.0.1:6379) under a key
     * prefix of this run's own: claimed updates with fenced store writes.
     */
    public static WorkloadSpec containerCounter(int processes, int threads) {
        return new Counter(
                processes,
                threads,
                CounterClient.REDIS,
                "synod-it:"
                        + Long.toHexString(
                                java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1) + ":");
    }

    /** The test JVM's Redis client, for the setup and final read of atoms kept in Redis. */
    private static synchronized RedisClient redis() {
        if (redis == null) {
            redis = RedisClient.create(CounterClient.REDIS_HOST, CounterClient.REDIS_PORT);
        }
        return redis;
    }

    private static RedisClient redis;

    /**
     * Adds to a set ref while holding a distributed lock, fenced (lock-guarded commits) or not.
     * Clients use a short session timeout (2 s) so that a pause loses the lock quickly.
     */
    public static WorkloadSpec lock(int processes, int threads, boolean fenced, Duration hold) {
        return new Lock(processes, threads, fenced, hold);
    }

    private record Bank(int processes, int threads, String name, String prefix, int homeShare, int readShare)
            implements WorkloadSpec {

        @Override
        public Class<?> client() {
            return BankClient.class;
        }

        @Override
        public Duration sessionTimeout() {
            return SESSION_TIMEOUT;
        }

        @Override
        public Map<String, String> args() {
            return Map.of(
                    BankClient.REF_PREFIX, prefix,
                    BankClient.HOME_SHARE, Integer.toString(homeShare),
                    BankClient.READ_SHARE, Integer.toString(readShare));
        }

        @Override
        public void setup(ZooKeeperStm stm) {
            BankClient.accounts(stm, prefix);
        }

        @Override
        public void finalRead(ZooKeeperStm stm, History history, Duration elapsed) {
            Op invoke = history.invoke(0, 0, BankValues.READ, null);
            history.ok(invoke, BankValues.balances(BankClient.readAll(stm, BankClient.accounts(stm, prefix))));
        }

        @Override
        public List<CheckResult> check(List<Op> history) {
            return List.of(new BankChecker(BankClient.initialBalances()).check(history));
        }
    }

    private record ListAppend(int processes, int threads, Isolation isolation, String mode, Duration keyLifetime)
            implements WorkloadSpec {
        @Override
        public String name() {
            return "list-append" + (mode.equals("general") ? "" : "-" + mode)
                    + (isolation == Isolation.SERIALIZABLE
                            ? ""
                            : "-" + isolation.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public Class<?> client() {
            return ListAppendClient.class;
        }

        @Override
        public Duration sessionTimeout() {
            return SESSION_TIMEOUT;
        }

        private int activeKeys() {
            return mode.equals("skew") ? 2 : 8;
        }

        @Override
        public Map<String, String> args() {
            return Map.of(
                    ListAppendClient.ISOLATION, isolation.name(),
                    ListAppendClient.MODE, mode,
                    ListAppendClient.KEY_PREFIX, name(),
                    ListAppendClient.ACTIVE_KEYS, Integer.toString(activeKeys()),
                    ListAppendClient.KEY_LIFETIME_MS, Long.toString(keyLifetime.toMillis()));
        }

        @Override
        public void setup(ZooKeeperStm stm) {
            for (int i = 0; i < activeKeys(); i++) {
                ListAppendClient.ref(stm, name(), ListAppendClient.key(i));
            }
        }

        @Override
        public void finalRead(ZooKeeperStm stm, History history, Duration elapsed) {
            // every key the window can have reached; unused keys read as empty
            int keys = ListAppendClient.keysUsed(activeKeys(), keyLifetime.toMillis(), elapsed.toMillis());
            List<Ref<List<Long>>> refs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                names.add(ListAppendClient.key(i));
                refs.add(ListAppendClient.ref(stm, name(), ListAppendClient.key(i)));
            }
            JsonNode[] reads = names.stream().map(ListAppendValues::read).toArray(JsonNode[]::new);
            Op invoke = history.invoke(0, 0, ListAppendValues.TXN, ListAppendValues.txn(reads));
            List<JsonNode> done = stm.atomically(txn -> {
                List<JsonNode> out = new ArrayList<>();
                for (int i = 0; i < refs.size(); i++) {
                    out.add(ListAppendValues.read(names.get(i), refs.get(i).get()));
                }
                return out;
            });
            history.ok(invoke, ListAppendValues.txn(done.toArray(JsonNode[]::new)));
        }

        @Override
        public List<CheckResult> check(List<Op> history) {
            return List.of(new ListAppendChecker().check(history));
        }
    }

    private record Counter(int processes, int threads, String store, String redisPrefix) implements WorkloadSpec {
        @Override
        public String name() {
            return store.equals(CounterClient.ZOOKEEPER) ? "counter" : "counter-" + store;
        }

        private dev.synod.stm.Atom<Long> atom(ZooKeeperStm stm) {
            return store.equals(CounterClient.ZOOKEEPER)
                    ? CounterClient.counter(stm)
                    : CounterClient.containerCounter(stm, redis(), redisPrefix);
        }

        @Override
        public Class<?> client() {
            return CounterClient.class;
        }

        @Override
        public Duration sessionTimeout() {
            return SESSION_TIMEOUT;
        }

        @Override
        public Map<String, String> args() {
            return store.equals(CounterClient.ZOOKEEPER)
                    ? Map.of()
                    : Map.of(CounterClient.STORE, store, CounterClient.REDIS_PREFIX, redisPrefix);
        }

        @Override
        public void setup(ZooKeeperStm stm) {
            atom(stm);
        }

        @Override
        public void finalRead(ZooKeeperStm stm, History history, Duration elapsed) {
            Op invoke = history.invoke(0, 0, CounterClient.READ, null);
            dev.synod.stm.Atom<Long> atom = atom(stm);
            history.ok(invoke, LongNode.valueOf(atom.swap(x -> x)));
            if (!store.equals(CounterClient.ZOOKEEPER)) {
                atom.destroy(); // its keys in Redis too
            }
        }

        @Override
        public List<CheckResult> check(List<Op> history) {
            // swaps and compare-and-sets are increments by one; reads are reads
            List<Op> increments = history.stream()
                    .map(op -> op.f().equals(CounterClient.READ)
                            ? op
                            : new Op(
                                    op.index(),
                                    op.process(),
                                    op.thread(),
                                    op.type(),
                                    CounterChecker.INCR,
                                    null,
                                    op.startNanos(),
                                    op.endNanos(),
                                    op.error()))
                    .toList();
            return List.of(new CounterChecker(0).check(increments));
        }
    }

    private record Lock(int processes, int threads, boolean fenced, Duration hold) implements WorkloadSpec {
        @Override
        public String name() {
            return fenced ? "lock-fenced" : "lock-unfenced";
        }

        @Override
        public Class<?> client() {
            return LockClient.class;
        }

        @Override
        public Duration sessionTimeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Map<String, String> args() {
            return Map.of(
                    LockClient.FENCED, Boolean.toString(fenced), LockClient.HOLD_MS, Long.toString(hold.toMillis()));
        }

        @Override
        public void setup(ZooKeeperStm stm) {
            LockClient.set(stm);
        }

        @Override
        public void finalRead(ZooKeeperStm stm, History history, Duration elapsed) {
            Ref<List<Long>> set = LockClient.set(stm);
            Op invoke = history.invoke(0, 0, LockValues.READ, null);
            history.ok(invoke, LockValues.elements(stm.atomically(txn -> set.get())));
        }

        @Override
        public List<CheckResult> check(List<Op> history) {
            return List.of(new LockChecker().check(history));
        }
    }
}
