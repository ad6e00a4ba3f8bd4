package dev.synod.stm.internal;

import dev.synod.stm.CorruptRecordException;

/**
 * An external version a record points at is missing. Usually a race, not corruption: the version
 * was read from a cell state that has since moved on, and a later commit deleted it as it fell out
 * of history. The engine then re-reads (or retries the transaction); only when the cell has not
 * moved is it reported as the corruption it is.
 */
final class VersionGoneException extends CorruptRecordException {
    private static final long serialVersionUID = 1L;

    VersionGoneException(String message) {
        super(message);
    }
}
