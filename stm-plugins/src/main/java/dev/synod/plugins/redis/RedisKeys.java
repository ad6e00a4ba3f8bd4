package dev.synod.plugins.redis;

import java.util.Objects;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Key layout shared by the Redis containers. */
final class RedisKeys {
    static final String DEFAULT_PREFIX = "synod:";

    /** How failure messages name the limit that ended a command that timed out. */
    static final String LIMIT = "the Redis client's socket timeout";

    private RedisKeys() {}

    static String prefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("Redis key prefix must not contain whitespace but was '" + prefix + "'");
        }
        return prefix;
    }

    /**
     * The key of the fencing token stored beside {@code key}, in the same Redis Cluster slot: with
     * {@code key}'s own hash tag if it has one, else {@code key} itself as the tag.
     */
    static String fenceKey(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        String fence = close > open + 1 ? key + ":fence" : "{" + key + "}:fence";
        if (JedisClusterCRC16.getSlot(fence) != JedisClusterCRC16.getSlot(key)) {
            // a '}' or an empty "{}" in the prefix: no key beside it shares its slot
            throw new IllegalArgumentException("Redis key '" + key + "' has braces that keep its fencing token"
                    + " out of its cluster slot: use a prefix without '{' and '}', or with a hash tag such as {app}");
        }
        return fence;
    }

    /** A token as 16 hex digits whose string order is the tokens' numeric order (a Lua number would round). */
    static String orderedToken(long token) {
        return String.format("%016x", token ^ Long.MIN_VALUE);
    }

    static String describe(String label, String key) {
        return (label == null ? "redis" : "redis[" + label + "]") + "/" + key;
    }
}
