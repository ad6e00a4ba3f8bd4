package dev.synod.cli;

/**
 * What one demo client has done so far; a client reports it to the demo on its stdout as one line
 * ({@code STAT ...} while running, {@code DONE ...} at the end).
 *
 * @param transfers transfer transactions committed
 * @param locked lock-guarded transactions committed
 * @param swaps atom swaps applied
 * @param failed transactions that gave up (retry limit, lost lock...): they changed nothing
 * @param commits transactions committed (read-only ones included)
 * @param retries times a transaction body was re-run
 * @param conflicts commits rejected because of a concurrent change
 * @param atomConflicts atom compare-and-set attempts that lost to a concurrent change
 */
record DemoStats(
        long transfers,
        long locked,
        long swaps,
        long failed,
        long commits,
        long retries,
        long conflicts,
        long atomConflicts) {
    static final DemoStats ZERO = new DemoStats(0, 0, 0, 0, 0, 0, 0, 0);

    String toLine(String tag) {
        return tag + " " + transfers + " " + locked + " " + swaps + " " + failed + " " + commits + " " + retries + " "
                + conflicts + " " + atomConflicts;
    }

    /** Parses a line written by {@link #toLine}; the tag is not checked. */
    static DemoStats parse(String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 9) {
            throw new IllegalArgumentException("not a demo client report: " + line);
        }
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Long.parseLong(f[i + 1]);
        }
        return new DemoStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    DemoStats plus(DemoStats o) {
        return new DemoStats(
                transfers + o.transfers,
                locked + o.locked,
                swaps + o.swaps,
                failed + o.failed,
                commits + o.commits,
                retries + o.retries,
                conflicts + o.conflicts,
                atomConflicts + o.atomConflicts);
    }
}
