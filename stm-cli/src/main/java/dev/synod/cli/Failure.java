package dev.synod.cli;

/**
 * A failure the tool reports to the user as one line on stderr, with the exit code it stands for.
 * Thrown by commands; turned into the exit code by {@link Synod}.
 */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A check failed: an invariant of the demo, or a value a command compared. */
    static final int CHECK_FAILED = 1;
    /** Bad command line (picocli's own usage errors use the same code). */
    static final int USAGE = 2;
    /** ZooKeeper could not be reached. */
    static final int CANNOT_CONNECT = 3;
    /** No ref or atom (or lock) of that name. */
    static final int UNKNOWN_REF = 4;
    /** A name that breaks Synod's naming rules. */
    static final int BAD_NAME = 5;
    /** Stored bytes that are not a Synod record, or a value that is not valid JSON. */
    static final int CORRUPT = 6;
    /**
     * The connection was lost while a change was being committed, and whether it applied could not
     * be found out: check the value before running the command again.
     */
    static final int OUTCOME_UNKNOWN = 7;

    private final int exitCode;

    Failure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
