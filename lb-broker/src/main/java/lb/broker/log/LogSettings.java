package lb.broker.log;

/**
 * Per-log settings. Streams override broker defaults (behavior.md §2.5) by building one of these
 * with {@link #defaults()} and the {@code with*} methods. For every limit, 0 means "no limit"
 * (as in Liftbridge), except {@code segmentMaxBytes} where 0 means the built-in 1 GiB.
 *
 * @param segmentMaxBytes roll the active segment once it holds this many bytes (default
 *     {@value #DEFAULT_SEGMENT_MAX_BYTES}; a segment may exceed it by one batch; max 1 GiB)
 * @param segmentMaxAgeMs roll once the active segment's first write is this old (0 = size only)
 * @param retentionMaxBytes delete oldest segments while the log is larger (0 = no limit)
 * @param retentionMaxMessages delete oldest segments while the log holds more messages, counted
 *     as offset span (0 = no limit)
 * @param retentionMaxAgeMs delete segments whose last write is older (0 = no limit)
 * @param compact compact by key on every cleaner run (default false)
 * @param cleanerIntervalMs how often {@link LogTasks} runs retention and compaction (default
 *     5 min)
 * @param sync fsync policy (default {@link SyncPolicy#ALWAYS})
 * @param indexIntervalBytes bytes of log between two index entries (default 4096)
 * @param hwCheckpointIntervalMs how often {@link LogTasks} checkpoints the HW (default 5 s; it
 *     is also written on close)
 */
public record LogSettings(
        long segmentMaxBytes,
        long segmentMaxAgeMs,
        long retentionMaxBytes,
        long retentionMaxMessages,
        long retentionMaxAgeMs,
        boolean compact,
        long cleanerIntervalMs,
        SyncPolicy sync,
        int indexIntervalBytes,
        long hwCheckpointIntervalMs) {

    public static final long DEFAULT_SEGMENT_MAX_BYTES = 1L << 30;
    public static final long DEFAULT_CLEANER_INTERVAL_MS = 5 * 60_000L;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    public static final long DEFAULT_HW_CHECKPOINT_INTERVAL_MS = 5_000L;

    public LogSettings {
        if (segmentMaxBytes == 0) {
            segmentMaxBytes = DEFAULT_SEGMENT_MAX_BYTES;
        }
        if (cleanerIntervalMs == 0) {
            cleanerIntervalMs = DEFAULT_CLEANER_INTERVAL_MS;
        }
        check("segment.max.bytes", segmentMaxBytes, 1, DEFAULT_SEGMENT_MAX_BYTES);
        check("segment.max.age", segmentMaxAgeMs, 0, Long.MAX_VALUE);
        check("retention.max.bytes", retentionMaxBytes, 0, Long.MAX_VALUE);
        check("retention.max.messages", retentionMaxMessages, 0, Long.MAX_VALUE);
        check("retention.max.age", retentionMaxAgeMs, 0, Long.MAX_VALUE);
        check("cleaner.interval", cleanerIntervalMs, 1, Long.MAX_VALUE);
        check("index.interval.bytes", indexIntervalBytes, 1, 1 << 20);
        check("hw.checkpoint.interval", hwCheckpointIntervalMs, 1, Long.MAX_VALUE);
        if (sync == null) {
            throw new IllegalArgumentException("sync must be set (none, always, interval:<ms>)");
        }
    }

    private static void check(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " = " + v + " is out of range [" + min
                    + ", " + max + "]");
        }
    }

    /** Broker defaults: 1 GiB segments, no retention limits, no compaction, sync always. */
    public static LogSettings defaults() {
        return new LogSettings(DEFAULT_SEGMENT_MAX_BYTES, 0, 0, 0, 0, false,
                DEFAULT_CLEANER_INTERVAL_MS, SyncPolicy.ALWAYS, DEFAULT_INDEX_INTERVAL_BYTES,
                DEFAULT_HW_CHECKPOINT_INTERVAL_MS);
    }

    public LogSettings withSegmentMaxBytes(long v) {
        return new LogSettings(v, segmentMaxAgeMs, retentionMaxBytes, retentionMaxMessages,
                retentionMaxAgeMs, compact, cleanerIntervalMs, sync, indexIntervalBytes,
                hwCheckpointIntervalMs);
    }

    public LogSettings withSegmentMaxAgeMs(long v) {
        return new LogSettings(segmentMaxBytes, v, retentionMaxBytes, retentionMaxMessages,
                retentionMaxAgeMs, compact, cleanerIntervalMs, sync, indexIntervalBytes,
                hwCheckpointIntervalMs);
    }

    public LogSettings withRetention(long maxBytes, long maxMessages, long maxAgeMs) {
        return new LogSettings(segmentMaxBytes, segmentMaxAgeMs, maxBytes, maxMessages, maxAgeMs,
                compact, cleanerIntervalMs, sync, indexIntervalBytes, hwCheckpointIntervalMs);
    }

    public LogSettings withCompact(boolean v) {
        return new LogSettings(segmentMaxBytes, segmentMaxAgeMs, retentionMaxBytes,
                retentionMaxMessages, retentionMaxAgeMs, v, cleanerIntervalMs, sync,
                indexIntervalBytes, hwCheckpointIntervalMs);
    }

    public LogSettings withCleanerIntervalMs(long v) {
        return new LogSettings(segmentMaxBytes, segmentMaxAgeMs, retentionMaxBytes,
                retentionMaxMessages, retentionMaxAgeMs, compact, v, sync, indexIntervalBytes,
                hwCheckpointIntervalMs);
    }

    public LogSettings withSync(SyncPolicy v) {
        return new LogSettings(segmentMaxBytes, segmentMaxAgeMs, retentionMaxBytes,
                retentionMaxMessages, retentionMaxAgeMs, compact, cleanerIntervalMs, v,
                indexIntervalBytes, hwCheckpointIntervalMs);
    }

    public LogSettings withIndexIntervalBytes(int v) {
        return new LogSettings(segmentMaxBytes, segmentMaxAgeMs, retentionMaxBytes,
                retentionMaxMessages, retentionMaxAgeMs, compact, cleanerIntervalMs, sync, v,
                hwCheckpointIntervalMs);
    }

    /** Index capacity (entries) of an active segment: enough for a full segment, at least 64. */
    int indexCapacity() {
        long n = segmentMaxBytes / indexIntervalBytes + 2;
        return (int) Math.max(64, Math.min(n, (10 << 20) / TimeIndex.WIDTH));
    }
}
