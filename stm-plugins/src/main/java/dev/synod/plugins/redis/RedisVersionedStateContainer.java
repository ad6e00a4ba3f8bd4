package dev.synod.plugins.redis;

import dev.synod.plugins.internal.Names;
import dev.synod.plugins.internal.StoreCalls;
import dev.synod.plugins.internal.Values;
import dev.synod.stm.Codec;
import dev.synod.stm.spi.VersionedStateContainer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * A {@link VersionedStateContainer} in Redis, through Jedis: one hash per container, at key
 * {@code <prefix>versions:<name>} (default prefix {@value RedisKeys#DEFAULT_PREFIX}), one field
 * per version key, the value encoded by a {@link Codec} (JSON by default). One key per container
 * also makes it work on Redis Cluster.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("127.0.0.1", 6379);   // you own and close the client
 * VersionedStateContainer<Cart> carts =
 *         RedisVersionedStateContainer.builder(redis, "carts/42", Cart.class).build();
 * Ref<Cart> cart = stm.ref("carts/42", carts, Cart.empty());
 * }</pre>
 *
 * <p><b>Durability.</b> Once a commit has published a pointer to a version, losing that version
 * makes the ref unreadable. So the Redis server must not evict Synod's keys ({@code
 * maxmemory-policy noeviction}; a {@code volatile-*} policy also spares them, since they have no
 * expiry) and must persist them (AOF, {@code appendfsync everysec} or {@code always}); failing over
 * to an asynchronous replica can also lose the latest writes. {@link #init()} logs a warning when
 * the server's policy may evict them.
 *
 * <p>Thread-safe (as the Jedis client is); may be used from several JVMs at once. Every method
 * blocks on one Redis command (two when the key holds another type), for at most the client's
 * socket timeout each (Jedis default 2 s; the container cannot change it on a client it does not
 * own, so do not configure 0, which waits forever). Redis failures (the server unreachable, a
 * timeout, a closed client) are thrown as {@link dev.synod.stm.StateStoreException} whose message
 * contains {@link #describe()} (and "timed out" when the socket timeout expired); null arguments
 * throw {@link NullPointerException}. Data Synod did not write is a {@link
 * dev.synod.stm.CorruptRecordException} whose message contains {@link #describe()}: bytes the codec
 * cannot decode, or a key that is not a hash (Redis answers {@code WRONGTYPE}; the message names
 * the key and the type found, asked for with a {@code TYPE} command). {@link #destroy()} deletes
 * the key whatever it holds. Two containers are {@linkplain #equals equal} when they use the same
 * client object and key, so a {@code Stm} refuses to open two refs over them.
 *
 * @param <T> the value type
 */
public final class RedisVersionedStateContainer<T> implements VersionedStateContainer<T> {
    private final UnifiedJedis redis;
    private final Codec<T> codec;
    private final String key;
    private final byte[] keyBytes;
    private final String label;

    private RedisVersionedStateContainer(UnifiedJedis redis, String name, Codec<T> codec, String prefix, String label) {
        this.redis = redis;
        this.codec = codec;
        this.key = prefix + "versions:" + name;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
        this.label = label;
    }

    /**
     * Starts building a container named {@code name} (the rules of ref names) on {@code redis}
     * (e.g. a {@code RedisClient}; the container never closes it).
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

    /** Deletes the container's hash (or whatever else is stored at its key). Idempotent. */
    @Override
    public void destroy() {
        StoreCalls.call("destroying", describe(), RedisKeys.LIMIT, () -> redis.del(keyBytes));
    }

    @Override
    public Optional<T> getAt(String version) {
        byte[] field = field(version);
        byte[] bytes = RedisCalls.call(
                redis, "reading version '" + version + "'", describe(), key, "hash", () -> redis.hget(keyBytes, field));
        return bytes == null
                ? Optional.empty()
                : Optional.of(Values.decode(codec, bytes, describe(), "version '" + version + "'"));
    }

    /** Stores {@code value} under {@code version}, replacing any value already there. */
    @Override
    public void setAt(T value, String version) {
        Objects.requireNonNull(value, "value");
        byte[] field = field(version);
        byte[] bytes = Values.encode(codec, value, describe());
        RedisCalls.call(
                redis,
                "writing version '" + version + "'",
                describe(),
                key,
                "hash",
                () -> redis.hset(keyBytes, field, bytes));
    }

    @Override
    public void deleteAt(String version) {
        byte[] field = field(version);
        RedisCalls.call(
                redis,
                "deleting version '" + version + "'",
                describe(),
                key,
                "hash",
                () -> redis.hdel(keyBytes, field));
    }

    @Override
    public Collection<String> versions() {
        Set<byte[]> fields =
                RedisCalls.call(redis, "listing versions", describe(), key, "hash", () -> redis.hkeys(keyBytes));
        List<String> keys = new ArrayList<>(fields.size());
        fields.forEach(f -> keys.add(new String(f, StandardCharsets.UTF_8)));
        return List.copyOf(keys);
    }

    private static byte[] field(String version) {
        return Names.versionKey(version).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code redis[<label>]/<key>}, or {@code redis/<key>} without a label. */
    @Override
    public String describe() {
        return RedisKeys.describe(label, key);
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Whether {@code o} is a {@code RedisVersionedStateContainer} on the same client object with the same key
     * (prefix and name). Codec and label do not count; two client objects for one server are not
     * recognised as the same store.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof RedisVersionedStateContainer<?> other && redis == other.redis && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(redis) * 31 + key.hashCode();
    }

    /** Configures a {@link RedisVersionedStateContainer}. Not thread-safe; build once and share. */
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

        /**
         * The prefix of every key; default {@value RedisKeys#DEFAULT_PREFIX}.
         *
         * @throws IllegalArgumentException if it contains whitespace
         */
        public Builder<T> prefix(String prefix) {
            this.prefix = RedisKeys.prefix(prefix);
            return this;
        }

        /** How error messages name the server, e.g. {@code 10.0.0.5:6379}. */
        public Builder<T> label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        public RedisVersionedStateContainer<T> build() {
            return new RedisVersionedStateContainer<>(redis, name, codec, prefix, label);
        }
    }
}
