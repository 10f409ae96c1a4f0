package lb.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import lb.broker.log.Chunk;
import lb.broker.log.CommitLog;
import lb.broker.log.Chunk.Cursor.Field;

/**
 * Reads committed messages (offset ≤ HW) of one partition in order, from a start offset to an
 * optional stop offset, as Subscribe streams them (wire-contract §3.6). Waits on the log's
 * high-watermark condition, not by polling. Not thread-safe: one subscription's thread.
 */
public final class PartitionReader implements AutoCloseable {

    /** Bytes read from the log per call; at least one message is always returned if due. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final Partition partition;
    private final CommitLog log;
    private final long stopOffset;
    private long next;
    private boolean closed;
    private final ByteString streamBytes;
    private final byte[] streamUtf8;

    /**
     * Messages to send and, when the subscription must end after them, the status to end with.
     */
    public record Batch(List<Api.Message> messages, Status end) {
    }

    PartitionReader(Partition partition, CommitLog log, long startOffset, long stopOffset) {
        this.partition = partition;
        this.log = log;
        this.next = Math.max(0, startOffset);
        this.stopOffset = stopOffset;
        this.streamBytes = ByteString.copyFromUtf8(partition.stream());
        this.streamUtf8 = streamBytes.toByteArray();
    }

    /**
     * The next committed messages, waiting up to {@code timeoutMs} for some. An empty batch
     * without an end status means nothing arrived in time: call again.
     */
    public Batch next(int maxMessages, long timeoutMs) throws InterruptedException {
        Read<Api.Message> r = read(maxMessages, timeoutMs, this::toMessage);
        return new Batch(r.messages(), r.end());
    }

    /**
     * As {@link #next}, but each message comes as its protobuf encoding (byte for byte what
     * {@code Api.Message.toByteArray()} of {@link #next}'s message gives), written straight from
     * the stored bytes: what Subscribe sends, without building a message object per record.
     */
    public EncodedBatch nextEncoded(int maxMessages, long timeoutMs) throws InterruptedException {
        Read<byte[]> r = read(maxMessages, timeoutMs, this::encode);
        return new EncodedBatch(r.messages(), r.end());
    }

    /** Encoded messages to send and, when the subscription must end after them, the end status. */
    public record EncodedBatch(List<byte[]> messages, Status end) {
    }

    private record Read<T>(List<T> messages, Status end) {
    }

