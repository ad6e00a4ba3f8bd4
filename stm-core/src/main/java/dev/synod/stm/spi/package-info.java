/**
 * Plug-in points of Synod: the {@link dev.synod.stm.spi.Coordinator} the engine runs on, and the
 * {@link dev.synod.stm.spi.StateContainer} / {@link dev.synod.stm.spi.VersionedStateContainer}
 * back-ends that keep values outside the coordinator.
 */
package dev.synod.stm.spi;
