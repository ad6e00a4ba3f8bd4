package dev.synod.it.check;

import dev.synod.it.history.Op;
import java.util.List;

/**
 * Decides whether a history shows anomalies. Implementations are stateless and thread-safe, do
 * not block, and throw {@link IllegalArgumentException} on an op they cannot parse.
 */
@FunctionalInterface
public interface Checker {
    /**
     * Checks a history of invokes and completions (as recorded by {@link
     * dev.synod.it.history.History}, or its completions alone).
     */
    CheckResult check(List<Op> history);
}
