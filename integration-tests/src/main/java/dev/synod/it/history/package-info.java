/**
 * Histories of operations, the input of the checkers in {@link dev.synod.it.check}.
 *
 * <p>A client records an {@link dev.synod.it.history.OpType#INVOKE invoke} before it calls the
 * system and one completion after: {@code ok} (it happened), {@code fail} (it certainly did not
 * happen) or {@code info} (the outcome is unknown: it may or may not have happened). A
 * {@link dev.synod.it.history.History} records them thread-safely; {@link
 * dev.synod.it.history.HistoryJson} saves and loads them as JSON Lines so that the history of a
 * failing run can be checked again.
 */
package dev.synod.it.history;
