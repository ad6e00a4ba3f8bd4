/**
 * Synod on Apache ZooKeeper: {@link dev.synod.zookeeper.ZooKeeperStm} creates refs and atoms that
 * live in a ZooKeeper ensemble and runs transactions over them, each write transaction in one
 * ZooKeeper request.
 */
package dev.synod.zookeeper;
