package dev.synod.it.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An append-only record of the {@link Op}s of a run.
 *
 * <p>Thread-safe: any number of client threads record into one history; every event gets the
 * next index in the order it was appended. Recording never blocks on I/O. Each process of a run
 * keeps its own history, and {@link #merge(Collection)} joins them by time; the default clock
 * (wall-clock nanoseconds, advanced by {@link System#nanoTime()}) makes the times of processes on
 * one machine comparable: a client process takes its base from the run's process ({@value
 * #CLOCK_BASE_PROPERTY}, see {@link #clockBase()}), so that a step of the wall clock between the
 * starts of two processes does not shift one's times against the other's ({@code nanoTime} is the
 * machine's monotonic clock, the same in every process on Linux).
 *
 * <pre>{@code
 * History history = History.create();
 * Op invoke = history.invoke(process, thread, "transfer", BankValues.transfer("a", "b", 5));
 * try {
 *     bank.transfer("a", "b", 5);
 *     history.ok(invoke, invoke.value());
 * } catch (CommitOutcomeUnknownException e) {
 *     history.info(invoke, invoke.value(), e.toString());   // unknown is info, never fail
 * }
 * }</pre>
 */
public final class History {
    private static final long WALL_BASE_NANOS;
    private static final long MONO_BASE_NANOS;

    /** System property carrying the clock base of the run's process to its client processes. */
    public static final String CLOCK_BASE_PROPERTY = "synod.history.clockBase";

    static {
        long[] base = parseClockBase(System.getProperty(CLOCK_BASE_PROPERTY));
        if (base == null) {
            Instant now = Instant.now();
            base = new long[] {now.getEpochSecond() * 1_000_000_000L + now.getNano(), System.nanoTime()};
        }
        WALL_BASE_NANOS = base[0];
        MONO_BASE_NANOS = base[1];
    }

    /** This process's clock base, as {@value #CLOCK_BASE_PROPERTY} passes it to client processes. */
    public static String clockBase() {
        return WALL_BASE_NANOS + "," + MONO_BASE_NANOS;
    }

    /** {wall-clock nanoseconds, nanoTime at that moment} from {@link #clockBase()}'s text, or null. */
    static long[] parseClockBase(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",", -1);
        try {
            return parts.length == 2 ? new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private final LongSupplier clock;
    private final List<Op> ops = new ArrayList<>();
    /** Where a streaming history hands each op; null for one kept in memory. */
    private final Consumer<Op> sink;

    private int size;

    private History(LongSupplier clock) {
        this(clock, null);
    }

    private History(LongSupplier clock, Consumer<Op> sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = sink;
    }

    /**
     * Returns an empty history on the wall clock that keeps nothing: each op goes to {@code sink},
     * in index order, as it is recorded (a client process streams its history to a file this way,
     * so that its memory does not grow with the run). {@link #ops()} is not available.
     */
    public static History streaming(Consumer<Op> sink) {
        return new History(History::wallClockNanos, Objects.requireNonNull(sink, "sink"));
    }

    /** Returns an empty history on the {@linkplain #wallClockNanos() wall clock}. */
    public static History create() {
        return new History(History::wallClockNanos);
    }

    /** Returns an empty history that reads times from {@code clock} (nanoseconds). */
    public static History withClock(LongSupplier clock) {
        return new History(clock);
    }

    /** Returns an empty history holding {@code ops} in order, with their indexes reassigned. */
    public static History of(Collection<Op> ops) {
        History history = new History(History::wallClockNanos);
        ops.forEach(history::append);
        return history;
    }

    /** Nanoseconds since the epoch, from the wall clock at start-up advanced by nanoTime. */
    public static long wallClockNanos() {
        return WALL_BASE_NANOS + (System.nanoTime() - MONO_BASE_NANOS);
    }

    /** Records the invocation of {@code f} with argument {@code value} and returns it. */
    public Op invoke(int process, int thread, String f, JsonNode value) {
        return append(new Op(-1, process, thread, OpType.INVOKE, f, value, clock.getAsLong(), Op.NO_END, null));
    }

    /** Records that {@code invoke} happened and returned {@code result}. */
    public Op ok(Op invoke, JsonNode result) {
        return append(invoke.complete(OpType.OK, result, now(invoke), null));
    }

    /** Records that {@code invoke} certainly did not happen. */
    public Op fail(Op invoke, JsonNode value, String error) {
        return append(invoke.complete(OpType.FAIL, value, now(invoke), error));
    }

    /** Records that the outcome of {@code invoke} is unknown: it may or may not have happened. */
    public Op info(Op invoke, JsonNode value, String error) {
        return append(invoke.complete(OpType.INFO, value, now(invoke), error));
    }

    /** Appends an op as it is, with the next index, and returns the stored op. */
    public synchronized Op append(Op op) {
        Op stored = op.withIndex(size++);
        if (sink != null) {
            sink.accept(stored);
        } else {
            ops.add(stored);
        }
        return stored;
    }

    /**
     * Returns a snapshot of the ops recorded so far, in index order.
     *
     * @throws IllegalStateException for a {@linkplain #streaming streaming} history
     */
    public synchronized List<Op> ops() {
        if (sink != null) {
            throw new IllegalStateException("a streaming history keeps no ops");
        }
        return List.copyOf(ops);
    }

    /** Returns the number of ops recorded so far. */
    public synchronized int size() {
        return size;
    }

    private long now(Op invoke) {
        return Math.max(clock.getAsLong(), invoke.startNanos());
    }

    /**
     * Returns the completions of {@code ops}, in order. An invoke that has no completion (its
     * actor invoked again, or the history ended) becomes an {@code info} completion with end
     * {@link Op#NO_END}: it may or may not have happened. A completion without a preceding
     * invoke is kept as it is.
     */
    public static List<Op> completions(List<Op> ops) {
        Map<Long, Op> pending = new HashMap<>();
        List<Op> out = new ArrayList<>();
        for (Op op : ops) {
            long actor = ((long) op.process() << 32) | (op.thread() & 0xffffffffL);
            if (op.type() == OpType.INVOKE) {
                Op previous = pending.put(actor, op);
                if (previous != null) {
                    out.add(unfinished(previous));
                }
            } else {
                pending.remove(actor);
                out.add(op);
            }
        }
        pending.values().stream()
                .sorted(Comparator.comparingLong(Op::index))
                .map(History::unfinished)
                .forEach(out::add);
        return out;
    }

    private static Op unfinished(Op invoke) {
        return new Op(
                invoke.index(),
                invoke.process(),
                invoke.thread(),
                OpType.INFO,
                invoke.f(),
                invoke.value(),
                invoke.startNanos(),
                Op.NO_END,
                "no completion");
    }

    /**
     * Joins the histories of several processes into one, ordered by event time (the start of an
     * invoke, the end of an outcome; ties keep the input order), with fresh indexes.
     */
    public static List<Op> merge(Collection<? extends List<Op>> histories) {
        List<Op> all = new ArrayList<>();
        histories.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Op::eventNanos));
        List<Op> out = new ArrayList<>(all.size());
        for (Op op : all) {
            out.add(op.withIndex(out.size()));
        }
        return List.copyOf(out);
    }
}
