package dev.synod.stm;

/** How much a transaction is protected from concurrent commits. */
public enum Isolation {
    /**
     * Serializable snapshot isolation (the default): reads come from one consistent snapshot and
     * every ref read by a committing transaction is checked, so write skew cannot happen.
     * Read-only transactions need no check at all.
     */
    SERIALIZABLE,

    /**
     * Clojure's snapshot isolation: reads come from one consistent snapshot; only refs written
     * or {@link Ref#ensure() ensured} are checked at commit. Cheaper under read-heavy contention,
     * but write skew is possible unless you {@code ensure} the refs your decision depends on.
     */
    SNAPSHOT
}
