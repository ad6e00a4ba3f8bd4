package dev.synod.stm.testkit;

import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** A correct reference atom container over a JVM-wide map, to run the kit against. */
class MapStateContainer<T> implements StateContainer<T> {
    static final Map<String, byte[]> STORE = new ConcurrentHashMap<>();

    final String name;
    final Codec<T> codec;

    MapStateContainer(String name, Codec<T> codec) {
        this.name = name;
        this.codec = codec;
    }

    @Override
    public void init() {}

    @Override
    public void destroy() {
        STORE.remove(name);
    }

    @Override
    public T get() {
        byte[] bytes = STORE.get(name);
        if (bytes == null) {
            throw new NoSuchRefException("no value for " + name);
        }
        return codec.decode(bytes);
    }

    @Override
    public void set(T value) {
        Objects.requireNonNull(value, "value");
        STORE.put(name, codec.encode(value));
    }
}
