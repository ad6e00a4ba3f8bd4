package dev.synod.stm.internal;

import java.util.OptionalLong;

/**
 * Version keys of values staged in external containers: {@code v<stagedAtMillis>-<txn id>-<suffix>}.
 * The staging time lets a sweep leave alone versions that a transaction in flight may still commit.
 */
final class VersionKeys {
    private VersionKeys() {}

    static String fresh(TxnId id, String suffix) {
        return "v" + System.currentTimeMillis() + "-" + id.hex() + "-" + suffix;
    }

    /** When the key was staged, or empty if it is not a key in this format. */
    static OptionalLong stagedAt(String key) {
        int dash = key.indexOf('-');
        if (!key.startsWith("v") || dash < 2) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(key.substring(1, dash)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
