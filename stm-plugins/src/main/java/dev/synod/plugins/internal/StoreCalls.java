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
     * StateStoreException} "{@code what} in {@code store} failed: ...", or, when the failure is a
     * {@linkplain Timeouts#timedOut timeout}, "{@code what} in {@code store} timed out ({@code
     * limit}): ...". Synod's own exceptions (thrown while decoding, for example) pass through
     * unchanged.
     */
    public static <R> R call(String what, String store, String limit, Supplier<R> call) {
        try {
            return call.get();
        } catch (StateStoreException | CorruptRecordException | NoSuchRefException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(what, store, limit, e);
        }
    }

    /** The {@link StateStoreException} for {@code e}, worded as in {@link #call}. */
    public static StateStoreException failure(String what, String store, String limit, Exception e) {
        return Timeouts.timedOut(e)
                ? new StateStoreException(what + " in " + store + " timed out (" + limit + "): " + e, e)
                : new StateStoreException(what + " in " + store + " failed: " + e, e);
    }
}
