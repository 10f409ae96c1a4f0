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
    }

    /**
     * The next committed messages, waiting up to {@code timeoutMs} for some. An empty batch
     * without an end status means nothing arrived in time: call again.
     */
    public Batch next(int maxMessages, long timeoutMs) throws InterruptedException {
        Status end = checkEnd();
        if (end != null) {
            return new Batch(List.of(), end);
        }
        long hw = log.highWatermark();
        if (next > hw) {
            log.awaitHighWatermarkAbove(next - 1, timeoutMs);
            end = checkEnd();
            if (end != null) {
                return new Batch(List.of(), end);
            }
            hw = log.highWatermark();
            if (next > hw) {
                return readonlyEnd(hw);
            }
        }
        Chunk chunk;
        try {
            chunk = log.read(next, CHUNK_BYTES, stopOffset >= 0 ? Math.min(hw, stopOffset) : hw);
        } catch (IOException | RuntimeException e) {
            end = checkEnd();
            return new Batch(List.of(), end != null ? end
                    : PartitionError.READ_FAILED.status(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        List<Api.Message> out = new ArrayList<>(Math.min(chunk.count(), maxMessages));
        Chunk.Cursor c = chunk.cursor();
        while (out.size() < maxMessages && c.next()) {
            out.add(toMessage(c));
            next = c.offset() + 1;
            if (stopOffset >= 0 && c.offset() >= stopOffset) {
                return new Batch(out, PartitionError.STOP_REACHED.status());
            }
        }
        if (out.isEmpty() && stopOffset >= 0 && hw >= stopOffset) {
            // Everything up to the stop offset is committed and nothing is left before it (the
            // stop offset was compacted away): end instead of waiting forever (behavior.md §15.18).
            return new Batch(out, PartitionError.STOP_REACHED.status());
        }
        return new Batch(out, null);
    }

    private Status checkEnd() {
        PartitionError e = partition.endStatus();
        return e == null ? null : e.status();
    }

    /** A read-only partition whose reader has everything up to the newest offset ends. */
    private Batch readonlyEnd(long hw) {
        if (partition.isReadonly() && hw == log.newestOffset()) {
            return new Batch(List.of(), PartitionError.READONLY_END.status());
        }
        return new Batch(List.of(), null);
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
