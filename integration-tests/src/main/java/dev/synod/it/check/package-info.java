/**
 * Checkers that decide whether a {@linkplain dev.synod.it.history history} shows an anomaly, in
 * the manner of Jepsen and Elle.
 *
 * <p>Every checker is a {@link dev.synod.it.check.Checker}: it reads the completions of a history
 * and returns a {@link dev.synod.it.check.CheckResult} with counts per {@link
 * dev.synod.it.check.Anomaly} and human-readable witnesses. All checkers read {@code ok} as
 * "happened", {@code fail} as "did not happen" and {@code info} as "may or may not have happened":
 * an anomaly is reported only when no choice for the {@code info} operations explains the
 * history. {@link dev.synod.it.check.SummaryTable} prints the table of a run.
 */
package dev.synod.it.check;
