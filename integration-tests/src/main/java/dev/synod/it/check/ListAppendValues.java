package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * The op values of the list-append workload, in Elle's shape: a transaction ({@code f = "txn"})
 * is an array of micro-operations {@code ["append", key, value]} and {@code ["r", key, list]},
 * where the list is {@code null} on invoke and the list read on completion. Every value appended
 * to a key must be unique for that key.
 */
public final class ListAppendValues {
    /** The function name of a transaction. */
    public static final String TXN = "txn";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ListAppendValues() {}

    /** A transaction of the given micro-operations. */
    public static JsonNode txn(JsonNode... microOps) {
        ArrayNode txn = JSON.arrayNode();
        for (JsonNode microOp : microOps) {
            txn.add(microOp);
        }
        return txn;
    }

    /** Appends {@code value} to the list at {@code key}. */
    public static JsonNode append(String key, long value) {
        return JSON.arrayNode().add("append").add(key).add(value);
    }

    /** A read of {@code key} whose result is not known yet. */
    public static JsonNode read(String key) {
        ArrayNode read = JSON.arrayNode().add("r").add(key);
        read.addNull();
        return read;
    }

    /** A read of {@code key} that returned {@code values}. */
    public static JsonNode read(String key, List<Long> values) {
        ArrayNode list = JSON.arrayNode();
        values.forEach(list::add);
        ArrayNode read = JSON.arrayNode().add("r").add(key);
        read.add(list);
        return read;
    }
}
