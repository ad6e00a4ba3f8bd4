package dev.synod.it.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads histories as JSON Lines: one op per line, an object with the fields {@code
 * index, process, thread, type, f, value, start, end} and, when present, {@code error}. An op that
 * never completed is written with {@code "end": null}.
 *
 * <p>Stateless and thread-safe. I/O failures are thrown as {@link UncheckedIOException}; a
 * malformed line as {@link IllegalArgumentException} naming the line.
 */
public final class HistoryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HistoryJson() {}

    /** Writes {@code ops} to {@code file}, replacing it, and creates missing parent directories. */
    public static void write(List<Op> ops, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                write(ops, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history to " + file, e);
        }
    }

    /** Writes {@code ops} to {@code out}, one line each; does not close it. */
    public static void write(List<Op> ops, Writer out) {
        try {
            for (Op op : ops) {
                out.write(toLine(op));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history", e);
        }
    }

    /** Reads the ops of {@code file}. */
    public static List<Op> read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history from " + file, e);
        }
    }

    /** Reads ops from {@code in} until its end, skipping blank lines; does not close it. */
    public static List<Op> read(Reader in) {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<Op> ops = new ArrayList<>();
        try {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (!line.isBlank()) {
                    try {
                        ops.add(fromLine(line));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history", e);
        }
        return ops;
    }

    /** Returns the JSON line of one op, without the line break. */
    public static String toLine(Op op) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("index", op.index());
        node.put("process", op.process());
        node.put("thread", op.thread());
        node.put("type", op.type().jsonName());
        node.put("f", op.f());
        node.set("value", op.value());
        node.put("start", op.startNanos());
        if (op.endNanos() == Op.NO_END) {
            node.putNull("end");
        } else {
            node.put("end", op.endNanos());
        }
        if (op.error() != null) {
            node.put("error", op.error());
        }
        return node.toString();
    }

    /**
     * Parses one line written by {@link #toLine(Op)}.
     *
     * @throws IllegalArgumentException if the line is not such an object
     */
    public static Op fromLine(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an op must be a JSON object but was " + line);
        }
        JsonNode end = node.path("end");
        return new Op(
                required(node, "index").asLong(),
                required(node, "process").asInt(),
                required(node, "thread").asInt(),
                OpType.fromJsonName(required(node, "type").asText()),
                required(node, "f").asText(),
                node.get("value"),
                required(node, "start").asLong(),
                end.isMissingNode() || end.isNull() ? Op.NO_END : end.asLong(),
                node.hasNonNull("error") ? node.get("error").asText() : null);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "' in " + node);
        }
        return value;
    }
}
