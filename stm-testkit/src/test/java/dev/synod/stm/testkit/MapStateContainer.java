package dev.synod.stm.testkit;

import dev.synod.stm.Codec;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.spi.StateContainer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** A correct, fencing reference atom container over a JVM-wide map, to run the kit against. */
class MapStateContainer<T> implements StateContainer<T> {
    /** A stored value and the token of the fenced write that stored it (null: none). */
    record Stored(byte[] bytes, Long token) {}

    static final Map<String, Stored> STORE = new ConcurrentHashMap<>();

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
        Stored stored = STORE.get(name);
        if (stored == null) {
            throw new NoSuchRefException("no value for " + name);
        }
        return codec.decode(stored.bytes());
    }

    @Override
    public void set(T value) {
        Objects.requireNonNull(value, "value");
        STORE.put(name, new Stored(codec.encode(value), null));
    }

    @Override
    public boolean set(T value, long token) {
        Objects.requireNonNull(value, "value");
        byte[] bytes = codec.encode(value);
        boolean[] stored = new boolean[1];
        STORE.compute(name, (n, old) -> {
            if (old != null && old.token() != null && old.token() > token) {
                return old;
            }
            stored[0] = true;
            return new Stored(bytes, token);
        });
        return stored[0];
    }

    @Override
    public boolean fencing() {
        return true;
    }
}
