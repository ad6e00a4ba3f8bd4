package dev.synod.stm.internal;

import dev.synod.stm.spi.RecordView;

/** Bridges the internal record format to the public, read-only {@link RecordView}. */
public final class Records {
    private Records() {}

    public static RecordView view(String where, byte[] bytes) {
        Record r = Record.decode(where, bytes);
        return new RecordView(
                r.isAtom(),
                r.isExternal(),
                r.writer().hex(),
                r.value(),
                r.history().stream()
                        .map(h -> new RecordView.HistoryEntry(
                                h.stamp(), h.writer().hex(), h.value()))
                        .toList());
    }
}
