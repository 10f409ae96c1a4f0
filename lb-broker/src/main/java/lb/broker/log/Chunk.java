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
        this.bytes = bytes.asReadOnlyBuffer();
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
        return bytes.duplicate();
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

    @Override
    public String toString() {
        return "Chunk[" + firstOffset + ".." + lastOffset + ", " + count + " entries, "
                + bytes.limit() + " bytes]";
    }
}
