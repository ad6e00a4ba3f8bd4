package dev.synod.stm.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.synod.stm.Codec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Jackson JSON codec. */
public final class JsonCodec<T> implements Codec<T> {
    private static final ObjectMapper DEFAULT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .findAndRegisterModules();

    private final ObjectMapper mapper;
    private final JavaType type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
    }

    public static ObjectMapper defaultMapper() {
        return DEFAULT;
    }

    @Override
    public byte[] encode(T value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getName() + " as JSON " + type, e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        try {
            T value = reader.readValue(bytes);
            if (value == null) {
                throw new IllegalArgumentException("JSON null where a " + type + " was expected");
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode JSON as " + type + ": " + e.getMessage(), e);
        }
    }

    /** Equal when both use the same mapper for the same type: reopening a ref with such a codec is fine. */
    @Override
    public boolean equals(Object o) {
        return o instanceof JsonCodec<?> other && other.mapper == mapper && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(mapper) * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return "Codec.json(" + type + ")";
    }
}
