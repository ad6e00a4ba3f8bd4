package dev.synod.plugins.internal;

import dev.synod.stm.Codec;
import dev.synod.stm.CorruptRecordException;
import java.util.Objects;

/** Encodes and decodes container values, reporting codec failures with the store's name. */
public final class Values {
    private Values() {}

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if the codec cannot encode it
     */
    public static <T> byte[] encode(Codec<T> codec, T value, String store) {
        Objects.requireNonNull(value, "value (containers never store null)");
        try {
            return Objects.requireNonNull(codec.encode(value), "codec returned null bytes");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode a value for " + store + " with " + codec + ": " + e.getMessage(), e);
        }
    }

    /** @throws CorruptRecordException if the stored bytes cannot be decoded */
    public static <T> T decode(Codec<T> codec, byte[] bytes, String store, String what) {
        try {
            return Objects.requireNonNull(codec.decode(bytes), "codec returned null");
        } catch (RuntimeException e) {
            throw new CorruptRecordException(
                    "cannot decode " + what + " in " + store + " (" + bytes.length + " bytes) with " + codec + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
