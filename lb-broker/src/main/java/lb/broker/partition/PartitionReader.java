package lb.broker.partition;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lb.broker.log.Chunk;
import lb.broker.log.CommitLog;
import lb.broker.log.LogRecord;

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
    private String lastSubject;
    private ByteString lastSubjectBytes;

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
        for (LogRecord r : chunk.records()) {
            if (out.size() == maxMessages) {
                break;
            }
            out.add(toMessage(r));
            next = r.offset() + 1;
            if (stopOffset >= 0 && r.offset() >= stopOffset) {
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
     * String fields go in as UTF-8 bytes, cached: protobuf would otherwise encode each string
     * twice per message (size, then write). The stream name is fixed; subjects repeat.
     */
    private ByteString subjectBytes(String subject) {
        if (!subject.equals(lastSubject)) {
            lastSubject = subject;
            lastSubjectBytes = ByteString.copyFromUtf8(subject);
        }
        return lastSubjectBytes;
    }

    private Api.Message toMessage(LogRecord r) {
        Api.Message.Builder m = Api.Message.newBuilder()
                .setOffset(r.offset())
                .setTimestamp(r.timestampNs())
                .setStreamBytes(streamBytes)
                .setPartition(partition.id())
                .setSubjectBytes(subjectBytes(r.subject()));
        if (!r.replySubject().isEmpty()) {
            m.setReplySubject(r.replySubject());
        }
        if (r.key() != null) {
            m.setKey(UnsafeByteOperations.unsafeWrap(r.key()));
        }
        if (r.value() != null) {
            m.setValue(UnsafeByteOperations.unsafeWrap(r.value()));
        }
        for (Map.Entry<String, byte[]> h : r.headers().entrySet()) {
            m.putHeaders(h.getKey(), UnsafeByteOperations.unsafeWrap(h.getValue()));
        }
        return m.build();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            partition.onReaderClosed();
        }
    }
}
