package dev.synod.stm.internal;

import dev.synod.stm.CorruptRecordException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cell holds: the value (or, for an external container, the version key pointing at it),
 * the id of the transaction that wrote it, and for refs a bounded history of earlier values, newest
 * first, each with the stamp at which it became current and the id of the transaction that wrote
 * it.
 *
 * <p>Layout: magic 'S', format 1, flags, txn id (16), value length (4), value, history count (2),
 * then per entry stamp (8), txn id (16), length (4), bytes.
 */
record Record(int flags, TxnId writer, byte[] value, List<Entry> history, List<String> cowritten) {
    static final byte MAGIC = 'S';
    // Format 2 adds the names of the other refs written by the same transaction (read-atomic
    // check: a reader that sees this version must see at least this commit of those refs).
    static final byte FORMAT = 2;
    /** Co-written names are recorded only for transactions that write at most this many refs. */
    static final int MAX_COWRITTEN = 32;

    static final int ATOM = 1;
    static final int EXTERNAL = 2;
    private static final int HEADER = 3 + 16 + 4 + 2;
    private static final int ENTRY_HEADER = 8 + 16 + 4;

    /** An earlier version: when it became current, who wrote it, its value, what its commit co-wrote. */
    record Entry(long stamp, TxnId writer, byte[] value, List<String> cowritten) {
        Entry(long stamp, TxnId writer, byte[] value) {
            this(stamp, writer, value, List.of());
        }
    }

    Record(int flags, TxnId writer, byte[] value, List<Entry> history) {
        this(flags, writer, value, history, List.of());
    }

    /** The size of the co-written names section. */
    static int cowrittenSize(List<String> names) {
        int size = 2;
        for (String n : names) {
            size += 2 + n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return size;
    }

    boolean isAtom() {
        return (flags & ATOM) != 0;
    }

    boolean isExternal() {
        return (flags & EXTERNAL) != 0;
    }

    static int size(byte[] value, List<Entry> history) {
        int size = HEADER + value.length;
        for (Entry e : history) {
            size += ENTRY_HEADER + e.value.length + cowrittenSize(e.cowritten);
        }
        return size;
    }

    int size() {
        return size(value, history) + cowrittenSize(cowritten);
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(size());
        b.put(MAGIC).put(FORMAT).put((byte) flags);
        b.putLong(writer.hi()).putLong(writer.lo());
        b.putInt(value.length).put(value);
        b.putShort((short) history.size());
        for (Entry e : history) {
            b.putLong(e.stamp).putLong(e.writer.hi()).putLong(e.writer.lo());
            b.putInt(e.value.length).put(e.value);
            putNames(b, e.cowritten);
        }
        putNames(b, cowritten);
        return b.array();
    }

    private static void putNames(ByteBuffer b, List<String> names) {
        b.putShort((short) names.size());
        for (String n : names) {
            byte[] utf8 = n.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.putShort((short) utf8.length).put(utf8);
        }
    }

    private static List<String> getNames(ByteBuffer b) {
        int count = Short.toUnsignedInt(b.getShort());
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] utf8 = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(utf8);
            names.add(new String(utf8, java.nio.charset.StandardCharsets.UTF_8));
        }
        return List.copyOf(names);
    }

    /**
     * Decodes cell bytes.
     *
     * @throws CorruptRecordException naming {@code where} if the bytes are not a Synod record
     */
    static Record decode(String where, byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (bytes.length < HEADER || b.get() != MAGIC) {
                throw corrupt(where, bytes, "not a Synod record (bad magic or too short)");
            }
            byte format = b.get();
            if (format != FORMAT && format != 1) {
                throw corrupt(where, bytes, "unknown record format " + format);
            }
            int flags = b.get();
            TxnId writer = new TxnId(b.getLong(), b.getLong());
            byte[] value = readBytes(b);
            int count = Short.toUnsignedInt(b.getShort());
            List<Entry> history = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long stamp = b.getLong();
                TxnId w = new TxnId(b.getLong(), b.getLong());
                byte[] v = readBytes(b);
                history.add(new Entry(stamp, w, v, format >= 2 ? getNames(b) : List.of()));
            }
            List<String> cowritten = format >= 2 ? getNames(b) : List.of();
            if (b.hasRemaining()) {
                throw corrupt(where, bytes, b.remaining() + " trailing bytes");
            }
            return new Record(flags, writer, value, List.copyOf(history), cowritten);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw corrupt(where, bytes, "truncated record");
        }
    }

    private static byte[] readBytes(ByteBuffer b) {
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("bad length " + len);
        }
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }

    private static CorruptRecordException corrupt(String where, byte[] bytes, String why) {
        return new CorruptRecordException("corrupt record at '" + where + "' (" + bytes.length + " bytes): " + why
                + "; it was not written by Synod, or by an incompatible version");
    }
}
