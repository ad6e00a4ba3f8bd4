package dev.synod.plugins.redis;

import java.util.Objects;

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

    static String describe(String label, String key) {
        return (label == null ? "redis" : "redis[" + label + "]") + "/" + key;
    }
}
