package dev.synod.stm.internal;

import dev.synod.stm.spi.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** What one transaction knows and intends about one ref. */
abstract class Entry<T> {
    T value;
    boolean read;
    boolean ensured;
    boolean written;
    List<UnaryOperator<T>> commutes;

    abstract IdentityBase<T> ref();

    boolean commuteOnly() {
        return commutes != null && !written && !read && !ensured;
    }

    boolean changes() {
        return written || commutes != null;
    }

    T applyCommutes(T base) {
        T v = base;
        for (UnaryOperator<T> fn : commutes) {
            v = TxnImpl.nonNull(fn.apply(v), ref());
        }
        return v;
    }

    void addCommute(UnaryOperator<T> fn) {
        if (commutes == null) {
            commutes = new ArrayList<>(2);
        }
        commutes.add(fn);
    }

    /** A ref kept in the coordinator. */
    static final class Dist<T> extends Entry<T> {
        final DistRef<T> ref;
        DistRef.Decoded<T> base;
        /** The value comes from the history: the cell changed after the snapshot. */
        boolean stale;
        /**
         * Read from the last known state of a ref the coordinator may no longer keep current
         * ({@link DistRef#mayBeQuiet}): checked before the attempt may end in anything but a
         * commit that checks it (see {@link TxnImpl#changedOptimistic}).
         */
        boolean optimistic;
        /** Version key staged in the external container, if any. */
        String stagedKey;
        /** How many history entries the new record keeps. */
        int keptHistory;
        /** The record this commit writes (set when the request is built). */
        Record writtenRecord;

        Dist(DistRef<T> ref) {
            this.ref = ref;
        }

        @Override
        DistRef<T> ref() {
            return ref;
        }

        Versioned cell() {
            return base.cell();
        }
    }

    /** An in-memory local ref. */
    static final class Local<T> extends Entry<T> {
        final LocalRefImpl<T> ref;
        LocalRefImpl.Version<T> base;

        Local(LocalRefImpl<T> ref) {
            this.ref = ref;
        }

        @Override
        LocalRefImpl<T> ref() {
            return ref;
        }
    }
}
