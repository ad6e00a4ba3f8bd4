/**
 * Implementation of the ZooKeeper coordinator: not an API. {@link
 * dev.synod.zookeeper.internal.ZkCoordinator} implements {@code dev.synod.stm.spi.Coordinator};
 * the other classes are its parts (commit, reads, watch worker, cache, read point).
 */
package dev.synod.zookeeper.internal;
