package dev.synod.plugins.internal;

import dev.synod.stm.CorruptRecordException;
import dev.synod.stm.NoSuchRefException;
import dev.synod.stm.StateStoreException;
import java.util.function.Supplier;

/** Runs one call against a store client and reports its failure as a {@link StateStoreException}. */
public final class StoreCalls {
    private StoreCalls() {}

    /**
     * Returns {@code call}'s result; a runtime failure of the client becomes a {@link
     * StateStoreException} "{@code what} in {@code store} failed: ...". Synod's own exceptions
     * (thrown while decoding, for example) pass through unchanged.
     */
    public static <R> R call(String what, String store, Supplier<R> call) {
        try {
            return call.get();
        } catch (StateStoreException | CorruptRecordException | NoSuchRefException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateStoreException(what + " in " + store + " failed: " + e, e);
        }
    }
}
