/**
 * State back-ends for Synod refs and atoms beyond the coordinator (packages {@code jdbc}, {@code
 * redis}, {@code mongo}). Each back-end's driver is an optional dependency: add the one you use.
 * Versions left behind by crashed writers are removed by {@code Stm.sweepOrphans}.
 */
package dev.synod.plugins;
