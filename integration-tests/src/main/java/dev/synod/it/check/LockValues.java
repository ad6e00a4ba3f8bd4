package dev.synod.it.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/**
 * The op values of the lock-guarded set workload: {@code acquire}, {@code release} and {@code
 * add} carry {@code {"holder", "token"}} (the token is null until the lock grants one) and {@code
 * add} also the {@code "element"}; {@code read} returns the array of elements of the set. A
 * write refused because its fencing token is stale is a {@code fail} with error {@value #FENCED}.
 */
public final class LockValues {
    /** The function name of a lock acquisition. */
    public static final String ACQUIRE = "acquire";
    /** The function name of a lock release. */
    public static final String RELEASE = "release";
    /** The function name of an add to the guarded set. */
    public static final String ADD = "add";
    /** The function name of a read of the guarded set. */
    public static final String READ = "read";
    /** The error of an operation rejected for a stale fencing token. */
    public static final String FENCED = "fenced";
    /** The error of a release that found the lock already lost (its session expired). */
    public static final String LOST = "lost";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LockValues() {}

    /** An acquisition, or a release, by {@code holder} with {@code token} (null if unknown). */
    public static JsonNode holder(String holder, Long token) {
        ObjectNode node = JSON.objectNode();
        node.put("holder", holder);
        node.put("token", token);
        return node;
    }

    /** An add of {@code element} by {@code holder} while it holds the lock with {@code token}. */
    public static JsonNode add(String holder, Long token, long element) {
        ObjectNode node = (ObjectNode) holder(holder, token);
        node.put("element", element);
        return node;
    }

    /** The elements of a read. */
    public static JsonNode elements(Collection<Long> elements) {
        ArrayNode node = JSON.arrayNode();
        elements.forEach(node::add);
        return node;
    }

    static String holderOf(JsonNode value) {
        if (!value.hasNonNull("holder")) {
            throw new IllegalArgumentException("a lock op needs a holder but was " + value);
        }
        return value.get("holder").asText();
    }

    static Long tokenOf(JsonNode value) {
        return value.hasNonNull("token") ? value.get("token").asLong() : null;
    }

    static long elementOf(JsonNode value) {
        if (!value.hasNonNull("element")) {
            throw new IllegalArgumentException("an add needs an element but was " + value);
        }
        return value.get("element").asLong();
    }
}
