package dev.synod.stm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.synod.stm.internal.JsonCodec;
import java.util.Objects;

/**
 * Turns values into bytes and back, for refs and atoms kept in the coordinator. Implementations
 * are immutable and thread-safe; {@code decode(encode(v))} must equal {@code v}.
 *
 * <p>Methods may throw any unchecked exception; Synod reports an encode failure as {@link
 * IllegalArgumentException} naming the ref (nothing is written) and a decode failure as {@link
 * CorruptRecordException} naming the ref.
 *
 * <pre>{@code
 * Codec<Integer> ints = Codec.json(Integer.class);
 * Codec<List<String>> names = Codec.json(new TypeReference<List<String>>() {});
 * }</pre>
 *
 * @param <T> the value type
 */
public interface Codec<T> {

    byte[] encode(T value);

    T decode(byte[] bytes);

    /**
     * JSON through a shared default Jackson {@link ObjectMapper}, for a plain class.
     *
     * @throws NullPointerException if an argument is null
     */
    static <T> Codec<T> json(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(
                JsonCodec.defaultMapper(), JsonCodec.defaultMapper().constructType(type));
    }

    /**
     * JSON for a generic type, e.g. {@code new TypeReference<Map<String, Long>>() {}}.
     *
     * @throws NullPointerException if an argument is null
     */
    static <T> Codec<T> json(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(
                JsonCodec.defaultMapper(), JsonCodec.defaultMapper().constructType(type));
    }

    /**
     * JSON through your own configured mapper (modules, naming strategies...).
     *
     * @throws NullPointerException if an argument is null
     */
    static <T> Codec<T> json(ObjectMapper mapper, JavaType type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return new JsonCodec<>(mapper, type);
    }
}
