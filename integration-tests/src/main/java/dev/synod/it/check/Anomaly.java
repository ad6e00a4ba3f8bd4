package dev.synod.it.check;

/** The anomalies the checkers report, each with the short name used in tables. */
public enum Anomaly {
    /** Bank: a read whose balances do not add up to the fixed total. */
    WRONG_TOTAL("wrong-total"),
    /** Bank: a read with a negative balance. */
    NEGATIVE_BALANCE("negative-balance"),
    /** Bank: the final balances need an ok transfer to be dropped. */
    LOST_TRANSFER("lost-transfer"),
    /** Bank: the final balances need a transfer to be applied twice. */
    DUPLICATED_TRANSFER("duplicated-transfer"),
    /** Bank: the final balances are explained neither by the transfers nor by one lost or duplicated. */
    UNEXPLAINED_BALANCES("unexplained-balances"),
    /** List-append: a cycle of write-write dependencies only. */
    G0("G0"),
    /** List-append: a read of a value that was never appended, or appended by a failed txn. */
    G1A("G1a"),
    /** List-append: a read of an intermediate state of another txn. */
    G1B("G1b"),
    /** List-append: a cycle of write-write and write-read dependencies, with a write-read one. */
    G1C("G1c"),
    /** List-append: a cycle with exactly one read-write anti-dependency (read skew). */
    G_SINGLE("G-single"),
    /** List-append: a cycle with two or more read-write anti-dependencies (write skew). */
    G2("G2"),
    /** List-append: two reads of one key of which neither is a prefix of the other. */
    INCOMPATIBLE_ORDER("incompatible-order"),
    /** List-append: a value that occurs twice in one read. */
    DUPLICATE_ELEMENTS("duplicate-elements"),
    /** List-append: a txn whose read does not reflect its own earlier reads and appends. */
    INTERNAL("internal"),
    /** Locks: two holders that held the lock at the same time. */
    OVERLAPPING_HOLDERS("overlapping-holders"),
    /** Locks: a later holder got a fencing token that is not greater than an earlier one's. */
    NON_MONOTONIC_TOKEN("non-monotonic-token"),
    /** Locks: an ok add whose element is missing from the final read. */
    LOST_ADD("lost-add"),
    /** Locks: an element in the final read that no ok or info add added. */
    UNEXPECTED_ELEMENT("unexpected-element"),
    /** Counter: a final value that is not the ok increments plus some of the info ones. */
    COUNTER_MISMATCH("counter-mismatch"),
    /** Counter: a read outside the range that the increments around it allow. */
    COUNTER_READ_OUT_OF_RANGE("counter-read-out-of-range");

    private final String label;

    Anomaly(String label) {
        this.label = label;
    }

    /** Returns the short name used in tables and witnesses, such as {@code G-single}. */
    public String label() {
        return label;
    }
}
