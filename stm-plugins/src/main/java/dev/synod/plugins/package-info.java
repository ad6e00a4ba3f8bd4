/**
 * State back-ends for Synod refs and atoms beyond the coordinator (packages {@code jdbc}, {@code
 * redis}, {@code mongo}). Each back-end's driver is an optional dependency: add the one you use.
 * Versions left behind by crashed writers are removed by {@code Stm.sweepOrphans}.
 *
 * <h2>What every container does with bad input and faults</h2>
 *
 * <ul>
 *   <li>{@code null} arguments: {@link NullPointerException}.
 *   <li>Invalid names (container, table, collection, key prefix) and version keys that are empty
 *       or over 200 characters: {@link IllegalArgumentException}, before the store is asked.
 *   <li>A value the codec cannot encode: {@link IllegalArgumentException} naming the store;
 *       nothing is stored.
 *   <li>Stored bytes the codec cannot decode (another writer, another codec): {@link
 *       dev.synod.stm.CorruptRecordException} naming the store and the version.
 *   <li>Other data Synod did not write (a Redis key of another type or a fencing token that is not
 *       16 hex digits; a MongoDB version document without a string {@code v} field, a value
 *       document whose {@code fence} is not a number; a SQL row whose {@code value_bytes} is
 *       NULL): {@link dev.synod.stm.CorruptRecordException}
 *       naming the store, the key or document, and what was found. {@code destroy()} removes it.
 *   <li>The store failing or unreachable, or its client (pool, connection, Jedis or MongoDB
 *       client) closed: {@link dev.synod.stm.StateStoreException} whose message contains the
 *       container's {@code describe()}. Containers never close the client they were given.
 *   <li>A store that stops answering: {@link dev.synod.stm.StateStoreException} saying "timed
 *       out" and naming the limit, once the container's operation timeout (JDBC, MongoDB; 10 s by
 *       default) or the Redis client's socket timeout expires. Borrowing a connection is bounded by
 *       the pool and driver.
 *   <li>Two containers over the same storage are {@code equal}: a {@code Stm} refuses to open a
 *       second ref or atom over them, and reopening a name gives back its handle only with the
 *       same container object (an equal one may be of another value type).
 *   <li>An interrupted thread: the driver decides (most abort the call, which is then a {@code
 *       StateStoreException}); the interrupt flag is not cleared by Synod.
 * </ul>
 */
package dev.synod.plugins;
