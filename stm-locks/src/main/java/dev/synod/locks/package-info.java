/**
 * Distributed {@link java.util.concurrent.locks.Lock}s on ZooKeeper that are honest about loss:
 * {@link dev.synod.locks.DistributedReentrantLock}, {@link
 * dev.synod.locks.DistributedReentrantReadWriteLock}, the try-with-resources handle {@link
 * dev.synod.locks.HeldLock}, and {@link dev.synod.locks.LockListener} for uncertain and lost
 * locks. Every hold carries a fencing token and a {@link dev.synod.stm.spi.CommitGuard} for
 * lock-guarded Synod commits.
 */
package dev.synod.locks;
