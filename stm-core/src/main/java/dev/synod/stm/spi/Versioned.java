package dev.synod.stm.spi;

import java.util.Objects;

/**
 * The state of one coordinator cell: its bytes, the cell's compare-and-set version, and the commit
 * stamp that produced those bytes.
 *
 * <p>For ZooKeeper, {@code version} is the znode's data version and {@code stamp} its {@code mzxid}.
 * Stamps are totally ordered across all cells of one coordinator. Instances are immutable; the
 * array is never modified after construction by either side.
 *
 * @param name the cell name (a validated ref name, see {@code RefNames})
 * @param data the cell bytes (never null)
 * @param version the compare-and-set version, used in {@link CommitRequest.Check} and {@link
 *     CommitRequest.Write}
 * @param stamp the commit stamp at which these bytes became current
 */
public record Versioned(String name, byte[] data, long version, long stamp) {
    public Versioned {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public String toString() {
        return "Versioned[" + name + ", " + data.length + " bytes, version=" + version + ", stamp=" + stamp + "]";
    }
}
