package dev.synod.stm.internal;

/**
 * Control flow, not an error: unwinds a transaction body so that the engine can retry it. One
 * preallocated instance without a stack trace; never seen by users (the engine catches it).
 */
final class RetrySignal extends Error {
    private static final long serialVersionUID = 1L;
    static final RetrySignal INSTANCE = new RetrySignal();

    private RetrySignal() {
        super(null, null, false, false);
    }
}