    private <T> Read<T> read(int maxMessages, long timeoutMs, java.util.function.Function<Chunk.Cursor, T> convert)
            throws InterruptedException {
        Status end = checkEnd();
        if (end != null) {
            return new Read<>(List.of(), end);
        }
        long hw = log.highWatermark();
        if (next > hw) {
            log.awaitHighWatermarkAbove(next - 1, timeoutMs);
            end = checkEnd();
            if (end != null) {
                return new Read<>(List.of(), end);
            }
            hw = log.highWatermark();
            if (next > hw) {
                return new Read<>(List.of(), readonlyEnd(hw));
            }
        }
        Chunk chunk;
        try {
            chunk = log.read(next, CHUNK_BYTES, stopOffset >= 0 ? Math.min(hw, stopOffset) : hw);
        } catch (IOException | RuntimeException e) {
            end = checkEnd();
            return new Read<>(List.of(), end != null ? end
                    : PartitionError.READ_FAILED.status(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        List<T> out = new ArrayList<>(Math.min(chunk.count(), maxMessages));
        Chunk.Cursor c = chunk.cursor();
        while (out.size() < maxMessages && c.next()) {
            out.add(convert.apply(c));
            next = c.offset() + 1;
            if (stopOffset >= 0 && c.offset() >= stopOffset) {
                return new Read<>(out, PartitionError.STOP_REACHED.status());
            }
        }
        if (out.isEmpty() && stopOffset >= 0 && hw >= stopOffset) {
            // Everything up to the stop offset is committed and nothing is left before it (the
            // stop offset was compacted away): end instead of waiting forever (behavior.md §15.18).
            return new Read<>(out, PartitionError.STOP_REACHED.status());
        }
        return new Read<>(out, null);
    }

    private Status checkEnd() {
        PartitionError e = partition.endStatus();
        return e == null ? null : e.status();
    }

    /** A read-only partition whose reader has everything up to the newest offset ends (else null). */
    private Status readonlyEnd(long hw) {
        if (partition.isReadonly() && hw == log.newestOffset()) {
            return PartitionError.READONLY_END.status();
        }
        return null;
    }

    /**
     * The message straight from the stored bytes: string and byte fields are wrapped, not
     * copied nor decoded (protobuf writes them out as they are); header names, the only strings
     * protobuf needs as strings (map keys), come from a small cache since they repeat.
     */
    private Api.Message toMessage(Chunk.Cursor c) {
        byte[] a = c.array();
        Api.Message.Builder m = Api.Message.newBuilder()
                .setOffset(c.offset())
                .setTimestamp(c.timestampNs())
                .setStreamBytes(streamBytes)
                .setPartition(partition.id())
                .setSubjectBytes(wrap(a, c.position(Field.SUBJECT), c.length(Field.SUBJECT)));
        if (c.length(Field.REPLY) > 0) {
            m.setReplySubjectBytes(wrap(a, c.position(Field.REPLY), c.length(Field.REPLY)));
        }
        if (c.length(Field.KEY) > 0) {
            m.setKey(wrap(a, c.position(Field.KEY), c.length(Field.KEY)));
        }
        if (c.length(Field.VALUE) > 0) {
            m.setValue(wrap(a, c.position(Field.VALUE), c.length(Field.VALUE)));
        }
        boolean storedSubject = false;
        boolean storedReply = false;
        for (int i = 0, n = c.headerCount(); i < n; i++) {
            int len = c.headerValueLength(i);
            String name = headerName(a, c.headerNamePosition(i), c.headerNameLength(i));
            storedSubject |= name.equals(SUBJECT);
            storedReply |= name.equals(REPLY);
            m.putHeaders(name, len <= 0 ? ByteString.EMPTY : wrap(a, c.headerValuePosition(i), len));
        }
        // Every message carries "subject" and "reply" headers (behavior.md "Stored headers always
        // include subject and reply"); the writer keeps them as record fields only (logs written
        // before that have them stored as headers too).
        if (!storedSubject) {
            m.putHeaders(SUBJECT, m.getSubjectBytes());
        }
        if (!storedReply) {
            m.putHeaders(REPLY, wrap(a, c.position(Field.REPLY), c.length(Field.REPLY)));
        }
        return m.build();
    }

    private static final String SUBJECT = "subject";
    private static final String REPLY = "reply";

    /**
     * The protobuf encoding of {@link #toMessage}'s message, written directly: fields in number
     * order, proto3 defaults left out, header entries (key and value always written, as
     * protobuf-java does for map entries) in the same order.
     */
    private byte[] encode(Chunk.Cursor c) {
        byte[] a = c.array();
        int subjectLen = c.length(Field.SUBJECT);
        int replyLen = Math.max(0, c.length(Field.REPLY));
        int keyLen = Math.max(0, c.length(Field.KEY));
        int valueLen = Math.max(0, c.length(Field.VALUE));
        int n = 0;
        n += c.offset() != 0 ? 1 + ProtoOut.varint64Size(c.offset()) : 0;
        n += keyLen > 0 ? 1 + ProtoOut.lenSize(keyLen) : 0;
        n += valueLen > 0 ? 1 + ProtoOut.lenSize(valueLen) : 0;
        n += c.timestampNs() != 0 ? 1 + ProtoOut.varint64Size(c.timestampNs()) : 0;
        n += streamUtf8.length > 0 ? 1 + ProtoOut.lenSize(streamUtf8.length) : 0;
        n += partition.id() != 0 ? 1 + ProtoOut.varint64Size(partition.id()) : 0;
        n += subjectLen > 0 ? 1 + ProtoOut.lenSize(subjectLen) : 0;
        n += replyLen > 0 ? 1 + ProtoOut.lenSize(replyLen) : 0;
        boolean storedSubject = false;
        boolean storedReply = false;
        int headers = c.headerCount();
        for (int i = 0; i < headers; i++) {
            String name = headerName(a, c.headerNamePosition(i), c.headerNameLength(i));
            storedSubject |= name.equals(SUBJECT);
            storedReply |= name.equals(REPLY);
            n += 1 + ProtoOut.lenSize(entrySize(c.headerNameLength(i), Math.max(0, c.headerValueLength(i))));
        }
        if (!storedSubject) {
            n += 1 + ProtoOut.lenSize(entrySize(SUBJECT_UTF8.length, subjectLen));
        }
        if (!storedReply) {
            n += 1 + ProtoOut.lenSize(entrySize(REPLY_UTF8.length, replyLen));
        }
        ProtoOut out = new ProtoOut(new byte[n]);
        if (c.offset() != 0) {
            out.tag(1, 0).varint64(c.offset());
        }
        if (keyLen > 0) {
            out.tag(2, 2).bytes(a, c.position(Field.KEY), keyLen);
        }
        if (valueLen > 0) {
            out.tag(3, 2).bytes(a, c.position(Field.VALUE), valueLen);
        }
        if (c.timestampNs() != 0) {
            out.tag(4, 0).varint64(c.timestampNs());
        }
        if (streamUtf8.length > 0) {
            out.tag(5, 2).bytes(streamUtf8, 0, streamUtf8.length);
        }
        if (partition.id() != 0) {
            out.tag(6, 0).varint64(partition.id());
        }
        if (subjectLen > 0) {
            out.tag(7, 2).bytes(a, c.position(Field.SUBJECT), subjectLen);
        }
        if (replyLen > 0) {
            out.tag(8, 2).bytes(a, c.position(Field.REPLY), replyLen);
        }
        for (int i = 0; i < headers; i++) {
            out.header(a, c.headerNamePosition(i), c.headerNameLength(i),
                    a, c.headerValuePosition(i), Math.max(0, c.headerValueLength(i)));
        }
        if (!storedSubject) {
            out.header(SUBJECT_UTF8, 0, SUBJECT_UTF8.length, a, c.position(Field.SUBJECT), subjectLen);
        }
        if (!storedReply) {
            out.header(REPLY_UTF8, 0, REPLY_UTF8.length, a, c.position(Field.REPLY), replyLen);
        }
        return out.done();
    }

    /** Size of a map entry {1: name, 2: value} (both always written). */
    private static int entrySize(int nameLen, int valueLen) {
        return 1 + ProtoOut.lenSize(nameLen) + 1 + ProtoOut.lenSize(valueLen);
    }

    private static final byte[] SUBJECT_UTF8 = SUBJECT.getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLY_UTF8 = REPLY.getBytes(StandardCharsets.UTF_8);

    /** A tiny protobuf writer over an exact-size array. */
    private static final class ProtoOut {
        private final byte[] b;
        private int p;

        ProtoOut(byte[] b) {
            this.b = b;
        }

        static int varint64Size(long v) {
            return v < 0 ? 10 : (63 - Long.numberOfLeadingZeros(v | 1)) / 7 + 1;
        }

        /** Size of a length-delimited field's length prefix and body. */
        static int lenSize(int len) {
            return varint64Size(len) + len;
        }

        ProtoOut tag(int field, int wireType) {
            b[p++] = (byte) (field << 3 | wireType);
            return this;
        }

        ProtoOut varint64(long v) {
            while ((v & ~0x7FL) != 0) {
                b[p++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            b[p++] = (byte) v;
            return this;
        }

        /** A headers map entry (field 9): {1: name, 2: value}, both always written. */
        void header(byte[] names, int namePos, int nameLen, byte[] values, int valuePos, int valueLen) {
            tag(9, 2).varint64(entrySize(nameLen, valueLen));
            tag(1, 2).bytes(names, namePos, nameLen);
            tag(2, 2).bytes(values, valuePos, valueLen);
        }

        ProtoOut bytes(byte[] src, int off, int len) {
            varint64(len);
            System.arraycopy(src, off, b, p, len);
            p += len;
            return this;
        }

        byte[] done() {
            if (p != b.length) {
                throw new IllegalStateException("encoded " + p + " of " + b.length + " bytes");
            }
            return b;
        }
    }

    private static ByteString wrap(byte[] a, int pos, int len) {
        return len <= 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(a, pos, len);
    }

    /** Header names seen by this reader (a few: "subject", "reply" and the publishers' own). */
    private final byte[][] nameBytes = new byte[8][];
    private final String[] names = new String[8];
    private int namesUsed;

    private String headerName(byte[] a, int pos, int len) {
        for (int i = 0; i < namesUsed; i++) {
            byte[] b = nameBytes[i];
            if (b.length == len && java.util.Arrays.equals(b, 0, len, a, pos, pos + len)) {
                return names[i];
            }
        }
        String name = new String(a, pos, len, StandardCharsets.UTF_8);
        int slot = namesUsed < names.length ? namesUsed++ : (int) (next % names.length);
        nameBytes[slot] = java.util.Arrays.copyOfRange(a, pos, pos + len);
        names[slot] = name;
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            partition.onReaderClosed();
        }
    }
}
