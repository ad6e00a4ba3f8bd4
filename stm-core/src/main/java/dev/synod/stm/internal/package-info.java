/**
 * The transaction engine and the in-memory coordinator. Not API: these types may change in any
 * release. Use {@link dev.synod.stm.Stm} and the {@code spi} package instead.
 */
package dev.synod.stm.internal;
