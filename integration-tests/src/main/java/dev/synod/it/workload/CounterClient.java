package dev.synod.it.workload;

import com.fasterxml.jackson.databind.node.LongNode;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.plugins.redis.RedisStateContainer;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.LockLostException;
import dev.synod.stm.Stm;
import java.util.random.RandomGenerator;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The atom register workload client: one counter atom; a worker either swaps it to {@code +1}
 * ({@value #SWAP}), reads it and compare-and-sets it to {@code +1} ({@value #CAS}: {@code fail}
 * when the value moved on), or reads it linearizably ({@value #READ}: a swap with the identity,
 * which is a compare-and-set on the stored version and returns the value it replaced).
 *
 * <p>Client processes with an odd number never call {@code get()}: their compare-and-set expects
 * the value the thread's last swap, read or compare-and-set left, so that after losing races they
 * stop watching the atom (see {@code Atom}, "Reading") and the history checks that mode under
 * faults too; the others compare-and-set what {@code get()} returned.
 *
 * <p>With {@value #STORE} {@value #REDIS} the atom ({@value #CONTAINER_ATOM}) keeps its value in
 * Redis through a {@code RedisStateContainer} (claimed updates, fenced store writes); an update
 * that ends in {@code LockLostException} stored nothing and is a {@code fail}, with error {@code
 * fenced} when the store refused its late write.
 */
public final class CounterClient implements Workload {
    /** The function of a swap by +1. */
    public static final String SWAP = "swap";
    /** The function of a compare-and-set by +1. */
    public static final String CAS = "cas";
    /** The function of a read. */
    public static final String READ = "read";

    /** Where the atom keeps its value: {@value #ZOOKEEPER} (the default) or {@value #REDIS}. */
    public static final String STORE = "store";
    /** The Redis key prefix of the atom kept in Redis. */
    public static final String REDIS_PREFIX = "redisPrefix";

    public static final String ZOOKEEPER = "zookeeper";
    public static final String REDIS = "redis";
    /** The name of the atom kept in Redis. */
    public static final String CONTAINER_ATOM = "container-counter";
    /** Where the atom kept in Redis is: 127.0.0.1:6379. */
    public static final String REDIS_HOST = "127.0.0.1";

    public static final int REDIS_PORT = 6379;

    private final History history;
    private final int process;
    private final Atom<Long> counter;
    /** Per thread, the value its last operation saw or left (processes that never call get()). */
    private final java.util.Map<Integer, Long> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private CounterClient(ClientContext context) {
        this.history = context.history();
        this.process = context.process();
        this.counter = context.args().get(STORE, ZOOKEEPER).equals(REDIS)
                ? containerCounter(
                        context.stm(),
                        RedisClient.create(REDIS_HOST, REDIS_PORT), // lives as long as the process
                        context.args().get(REDIS_PREFIX))
                : counter(context.stm());
    }

    /** Opens (creating it at 0 if needed) the counter atom kept in Redis under {@code prefix}. */
    public static Atom<Long> containerCounter(Stm stm, UnifiedJedis redis, String prefix) {
        return stm.atom(
                CONTAINER_ATOM,
                RedisStateContainer.builder(redis, CONTAINER_ATOM, Long.class)
                        .prefix(prefix)
                        .build(),
                0L);
    }

    /** Runs a client: see {@link ClientArgs}. */
    public static void main(String[] args) {
        ClientRuntime.main(args, CounterClient::new);
    }

    /** Opens (creating it at 0 if needed) the counter atom. */
    public static Atom<Long> counter(Stm stm) {
        return stm.atom("counter", Codec.json(Long.class), 0L);
    }

    @Override
    public void step(int thread, RandomGenerator random) {
        int dice = random.nextInt(10);
        String f = dice < 4 ? SWAP : dice < 7 ? CAS : READ;
        boolean neverGet = process % 2 == 1;
        Op invoke = history.invoke(process, thread, f, null);
        try {
            switch (f) {
                case SWAP -> {
                    lastSeen.put(thread, counter.swap(x -> x + 1));
                    history.ok(invoke, null);
                }
                case CAS -> {
                    long seen = neverGet ? lastSeen.getOrDefault(thread, 0L) : counter.get();
                    if (counter.compareAndSet(seen, seen + 1)) {
                        lastSeen.put(thread, seen + 1);
                        history.ok(invoke, null);
                    } else {
                        history.fail(invoke, null, "cas-mismatch");
                    }
                }
                default -> {
                    long value = counter.swap(x -> x);
                    lastSeen.put(thread, value);
                    history.ok(invoke, LongNode.valueOf(value));
                }
            }
        } catch (LockLostException e) {
            // an atom kept in a store: its claim was taken over, nothing was stored
            history.fail(invoke, null, e.getMessage().contains("fenced off") ? "fenced" : "claim-lost");
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
        }
    }
}
