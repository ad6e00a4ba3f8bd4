/**
 * Redis back-ends through Jedis ({@link redis.clients.jedis.UnifiedJedis}, e.g. {@code
 * RedisClient}): {@link dev.synod.plugins.redis.RedisVersionedStateContainer} for refs and {@link
 * dev.synod.plugins.redis.RedisStateContainer} for single values. Add the {@code
 * redis.clients:jedis} dependency yourself.
 */
package dev.synod.plugins.redis;
