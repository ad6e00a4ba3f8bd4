package dev.synod.stm.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.TestInfo;

/** Container names unique to one test run, valid as Synod ref names. */
final class KitNames {
    private KitNames() {}

    static String unique(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        String safe = method.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return "kit/" + safe + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT);
    }
}
