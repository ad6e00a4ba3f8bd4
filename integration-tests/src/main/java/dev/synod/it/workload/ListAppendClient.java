package dev.synod.it.workload;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.check.ListAppendValues;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.stm.Codec;
import dev.synod.stm.Isolation;
import dev.synod.stm.Ref;
import dev.synod.stm.Stm;
import dev.synod.stm.TxnOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The list-append workload client (Elle's): keys are refs holding lists of longs; a transaction
 * is 1 to 4 micro-operations, each a read of a key or an append of a value unique to the run.
 *
 * <p>Arguments besides {@link ClientArgs}: {@value #ISOLATION} ({@code SERIALIZABLE} by default or
 * {@code SNAPSHOT}, without {@code ensure}); {@value #MODE}: {@code general} (random micro-ops) or
 * {@code skew} (read two keys, append to one of them: write skew unless reads are checked);
 * {@value #ACTIVE_KEYS} keys are in use at a time and, with {@value #KEY_LIFETIME_MS} &gt; 0, the
 * window of keys moves on by one key every lifetime, so that lists stay short in long runs.
 */
public final class ListAppendClient implements Workload {
    /** Argument: the isolation level. */
    public static final String ISOLATION = "isolation";
    /** Argument: {@code general} or {@code skew}. */
    public static final String MODE = "mode";
    /** Argument: how many keys are in use at a time. */
    public static final String ACTIVE_KEYS = "activeKeys";
    /** Argument: the prefix of the key refs' names, so that several list-append workloads can share a run. */
    public static final String KEY_PREFIX = "keyPrefix";
    /** Argument: after how many milliseconds the key window moves on (0: never). */
    public static final String KEY_LIFETIME_MS = "keyLifetimeMs";

    private static final Codec<List<Long>> CODEC = Codec.json(new TypeReference<List<Long>>() {});

    private final Stm stm;
    private final History history;
    private final int process;
    private final TxnOptions options;
    private final boolean skew;
    private final int activeKeys;
    private final long keyLifetimeMs;
    private final long runStartMs;
    private final String prefix;
    private final AtomicLong nextValue;
    private final Map<String, Ref<List<Long>>> refs = new ConcurrentHashMap<>();

    private ListAppendClient(ClientContext context) {
        this.stm = context.stm();
        this.history = context.history();
        this.process = context.process();
        ClientArgs args = context.args();
        this.options = TxnOptions.defaults()
                .withIsolation(Isolation.valueOf(args.get(ISOLATION, "SERIALIZABLE")))
                .withTimeout(args.millis(ClientArgs.OP_TIMEOUT_MS, Duration.ofSeconds(8)));
        this.skew = args.get(MODE, "general").equals("skew");
        this.activeKeys = args.getInt(ACTIVE_KEYS, skew ? 2 : 8);
        this.keyLifetimeMs = args.getLong(KEY_LIFETIME_MS, 0);
        this.runStartMs = args.getLong(ClientArgs.RUN_START_MS, System.currentTimeMillis());
        this.prefix = args.get(KEY_PREFIX, "la");
        this.nextValue = new AtomicLong(process * 100_000_000L);
    }

    /** Runs a client: see {@link ClientArgs} and the arguments above. */
    public static void main(String[] args) {
        ClientRuntime.main(args, ListAppendClient::new);
    }

    /** The name of key number {@code index}. */
    public static String key(int index) {
        return "k" + index;
    }

    /** Opens (creating it empty if needed) the ref of {@code key} under {@code prefix}. */
    public static Ref<List<Long>> ref(Stm stm, String prefix, String key) {
        return stm.ref(prefix + "/" + key, CODEC, List.of());
    }

    /** The number of keys a run of {@code durationMs} can touch. */
    public static int keysUsed(int activeKeys, long keyLifetimeMs, long durationMs) {
        return activeKeys + (keyLifetimeMs > 0 ? (int) (durationMs / keyLifetimeMs) + 1 : 0);
    }

    private String activeKey(RandomGenerator random) {
        long window = keyLifetimeMs > 0 ? Math.max(0, (System.currentTimeMillis() - runStartMs) / keyLifetimeMs) : 0;
        return key((int) window + random.nextInt(activeKeys));
    }

    private List<JsonNode> plan(RandomGenerator random) {
        List<JsonNode> ops = new ArrayList<>();
        if (skew) {
            String a = activeKey(random);
            String b = activeKey(random);
            while (b.equals(a)) {
                b = activeKey(random);
            }
            ops.add(ListAppendValues.read(a));
            ops.add(ListAppendValues.read(b));
            ops.add(ListAppendValues.append(random.nextBoolean() ? a : b, nextValue.incrementAndGet()));
            return ops;
        }
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String key = activeKey(random);
            ops.add(
                    random.nextBoolean()
                            ? ListAppendValues.read(key)
                            : ListAppendValues.append(key, nextValue.incrementAndGet()));
        }
        return ops;
    }

    @Override
    public void step(int thread, RandomGenerator random) {
        List<JsonNode> plan = plan(random);
        Op invoke = history.invoke(
                process, thread, ListAppendValues.TXN, ListAppendValues.txn(plan.toArray(JsonNode[]::new)));
        try {
            for (JsonNode op : plan) {
                refs.computeIfAbsent(op.get(1).asText(), k -> ref(stm, prefix, k));
            }
            List<JsonNode> done = stm.atomically(options, txn -> {
                List<JsonNode> results = new ArrayList<>();
                for (JsonNode op : plan) {
                    String key = op.get(1).asText();
                    Ref<List<Long>> ref = refs.get(key);
                    if (op.get(0).asText().equals("r")) {
                        results.add(ListAppendValues.read(key, ref.get()));
                    } else {
                        long value = op.get(2).asLong();
                        ref.alter(list -> append(list, value));
                        results.add(op);
                    }
                }
                return results;
            });
            history.ok(invoke, ListAppendValues.txn(done.toArray(JsonNode[]::new)));
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
        }
    }

    private static List<Long> append(List<Long> list, long value) {
        List<Long> next = new ArrayList<>(list.size() + 1);
        next.addAll(list);
        next.add(value);
        return next;
    }
}
