package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.synod.it.history.Op;
import dev.synod.it.history.OpType;
import java.util.ArrayList;
import java.util.List;

/** A parsed list-append transaction: its completion op and its micro-operations. */
record AppendTxn(int id, Op op, List<MicroOp> microOps) {

    /** One micro-operation; {@code read} is null for an append and for a read with no result. */
    record MicroOp(boolean append, String key, long value, List<Long> read) {}

    static AppendTxn parse(int id, Op op) {
        JsonNode value = op.value();
        if (!value.isArray()) {
            throw new IllegalArgumentException("a txn must be an array of micro-ops but was op " + op);
        }
        List<MicroOp> microOps = new ArrayList<>();
        for (JsonNode m : value) {
            if (!m.isArray() || m.size() != 3) {
                throw new IllegalArgumentException("a micro-op must be [f, key, value] but was " + m + " in op " + op);
            }
            String f = m.get(0).asText();
            String key = m.get(1).asText();
            JsonNode arg = m.get(2);
            if (f.equals("append")) {
                microOps.add(new MicroOp(true, key, arg.asLong(), null));
            } else if (f.equals("r")) {
                List<Long> read = null;
                if (arg.isArray()) {
                    read = new ArrayList<>();
                    for (JsonNode element : arg) {
                        read.add(element.asLong());
                    }
                }
                microOps.add(new MicroOp(false, key, 0, read == null ? null : List.copyOf(read)));
            } else {
                throw new IllegalArgumentException("a micro-op is append or r but was " + m + " in op " + op);
            }
        }
        return new AppendTxn(id, op, List.copyOf(microOps));
    }

    boolean isOk() {
        return op.type() == OpType.OK;
    }

    /** Returns the name used in witnesses: T and the index of the completion op. */
    String name() {
        return "T" + op.index();
    }

    /** Returns the values this txn appended to {@code key}, in order. */
    List<Long> appends(String key) {
        return microOps.stream()
                .filter(m -> m.append() && m.key().equals(key))
                .map(MicroOp::value)
                .toList();
    }

    @Override
    public String toString() {
        return name() + " " + op.type().jsonName() + " " + op.value();
    }
}
