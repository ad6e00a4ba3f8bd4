package dev.synod.it.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@link History}: an invocation or an outcome of an operation.
 *
 * <p>An actor (a {@code process} and one of its {@code thread}s) performs one operation at a
 * time: its invoke is followed by exactly one completion. A completion repeats the invoke's
 * {@code startNanos}, so a checker can work on completions alone; an invoke has {@code endNanos}
 * of {@link #NO_END}. Times come from one clock shared by all processes of a run (see {@link
 * History}).
 *
 * @param index position in the history, assigned by the history ({@code -1} before)
 * @param process the client process (JVM) that performed the operation
 * @param thread the client thread within the process
 * @param type invoke, ok, fail or info
 * @param f the function, such as {@code "transfer"}, {@code "read"} or {@code "txn"}
 * @param value the argument (on invoke) or the result (on completion); {@code null} is stored as
 *     a JSON null
 * @param startNanos when the operation was invoked
 * @param endNanos when it completed, or {@link #NO_END} for an invoke and for an operation that
 *     never completed
 * @param error why the operation failed or is unknown, or {@code null}
 */
public record Op(
        long index,
        int process,
        int thread,
        OpType type,
        String f,
        JsonNode value,
        long startNanos,
        long endNanos,
        String error) {

    /** The end time of an invoke and of an operation that never completed. */
    public static final long NO_END = Long.MAX_VALUE;

    /** Validates and normalises: {@code value} is never null and is copied. */
    public Op {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        value = value == null ? NullNode.getInstance() : value.deepCopy();
        if (endNanos != NO_END && endNanos < startNanos) {
            throw new IllegalArgumentException(
                    "endNanos must be >= startNanos (" + startNanos + ") but was " + endNanos);
        }
    }

    /** Returns the error, if any. */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    /** Returns whether this is an {@code ok} outcome. */
    public boolean isOk() {
        return type == OpType.OK;
    }

    /** Returns the latency of a completed operation in nanoseconds, or -1 if it never completed. */
    public long latencyNanos() {
        return type == OpType.INVOKE || endNanos == NO_END ? -1 : endNanos - startNanos;
    }

    /** Returns the time of this event: the start of an invoke, the end of an outcome. */
    public long eventNanos() {
        return type == OpType.INVOKE ? startNanos : endNanos;
    }

    /** Returns a copy with another index. */
    public Op withIndex(long newIndex) {
        return new Op(newIndex, process, thread, type, f, value, startNanos, endNanos, error);
    }

    /** Returns the completion of this invoke with the given outcome. */
    public Op complete(OpType outcome, JsonNode result, long end, String why) {
        if (type != OpType.INVOKE || !outcome.isCompletion()) {
            throw new IllegalArgumentException(
                    "only an invoke completes, with ok, fail or info; was " + type + " -> " + outcome);
        }
        return new Op(-1, process, thread, outcome, f, result, startNanos, end, why);
    }

    @Override
    public String toString() {
        return "#" + index + " " + process + "/" + thread + " " + type.jsonName() + " " + f + " " + value
                + (error == null ? "" : " (" + error + ")");
    }
}
