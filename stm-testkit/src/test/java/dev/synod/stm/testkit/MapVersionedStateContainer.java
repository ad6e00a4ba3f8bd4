package dev.synod.stm.testkit;

import dev.synod.stm.Codec;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A correct reference container over a JVM-wide map of encoded values, to run the kit against. */
class MapVersionedStateContainer<T> implements VersionedStateContainer<T> {
    static final Map<String, Map<String, byte[]>> STORE = new ConcurrentHashMap<>();

    final String name;
    final Codec<T> codec;

    MapVersionedStateContainer(String name, Codec<T> codec) {
        this.name = name;
        this.codec = codec;
    }

    Map<String, byte[]> versionsMap() {
        return STORE.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    }

    @Override
    public void init() {
        versionsMap();
    }

    @Override
    public void destroy() {
        STORE.remove(name);
    }

    @Override
    public Optional<T> getAt(String version) {
        Objects.requireNonNull(version, "version");
        return Optional.ofNullable(versionsMap().get(version)).map(codec::decode);
    }

    @Override
    public void setAt(T value, String version) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(version, "version");
        versionsMap().put(version, codec.encode(value));
    }

    @Override
    public void deleteAt(String version) {
        Objects.requireNonNull(version, "version");
        versionsMap().remove(version);
    }

    @Override
    public Collection<String> versions() {
        return List.copyOf(versionsMap().keySet());
    }

    @Override
    public String describe() {
        return "map[" + name + "]";
    }
}
