package dev.synod.stm.testkit;

import dev.synod.stm.Codec;
import dev.synod.stm.spi.StateContainer;

/** The kit passes on a correct container. */
class MapStateContainerCompatibilityTest extends StateContainerCompatibilityKit<String> {
    @Override
    protected StateContainer<String> newContainer(String name) {
        return new MapStateContainer<>(name, Codec.json(String.class));
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
