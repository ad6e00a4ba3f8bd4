package dev.synod.stm.spi;

import java.util.List;
import java.util.Objects;

/**
 * One atomic conditional commit: every check and every write applies, or none does.
 *
 * @param checks cells that must still be at the given version (reads under serializable
 *     isolation, {@code ensure}d refs)
 * @param writes cells to overwrite, each conditional on its expected version
 * @param guards extra conditions (e.g. a held lock); a failed guard is reported by {@link
 *     CommitResult.Conflict#failedGuard()}
 * @throws NullPointerException if a list, an element, a name or data is null (the lists are
 *     copied, unmodifiable)
 */
public record CommitRequest(List<Check> checks, List<Write> writes, List<CommitGuard> guards) {
    /** Expected version meaning "whatever the current version is" (an unconditional write). */
    public static final long ANY_VERSION = -1;

    public CommitRequest {
        checks = List.copyOf(checks);
        writes = List.copyOf(writes);
        guards = List.copyOf(guards);
    }

    /** A cell that must still be at {@code version} when the commit applies. */
    public record Check(String name, long version) {
        public Check {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Replace the data of a cell, conditional on {@code expectedVersion} ({@link #ANY_VERSION}
     * for none).
     */
    public record Write(String name, long expectedVersion, byte[] data) {
        public Write {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(data, "data");
        }
    }
}
