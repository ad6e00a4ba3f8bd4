package dev.synod.it.workload;

import com.fasterxml.jackson.databind.node.LongNode;
import dev.synod.it.history.History;
import dev.synod.it.history.Op;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.Stm;
import java.util.random.RandomGenerator;

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
 */
public final class CounterClient implements Workload {
    /** The function of a swap by +1. */
    public static final String SWAP = "swap";
    /** The function of a compare-and-set by +1. */
    public static final String CAS = "cas";
    /** The function of a read. */
    public static final String READ = "read";

    private final History history;
    private final int process;
    private final Atom<Long> counter;
    /** Per thread, the value its last operation saw or left (processes that never call get()). */
    private final java.util.Map<Integer, Long> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private CounterClient(ClientContext context) {
        this.history = context.history();
        this.process = context.process();
        this.counter = counter(context.stm());
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
        } catch (RuntimeException e) {
            Outcomes.record(history, invoke, e);
        }
    }
}
