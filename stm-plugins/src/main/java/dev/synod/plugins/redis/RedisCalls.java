package dev.synod.plugins.redis;

import dev.synod.plugins.internal.StoreCalls;
import dev.synod.stm.CorruptRecordException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Runs the containers' Redis commands, telling data that Synod did not write (a {@link
 * CorruptRecordException}) from a failing server (a {@link dev.synod.stm.StateStoreException}).
 */
final class RedisCalls {
    /** How many characters of a garbled fencing token a message quotes. */
    private static final int QUOTED = 40;

    private RedisCalls() {}

    /**
     * As {@link StoreCalls#call}, except that a {@code WRONGTYPE} reply (the one key of {@code
     * command} that can hold another type, {@code key}, holds something other than the {@code
     * type} Synod writes there) is a {@link CorruptRecordException} naming the key and the type
     * found, which a {@code TYPE} command asks for.
     */
    static <R> R call(UnifiedJedis redis, String what, String store, String key, String type, Supplier<R> command) {
        return StoreCalls.call(what, store, RedisKeys.LIMIT, () -> {
            try {
                return command.get();
            } catch (JedisDataException e) {
                if (!isWrongType(e)) {
                    throw e;
                }
                throw wrongType(redis, what, store, key, type, e);
            }
        });
    }

    /**
     * Whether {@code e} is Redis's {@code WRONGTYPE} error: as the reply to a command, or (Redis 7)
     * as the error of a script's {@code redis.call}, or (Redis 6 and older) inside a script error.
     */
    static boolean isWrongType(JedisDataException e) {
        String message = e.getMessage();
        return message != null && (message.startsWith("WRONGTYPE") || message.contains(": WRONGTYPE "));
    }

    private static CorruptRecordException wrongType(
            UnifiedJedis redis, String what, String store, String key, String type, JedisDataException e) {
        String found;
        RuntimeException lookup = null;
        try {
            found = "a " + redis.type(key);
        } catch (RuntimeException typeFailure) {
            found = "a value of another type";
            lookup = typeFailure;
        }
        CorruptRecordException corrupt = new CorruptRecordException(
                what + " in " + store + " failed: Redis key '" + key + "' holds " + found + ", not the " + type
                        + " Synod writes there (" + e.getMessage() + ")",
                e);
        if (lookup != null) {
            corrupt.addSuppressed(lookup);
        }
        return corrupt;
    }

    /**
     * The {@link CorruptRecordException} for a fencing token at {@code fenceKey} that is not the 16
     * hex digits Synod writes, quoting (the start of) what was found.
     */
    static CorruptRecordException garbledToken(String what, String store, String fenceKey, byte[] found) {
        return new CorruptRecordException(what + " in " + store + " failed: Redis key '" + fenceKey
                + "' holds a fencing token Synod did not write: " + quote(found) + " (" + found.length
                + " bytes), not 16 hex digits");
    }

    /** {@code bytes} as UTF-8 in quotes, control characters escaped, cut after {@value #QUOTED} characters. */
    static String quote(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(QUOTED).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(text.codePointCount(0, text.length()) > QUOTED ? "'..." : "'")
                .toString();
    }
}
