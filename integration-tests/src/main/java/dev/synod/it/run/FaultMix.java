package dev.synod.it.run;

/** The faults a run injects, one kind per run. */
public enum FaultMix {
    /** No fault: the baseline. */
    NONE("none"),
    /** The leader is killed ({@code SIGKILL}) and restarted, again and again. */
    LEADER_KILL("leader-kill"),
    /** A client's connections are cut, frozen (partitioned) or delayed through its proxies. */
    CONNECTION_CUT("connection-cut"),
    /** A client's session is expired on the server. */
    SESSION_EXPIRY("session-expiry"),
    /**
     * A client JVM is paused ({@code SIGSTOP}) past its session timeout, then resumed; a lock
     * client is paused while one of its workers holds the lock.
     */
    PAUSE("pause");

    private final String label;

    FaultMix(String label) {
        this.label = label;
    }

    /** The short name used in run names and tables. */
    public String label() {
        return label;
    }
}
