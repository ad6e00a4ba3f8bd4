package dev.synod.plugins.redis;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Warns (once per client) when the Redis server may evict Synod's keys: a version evicted after the
 * coordinator published a pointer to it leaves the ref unreadable. Only {@code allkeys-*} policies
 * evict keys without an expiry, which is all Synod writes.
 */
final class RedisDurability {
    private static final Logger LOG = LoggerFactory.getLogger(RedisDurability.class);
    private static final Map<UnifiedJedis, Boolean> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

    private RedisDurability() {}

    /** Reads the server's eviction policy ({@code INFO memory}) unless done for this client. */
    static void check(UnifiedJedis redis, String store) {
        if (CHECKED.putIfAbsent(redis, Boolean.TRUE) != null) {
            return;
        }
        String policy;
        try {
            policy = evictionPolicy(redis.info("memory"));
        } catch (RuntimeException e) {
            CHECKED.remove(redis); // try again on the next init()
            LOG.debug("{}: could not read the server's maxmemory-policy: {}", store, e.toString());
            return;
        }
        if (policy != null && policy.startsWith("allkeys-")) {
            LOG.warn(
                    "{}: the Redis server's maxmemory-policy is {}, so it may evict the values refs point at and"
                            + " leave them unreadable; set maxmemory-policy noeviction (see the stm-plugins README)",
                    store,
                    policy);
        }
    }

    /** The {@code maxmemory_policy} of an {@code INFO memory} reply, or null if absent. */
    static String evictionPolicy(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                return line.substring("maxmemory_policy:".length()).trim().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
