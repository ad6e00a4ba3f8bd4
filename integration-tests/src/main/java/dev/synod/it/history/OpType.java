package dev.synod.it.history;

import java.util.Locale;

/**
 * The kind of an {@link Op}: the invocation of an operation or one of its three outcomes.
 *
 * <p>Checkers read the outcomes this way: {@link #OK} happened, {@link #FAIL} certainly did not
 * happen, and {@link #INFO} may or may not have happened (a timeout, a lost connection, a crash).
 * A client that does not know the outcome must record {@code INFO}, never {@code FAIL}.
 */
public enum OpType {
    /** The client is about to call the system. */
    INVOKE,
    /** The operation happened; its value holds what it returned. */
    OK,
    /** The operation certainly did not happen. */
    FAIL,
    /** The outcome is unknown: the operation may or may not have happened, possibly later. */
    INFO;

    /** Returns the lower-case name used in JSON ({@code invoke}, {@code ok}, ...). */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a name written by {@link #jsonName()}.
     *
     * @throws IllegalArgumentException if the name is not one of the four types
     */
    public static OpType fromJsonName(String name) {
        for (OpType type : values()) {
            if (type.jsonName().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("op type must be invoke, ok, fail or info but was " + name);
    }

    /** Returns whether this type is an outcome ({@code ok}, {@code fail} or {@code info}). */
    public boolean isCompletion() {
        return this != INVOKE;
    }
}
