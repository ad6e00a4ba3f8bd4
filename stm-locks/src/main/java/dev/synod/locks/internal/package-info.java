/**
 * The lock engine ({@link dev.synod.locks.internal.LockEngine}), its driver seam ({@link
 * dev.synod.locks.internal.LockDriver}) and the per-thread hold table ({@link
 * dev.synod.locks.internal.LockCore}). Not an API: may change without notice.
 */
package dev.synod.locks.internal;
