package dev.synod.plugins.redis;

import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.StoreCalls;
import dev.synod.plugins.internal.Values;
import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * A {@link StateContainer} (the latest value only) in Redis: one string key per container, {@code
 * <prefix>value:<name>} (default prefix {@value RedisKeys#DEFAULT_PREFIX}), holding the value
 * encoded by a {@link Codec} (JSON by default).
 *
 * <p>The server must neither evict nor lose the key (see {@link RedisVersionedStateContainer},
 * "Durability"): use {@code maxmemory-policy noeviction} and persistence.
 *
 * <p>Thread-safe (as the Jedis client is); may be used from several JVMs at once (last write wins).
 * Every method blocks on one Redis command (two when a key holds another type), for at most the
 * client's socket timeout each (Jedis default 2 s; do not configure 0). Redis failures (the server
 * unreachable, a timeout, a closed client) are thrown as {@link dev.synod.stm.StateStoreException}
 * whose message contains {@link #describe()} (and "timed out" when the socket timeout expired); a
 * null value throws {@link NullPointerException}. Data Synod did not write is a {@link
 * dev.synod.stm.CorruptRecordException} whose message contains {@link #describe()} and names the
 * key: bytes the codec cannot decode ({@link #get()}), a value key that is not a string ({@link
 * #get()}; Redis answers {@code WRONGTYPE}, and the message gives the type found, asked for with a
 * {@code TYPE} command), a fencing token key that is not a string or does not hold 16 hex digits
 * ({@link #set(Object, long)}, which then stores nothing). {@link #set(Object)} and {@link
 * #destroy()} replace or delete both keys whatever they hold. Two containers are {@linkplain
 * #equals equal} when they use the same client object and key.
 *
 * <p>The container {@linkplain #fencing() fences} (the token in a key of its own beside the value, compared and written by one Lua script): {@link #set(Object, long)}
 * refuses a token lower than the one stored (see {@link StateContainer}).
 *
 * @param <T> the value type
 */
public final class RedisStateContainer<T> implements StateContainer<T> {
    private final UnifiedJedis redis;
    private final Codec<T> codec;
    private final String key;
    private final byte[] keyBytes;
    private final String fenceKey;
    private final byte[] fenceKeyBytes;
    private final String label;

    /**
     * KEYS: value, fence; ARGV: bytes, token (16 hex digits, ordered as the tokens are). Returns 1
     * (stored), 0 (refused), or, storing nothing, the stored token if it is not 16 hex digits. The
     * halves are compared as numbers: a Lua number holds 32 bits exactly, and string comparison
     * follows the server's locale.
     */
    private static final byte[] FENCED_SET = ("local f = redis.call('GET', KEYS[2])\n"
                    + "if f then\n"
                    + "  if #f ~= 16 or not string.find(f, '^%x+$') then return f end\n"
                    + "  local fh, th = tonumber(string.sub(f, 1, 8), 16), tonumber(string.sub(ARGV[2], 1, 8), 16)\n"
                    + "  if fh > th or (fh == th and tonumber(string.sub(f, 9, 16), 16)"
                    + " > tonumber(string.sub(ARGV[2], 9, 16), 16)) then return 0 end\n"
                    + "end\n"
                    + "redis.call('SET', KEYS[1], ARGV[1])\n"
                    + "redis.call('SET', KEYS[2], ARGV[2])\n"
                    + "return 1")
            .getBytes(StandardCharsets.UTF_8);
    /** KEYS: value, fence; ARGV: bytes. */
    private static final byte[] UNFENCED_SET =
            "redis.call('SET', KEYS[1], ARGV[1])\nredis.call('DEL', KEYS[2])\nreturn 1"
                    .getBytes(StandardCharsets.UTF_8);

    private RedisStateContainer(UnifiedJedis redis, String name, Codec<T> codec, String prefix, String label) {
        this.redis = redis;
        this.codec = codec;
        this.key = prefix + "value:" + name;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
        this.fenceKey = RedisKeys.fenceKey(key);
        this.fenceKeyBytes = fenceKey.getBytes(StandardCharsets.UTF_8);
        this.label = label;
    }

    /**
     * Starts building a container named {@code name} (the rules of ref names) on {@code redis}
     * (the container never closes it).
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code name} is invalid
     */
    public static <T> Builder<T> builder(UnifiedJedis redis, String name, Codec<T> codec) {
        return new Builder<>(redis, name, codec);
    }

    /** As {@link #builder(UnifiedJedis, String, Codec)} with {@code Codec.json(type)}. */
    public static <T> Builder<T> builder(UnifiedJedis redis, String name, Class<T> type) {
        return new Builder<>(redis, name, Codec.json(type));
    }

    /**
     * Nothing to create in Redis; the first call on a client reads the server's {@code
     * maxmemory-policy} and logs a warning if it may evict keys (an {@code allkeys-*} policy).
     */
    @Override
    public void init() {
        RedisDurability.check(redis, describe());
    }

    /** Deletes the key and its fencing token. Idempotent. */
    @Override
    public void destroy() {
        StoreCalls.call("destroying", describe(), RedisKeys.LIMIT, () -> redis.del(keyBytes, fenceKeyBytes));
    }

    /** @throws NoSuchRefException if no value was set (or it was destroyed) */
    @Override
    public T get() {
        byte[] bytes = RedisCalls.call(redis, "reading", describe(), key, "string", () -> redis.get(keyBytes));
        if (bytes == null) {
            throw new NoSuchRefException("no value in " + describe());
        }
        return Values.decode(codec, bytes, describe(), "the value");
    }

    /** Stores the value and deletes the fencing token, in one script. */
    @Override
    public void set(T value) {
        byte[] bytes = Values.encode(codec, value, describe());
        StoreCalls.call(
                "writing",
                describe(),
                RedisKeys.LIMIT,
                () -> redis.eval(UNFENCED_SET, List.of(keyBytes, fenceKeyBytes), List.of(bytes)));
    }

    /**
     * Stores the value unless the token stored with it is higher, in one script; the token is kept
     * in {@code {<key>}:fence} (or {@code <key>:fence} when the key has a hash tag of its own), in
     * the same cluster slot as the value, as 16 hex digits.
     *
     * @throws dev.synod.stm.CorruptRecordException naming the token's key, with nothing stored, if
     *     that key holds another type than a string or a string other than 16 hex digits
     */
    @Override
    public boolean set(T value, long token) {
        byte[] bytes = Values.encode(codec, value, describe());
        byte[] ordered = RedisKeys.orderedToken(token).getBytes(StandardCharsets.UTF_8);
        Object stored = RedisCalls.call(
                redis,
                "writing",
                describe(),
                fenceKey,
                "string",
                () -> redis.eval(FENCED_SET, List.of(keyBytes, fenceKeyBytes), List.of(bytes, ordered)));
        if (stored instanceof byte[] garbled) {
            throw RedisCalls.garbledToken("writing", describe(), fenceKey, garbled);
        }
        return Long.valueOf(1).equals(stored);
    }

    @Override
    public boolean fencing() {
        return true;
    }

    /** {@code redis[<label>]/<key>}, or {@code redis/<key>} without a label. */
    public String describe() {
        return RedisKeys.describe(label, key);
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Whether {@code o} is a {@code RedisStateContainer} on the same client object with the same key
     * (prefix and name). Codec and label do not count; two client objects for one server are not
     * recognised as the same store.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof RedisStateContainer<?> other && redis == other.redis && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(redis) * 31 + key.hashCode();
    }

    /** Configures a {@link RedisStateContainer}. Not thread-safe; build once and share. */
    public static final class Builder<T> {
        private final UnifiedJedis redis;
        private final String name;
        private final Codec<T> codec;
        private String prefix = RedisKeys.DEFAULT_PREFIX;
        private String label;

        private Builder(UnifiedJedis redis, String name, Codec<T> codec) {
            this.redis = Objects.requireNonNull(redis, "redis");
            this.name = Names.containerName(name);
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** The prefix of every key; default {@value RedisKeys#DEFAULT_PREFIX}. */
        public Builder<T> prefix(String prefix) {
            this.prefix = RedisKeys.prefix(prefix);
            return this;
        }

        /** How error messages name the server, e.g. {@code 10.0.0.5:6379}. */
        public Builder<T> label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        public RedisStateContainer<T> build() {
            return new RedisStateContainer<>(redis, name, codec, prefix, label);
        }
    }
}
