package dev.synod.stm.testkit;

import dev.synod.stm.Codec;
import dev.synod.stm.spi.VersionedStateContainer;

/** The kit passes on a correct container. */
class MapVersionedStateContainerCompatibilityTest extends VersionedStateContainerCompatibilityKit<String> {
    @Override
    protected VersionedStateContainer<String> newContainer(String name) {
        return new MapVersionedStateContainer<>(name, Codec.json(String.class));
    }

    @Override
    protected String value(int i) {
        return "value-" + i;
    }

    @Override
    protected String valueOfSize(int bytes, int i) {
        return i + "-" + "x".repeat(bytes);
    }
}
