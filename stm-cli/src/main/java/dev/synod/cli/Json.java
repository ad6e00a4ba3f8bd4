package dev.synod.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.synod.stm.spi.RecordView;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** JSON for values and for {@code --json} output. */
final class Json {
    /**
     * Strict: a second value after the first is an error (not silently dropped), and decimals are
     * read exactly ({@code BigDecimal}), never rounded through a {@code double}: shown as the same
     * number with its scale ({@code 3.0} is not shortened to {@code 3}), though not always in the
     * same text ({@code 1.0E20} is shown as {@code 1.0E+20}).
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)) // 3.0 stays 3.0
            .build();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses a value given on the command line.
     *
     * @throws Failure with {@link Failure#USAGE} if it is not one JSON value, or is {@code null}
     */
    static JsonNode parseArgument(String what, String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new Failure(Failure.USAGE, what + " must be a JSON value but was empty");
            }
            if (node.isNull()) {
                throw new Failure(
                        Failure.USAGE,
                        what + " must not be null: Synod values are never null (use [] or {} for \"nothing\")");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Failure(
                    Failure.USAGE,
                    what + " must be a JSON value (e.g. 42, \"text\", [1,2], {\"a\":1}) but was: " + text);
        }
    }

    /**
     * A stored value as JSON: the value itself when the codec wrote JSON (the default), otherwise
     * an object naming what it is ({@code {"external": key}} or {@code {"base64": bytes}}).
     */
    static JsonNode value(RecordView view, byte[] bytes) {
        if (view.external()) {
            return object().put("external", new String(bytes, StandardCharsets.UTF_8));
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (java.io.IOException e) {
            // not JSON: a custom codec
        }
        return object().put("base64", Base64.getEncoder().encodeToString(bytes));
    }

    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a number is whole and fits a 64-bit integer, decided on its exponent before any
     * digit is expanded ({@code 1e999999999} is answered at once).
     */
    static boolean fitsLong(java.math.BigDecimal number) {
        java.math.BigDecimal d = number.stripTrailingZeros(); // zero: scale 0, precision 1
        if (d.scale() > 0 || d.precision() - d.scale() > 19) {
            return false;
        }
        try {
            d.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    static String hex(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }

    static TextNode text(String s) {
        return TextNode.valueOf(s);
    }
}
