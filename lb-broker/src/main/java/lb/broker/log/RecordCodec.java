package lb.broker.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes log entries. The byte format is documented on {@link CommitLog}.
 * Stateless apart from a CRC object: one instance per thread (the writer owns one, each
 * reader decodes with its own).
 */
final class RecordCodec {

    /** Bytes before the CRC-covered body: size (4) + crc (4). */
    static final int PREFIX = 8;
    /** size, crc, offset, timestamp, epoch, magic, ackPolicy. */
    static final int FIXED = 4 + 4 + 8 + 8 + 8 + 1 + 1;
    static final byte MAGIC = 1;
    /** Largest entry accepted on read; anything larger is a corrupt length. */
    static final int MAX_ENTRY = 64 << 20;

    static final int OFF_SIZE = 0;
    static final int OFF_CRC = 4;
    static final int OFF_OFFSET = 8;
    static final int OFF_TIMESTAMP = 16;
    static final int OFF_EPOCH = 24;
    static final int OFF_MAGIC = 32;

    private final CRC32C crc = new CRC32C();

    /** Encoded size of one record, including its 8-byte prefix. */
    static int sizeOf(LogRecord r) {
        int n = FIXED + 4 + len(r.key()) + 4 + len(r.value())
                + 2 + utf8Len(r.subject()) + 2 + utf8Len(r.replySubject())
                + 2 + utf8Len(r.ackInbox()) + 2 + utf8Len(r.correlationId()) + 4;
        for (Map.Entry<String, byte[]> h : r.headers().entrySet()) {
            n += 2 + utf8Len(h.getKey()) + 4 + h.getValue().length;
        }
        return n;
    }

    static int sizeOf(List<LogRecord> records) {
        long n = 0;
        for (LogRecord r : records) {
            n += sizeOf(r);
        }
        if (n > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("batch of " + n + " bytes is too large (max "
                    + Integer.MAX_VALUE / 2 + ")");
        }
        return (int) n;
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static int utf8Len(String s) {
        // ASCII fast path: subjects and inboxes are ASCII in practice.
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }

    /** Writes one entry at the buffer's position, advancing it. */
    void encode(LogRecord r, long offset, ByteBuffer out) {
        int start = out.position();
        out.putInt(0).putInt(0).putLong(offset).putLong(r.timestampNs()).putLong(r.leaderEpoch())
                .put(MAGIC).put((byte) r.ackPolicy());
        putBytes(out, r.key());
        putBytes(out, r.value());
        putString(out, r.subject());
        putString(out, r.replySubject());
        putString(out, r.ackInbox());
        putString(out, r.correlationId());
        out.putInt(r.headers().size());
        for (Map.Entry<String, byte[]> h : r.headers().entrySet()) {
            putString(out, h.getKey());
            putBytes(out, h.getValue());
        }
        int end = out.position();
        out.putInt(start + OFF_SIZE, end - start - 4);
        out.putInt(start + OFF_CRC, crcOf(out, start + OFF_OFFSET, end));
    }

    private static void putBytes(ByteBuffer out, byte[] b) {
        if (b == null) {
            out.putInt(-1);
        } else {
            out.putInt(b.length).put(b);
        }
    }

    private static void putString(ByteBuffer out, String s) {
        if (s.isEmpty()) {
            out.putShort((short) 0);
            return;
        }
        // One vectorised encode and one bulk copy: the encode buffer is direct, where a put per
        // character costs a bounds and scope check each.
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + b.length
                    + " bytes is too long (max 65535): " + s.substring(0, 40) + "...");
        }
        out.putShort((short) b.length).put(b);
    }

    int crcOf(ByteBuffer buf, int from, int to) {
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + from, to - from);
        } else {
            // Direct or read-only: narrow the buffer in place (no view allocated per entry),
            // then restore it. Buffers handed to the codec are confined to one thread.
            int p = buf.position();
            int l = buf.limit();
            buf.limit(to).position(from);
            crc.update(buf);
            buf.limit(l).position(p);
        }
        return (int) crc.getValue();
    }

    /**
     * Checks the entry at {@code pos} (absolute) inside {@code buf[pos, limit)}.
     *
     * @return the whole entry length (prefix included), {@code 0} if the buffer ends before the
     *     entry does (incomplete), or {@code -1} if the entry is corrupt (bad size, magic or CRC)
     */
    int check(ByteBuffer buf, int pos, int limit) {
        if (limit - pos < FIXED) {
            return 0;
        }
        int size = buf.getInt(pos + OFF_SIZE);
        if (size < FIXED - 4 + 4 + 4 + 2 * 4 + 4 || size > MAX_ENTRY) {
            return -1;
        }
        if (buf.get(pos + OFF_MAGIC) != MAGIC) {
            return -1;
        }
        int total = size + 4;
        if (limit - pos < total) {
            return 0;
        }
        if (crcOf(buf, pos + OFF_OFFSET, pos + total) != buf.getInt(pos + OFF_CRC)) {
            return -1;
        }
        return total;
    }

    static long offsetAt(ByteBuffer buf, int pos) {
        return buf.getLong(pos + OFF_OFFSET);
    }

    static long timestampAt(ByteBuffer buf, int pos) {
        return buf.getLong(pos + OFF_TIMESTAMP);
    }

    static long epochAt(ByteBuffer buf, int pos) {
        return buf.getLong(pos + OFF_EPOCH);
    }

    /** Whether the entry at {@code pos} has a non-null key, and the key bytes' position. */
    static int keyLengthAt(ByteBuffer buf, int pos) {
        return buf.getInt(pos + FIXED);
    }

    /** Decodes a checked entry at absolute {@code pos}; copies key, value and header values. */
    static LogRecord decode(ByteBuffer buf, int pos) {
        ByteBuffer b = buf.duplicate().position(pos + OFF_OFFSET);
        long offset = b.getLong();
        long ts = b.getLong();
        long epoch = b.getLong();
        b.get(); // magic, checked by check()
        int ackPolicy = b.get();
        byte[] key = getBytes(b);
        byte[] value = getBytes(b);
        String subject = getString(b);
        String reply = getString(b);
        String inbox = getString(b);
        String corr = getString(b);
        int n = b.getInt();
        Map<String, byte[]> headers;
        if (n == 0) {
            headers = Map.of();
        } else {
            headers = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                String name = getString(b);
                headers.put(name, getBytes(b));
            }
        }
        return new LogRecord(offset, ts, epoch, key, value, headers, subject, reply, inbox, corr,
                ackPolicy);
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static String getString(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        if (n == 0) {
            return "";
        }
        if (b.hasArray()) {
            String s = new String(b.array(), b.arrayOffset() + b.position(), n,
                    StandardCharsets.UTF_8);
            b.position(b.position() + n);
            return s;
        }
        byte[] tmp = new byte[n];
        b.get(tmp);
        return new String(tmp, StandardCharsets.UTF_8);
    }
}
