package dev.synod.stm.internal;

import java.util.concurrent.ThreadLocalRandom;

/** A random 128-bit transaction id, stored in every record it writes. */
record TxnId(long hi, long lo) {
    static TxnId random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new TxnId(r.nextLong(), r.nextLong());
    }

    String hex() {
        return String.format("%016x%016x", hi, lo);
    }

    @Override
    public String toString() {
        return hex();
    }
}
