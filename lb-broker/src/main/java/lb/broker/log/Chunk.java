package lb.broker.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole stored entries read from the log in one positional read, already CRC-checked, in
 * increasing offset order. {@link #bytes()} is the stored byte format (see {@link CommitLog})
 * exactly as on disk — what a leader ships to a follower, which appends it with
 * {@link CommitLog#appendReplicated}. {@link #records()} decodes them.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Chunk {

    static final Chunk EMPTY = new Chunk(ByteBuffer.allocate(0), -1, -1, 0);

    private final ByteBuffer bytes;
    private final long firstOffset;
    private final long lastOffset;
    private final int count;

    private Chunk(ByteBuffer bytes, long firstOffset, long lastOffset, int count) {
        // Kept writable-backed so that cursor() reaches the array; only read-only views leave.
        this.bytes = bytes;
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
        this.count = count;
    }

    /** Wraps checked entries {@code [0, limit)} of {@code buf}. */
    static Chunk of(ByteBuffer buf) {
        int n = 0;
        long first = -1;
        long last = -1;
        int p = 0;
        int limit = buf.limit();
        while (p < limit) {
            long off = RecordCodec.offsetAt(buf, p);
            if (n == 0) {
                first = off;
            }
            last = off;
            n++;
            p += buf.getInt(p) + 4;
        }
        return n == 0 ? EMPTY : new Chunk(buf, first, last, n);
    }

    /** True when the chunk holds no entry. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Offset of the first entry, -1 when empty. */
    public long firstOffset() {
        return firstOffset;
    }

    /** Offset of the last entry, -1 when empty; read on from {@code lastOffset() + 1}. */
    public long lastOffset() {
        return lastOffset;
    }

    /** Number of entries. */
    public int count() {
        return count;
    }

    /** The stored bytes (a read-only view positioned at 0; duplicate it to read concurrently). */
    public ByteBuffer bytes() {
        return bytes.asReadOnlyBuffer();
    }

    /** Size of the stored bytes. */
    public int sizeBytes() {
        return bytes.limit();
    }

    /** Decodes every entry (copies keys, values and header values out of the chunk). */
    public List<LogRecord> records() {
        List<LogRecord> out = new ArrayList<>(count);
        ByteBuffer b = bytes;
        int p = 0;
        while (p < b.limit()) {
            out.add(RecordCodec.decode(b, p));
            p += b.getInt(p) + 4;
        }
        return out;
    }

    /**
     * A cursor that decodes the entries in place, without copying anything out of the chunk:
     * each field is a range of {@link Cursor#array()}. For readers that re-encode the fields
     * (Subscribe) and would otherwise copy and decode every string and byte field only to
     * encode it again.
     */
    public Cursor cursor() {
        return new Cursor(bytes);
    }

    /**
     * In-place decoding of a chunk's entries ({@link #next()} moves to the next one). The byte
     * fields are ranges of {@link #array()}, which callers must not modify; a range's length is
     * -1 for an absent (null) key or value. Not thread-safe.
     */
    public static final class Cursor {
        /** The byte fields of an entry, in stored order. */
        public enum Field { KEY, VALUE, SUBJECT, REPLY, ACK_INBOX, CORRELATION_ID }

        private static final int FIELDS = Field.values().length;

        private final byte[] array;
        private final int base;
        private final int limit;
        private int next;
        private long offset;
        private long timestampNs;
        private int ackPolicy;
        private final int[] fieldPos = new int[FIELDS];
        private final int[] fieldLen = new int[FIELDS];
        private int headers;
        private int[] headerPos = new int[16]; // name pos, name len, value pos, value len per header

        Cursor(ByteBuffer view) {
            ByteBuffer b = view.duplicate();
            if (b.hasArray()) {
                array = b.array();
                base = b.arrayOffset();
            } else {
                // read-only or direct: one copy of the whole chunk, then no copy per field
                array = new byte[b.limit()];
                b.get(0, array);
                base = 0;
            }
            limit = base + b.limit();
            next = base;
        }

        /** Moves to the next entry; false at the end of the chunk. */
        public boolean next() {
            if (next >= limit) {
                return false;
            }
            int p = next;
            int size = getInt(p);
            next = p + size + 4;
            p += RecordCodec.OFF_OFFSET;
            offset = getLong(p);
            timestampNs = getLong(p + 8);
            p += 24;
            p++; // magic, checked when the chunk was read
            ackPolicy = array[p++];
            for (int f = 0; f < FIELDS; f++) {
                int n;
                if (f < 2) { // key and value: int length, -1 = null
                    n = getInt(p);
                    p += 4;
                } else { // strings: unsigned short length
                    n = ((array[p] & 0xFF) << 8) | (array[p + 1] & 0xFF);
                    p += 2;
                }
                fieldPos[f] = p;
                fieldLen[f] = n;
                p += Math.max(0, n);
            }
            headers = getInt(p);
            p += 4;
            if (headerPos.length < headers * 4) {
                headerPos = new int[headers * 4];
            }
            for (int i = 0; i < headers; i++) {
                int n = ((array[p] & 0xFF) << 8) | (array[p + 1] & 0xFF);
                headerPos[4 * i] = p + 2;
                headerPos[4 * i + 1] = n;
                p += 2 + n;
                int v = getInt(p);
                headerPos[4 * i + 2] = p + 4;
                headerPos[4 * i + 3] = v;
                p += 4 + Math.max(0, v);
            }
            return true;
        }

        /** The chunk's bytes; fields are ranges of it. Do not modify. */
        public byte[] array() {
            return array;
        }

        public long offset() {
            return offset;
        }

        public long timestampNs() {
            return timestampNs;
        }

        public int ackPolicy() {
            return ackPolicy;
        }

        public int position(Field f) {
            return fieldPos[f.ordinal()];
        }

        /** Length of the field in bytes; -1 when the key or value is absent. */
        public int length(Field f) {
            return fieldLen[f.ordinal()];
        }

        public int headerCount() {
            return headers;
        }

        public int headerNamePosition(int i) {
            return headerPos[4 * i];
        }

        public int headerNameLength(int i) {
            return headerPos[4 * i + 1];
        }

        public int headerValuePosition(int i) {
            return headerPos[4 * i + 2];
        }

        /** Length of the header's value; -1 for a null value. */
        public int headerValueLength(int i) {
            return headerPos[4 * i + 3];
        }

        private int getInt(int p) {
            return (array[p] & 0xFF) << 24 | (array[p + 1] & 0xFF) << 16 | (array[p + 2] & 0xFF) << 8
                    | (array[p + 3] & 0xFF);
        }

        private long getLong(int p) {
            return (long) getInt(p) << 32 | (getInt(p + 4) & 0xFFFFFFFFL);
        }
    }

    @Override
    public String toString() {
        return "Chunk[" + firstOffset + ".." + lastOffset + ", " + count + " entries, "
                + bytes.limit() + " bytes]";
    }
}
