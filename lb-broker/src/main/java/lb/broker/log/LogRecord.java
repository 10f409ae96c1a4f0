package lb.broker.log;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One stored message: everything needed to rebuild a Liftbridge {@code Message} (wire-contract
 * §2.6, §4.3) plus the log's own fields.
 *
 * <p>{@code key} and {@code value} may be {@code null}; {@code null} and an empty array are
 * distinct and survive the round trip. Strings are never {@code null} (use {@code ""}).
 * {@code ackPolicy} is the protobuf enum number of the message's {@code AckPolicy}.
 * The arrays are not copied: callers must not mutate them after handing them over.
 *
 * <p>For {@link CommitLog#append} the {@code offset} field is ignored (use {@link #UNASSIGNED});
 * the log assigns consecutive offsets. {@code timestampNs} and {@code leaderEpoch} are stored
 * as given (the leader stamps them).
 */
public record LogRecord(
        long offset,
        long timestampNs,
        long leaderEpoch,
        byte[] key,
        byte[] value,
        Map<String, byte[]> headers,
        String subject,
        String replySubject,
        String ackInbox,
        String correlationId,
        int ackPolicy) {

    /** Offset placeholder for records handed to {@link CommitLog#append}. */
    public static final long UNASSIGNED = -1L;

    public LogRecord {
        Objects.requireNonNull(headers, "headers (use Map.of())");
        Objects.requireNonNull(subject, "subject (use \"\")");
        Objects.requireNonNull(replySubject, "replySubject (use \"\")");
        Objects.requireNonNull(ackInbox, "ackInbox (use \"\")");
        Objects.requireNonNull(correlationId, "correlationId (use \"\")");
        if (ackPolicy < 0 || ackPolicy > 127) {
            throw new IllegalArgumentException("ackPolicy must be 0..127, got " + ackPolicy);
        }
    }

    /** A record to append: offset unassigned, no ack fields. */
    public static LogRecord of(long timestampNs, long leaderEpoch, byte[] key, byte[] value,
                               Map<String, byte[]> headers, String subject, String replySubject) {
        return new LogRecord(UNASSIGNED, timestampNs, leaderEpoch, key, value, headers,
                subject, replySubject, "", "", 0);
    }

    /** The same record with another offset. */
    public LogRecord withOffset(long newOffset) {
        return new LogRecord(newOffset, timestampNs, leaderEpoch, key, value, headers, subject,
                replySubject, ackInbox, correlationId, ackPolicy);
    }

    // Arrays compare by content so that tests and callers can compare records by value.
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LogRecord r)) {
            return false;
        }
        if (offset != r.offset || timestampNs != r.timestampNs || leaderEpoch != r.leaderEpoch
                || ackPolicy != r.ackPolicy || !Arrays.equals(key, r.key)
                || !Arrays.equals(value, r.value) || !subject.equals(r.subject)
                || !replySubject.equals(r.replySubject) || !ackInbox.equals(r.ackInbox)
                || !correlationId.equals(r.correlationId) || headers.size() != r.headers.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : headers.entrySet()) {
            if (!Arrays.equals(e.getValue(), r.headers.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, timestampNs, leaderEpoch, Arrays.hashCode(key),
                Arrays.hashCode(value), subject);
    }

    @Override
    public String toString() {
        return "LogRecord[offset=" + offset + ", ts=" + timestampNs + ", epoch=" + leaderEpoch
                + ", key=" + (key == null ? "null" : key.length + "B")
                + ", value=" + (value == null ? "null" : value.length + "B")
                + ", headers=" + headers.keySet() + ", subject=" + subject + "]";
    }
}
