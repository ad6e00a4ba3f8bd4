package dev.synod.stm.spi;

import java.util.Map;
import java.util.Set;

/** The outcome of {@link Coordinator#commit(CommitRequest)} when the outcome is known. */
public sealed interface CommitResult {

    /**
     * Everything applied.
     *
     * @param stamp the commit stamp (for ZooKeeper the zxid of the multi)
     * @param written the new state of every written cell, by name (copied; may be empty for a
     *     coordinator that does not report it)
     * @throws NullPointerException if {@code written}, a key or a value is null
     */
    record Committed(long stamp, Map<String, Versioned> written) implements CommitResult {
        public Committed {
            written = Map.copyOf(written);
        }
    }

    /**
     * Nothing applied because a check, a write's expected version or a guard failed.
     *
     * @param conflicting names of cells known to have conflicted (at least one unless a guard
     *     failed; a coordinator may report only the first failing one)
     * @param failedGuard the guard that failed, or {@code null}
     * @throws NullPointerException if {@code conflicting} or one of its names is null
     */
    record Conflict(Set<String> conflicting, CommitGuard failedGuard) implements CommitResult {
        public Conflict {
            conflicting = Set.copyOf(conflicting);
        }
    }
}
