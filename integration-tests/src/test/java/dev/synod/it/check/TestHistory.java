package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds hand-made histories of completions. By default each op runs alone: it starts 1 ns after
 * the previous one ended and takes 1 ns; {@link #at} places an op at explicit times. Indexes are
 * positions, so the n-th op of a list-append history is txn {@code Tn}.
 */
final class TestHistory {
    private final List<Op> ops = new ArrayList<>();
    private long clock;

    Op ok(String f, JsonNode value) {
        return next(OpType.OK, f, value, null);
    }

    Op fail(String f, JsonNode value, String error) {
        return next(OpType.FAIL, f, value, error);
    }

    Op info(String f, JsonNode value) {
        return next(OpType.INFO, f, value, "timeout");
    }

    Op at(long start, long end, OpType type, String f, JsonNode value) {
        Op op = new Op(ops.size(), 0, ops.size(), type, f, value, start, end, null);
        ops.add(op);
        clock = Math.max(clock, end);
        return op;
    }

    Op at(long start, long end, OpType type, String f, JsonNode value, String error) {
        Op op = new Op(ops.size(), 0, ops.size(), type, f, value, start, end, error);
        ops.add(op);
        return op;
    }

    private Op next(OpType type, String f, JsonNode value, String error) {
        long start = clock + 1;
        clock = start + 1;
        Op op = new Op(ops.size(), 0, ops.size() % 3, type, f, value, start, clock, error);
        ops.add(op);
        return op;
    }

    List<Op> ops() {
        return List.copyOf(ops);
    }
}
