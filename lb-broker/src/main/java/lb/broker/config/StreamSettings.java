package lb.broker.config;

import java.time.Duration;

/**
 * The settings one partition runs with (behavior.md §2.5): the broker's stream defaults
 * ({@code streams.*}, {@code clustering.min.insync.replicas}) overridden by the stream's
 * {@link StreamOverrides}, with the zero values resolved. Immutable.
 *
 * <p>Zero values after {@link #effective}: retention limits 0 = no limit; segmentMaxAge 0 =
 * roll by size only; autoPauseTime 0 = auto-pause off. Resolved to concrete values:
 * segmentMaxBytes 0 → 1 GiB (the commit log's built-in default, as upstream, not the
 * 256 MiB server default), cleanerInterval 0 → 5 min, compactMaxGoroutines 0 → 10.
 */
public record StreamSettings(
        long retentionMaxBytes,
        long retentionMaxMessages,
        Duration retentionMaxAge,
        Duration cleanerInterval,
        long segmentMaxBytes,
        Duration segmentMaxAge,
        boolean compactEnabled,
        int compactMaxGoroutines,
        Duration autoPauseTime,
        boolean autoPauseDisableIfSubscribers,
        int minIsr,
        boolean optimisticConcurrencyControl,
        boolean encryption) {

    /** What a zero {@code segmentMaxBytes} means: 1 GiB. */
    public static final long ZERO_SEGMENT_MAX_BYTES = 1L << 30;
    /** What a zero {@code cleanerInterval} means: 5 minutes. */
    public static final Duration ZERO_CLEANER_INTERVAL = Duration.ofMinutes(5);
    /** What a zero {@code compactMaxGoroutines} means: 10. */
    public static final int ZERO_COMPACT_MAX_GOROUTINES = 10;

    /**
     * The effective settings of a stream's partitions: each present override replaces the
     * broker default, then zero values are resolved. Per-stream segmentMaxAge is not clamped
     * (upstream clamps only the server-level value, see {@link BrokerConfig#streamDefaults()}).
     */
    public static StreamSettings effective(StreamSettings defaults, StreamOverrides o) {
        long segmentMaxBytes = pick(o.segmentMaxBytes(), defaults.segmentMaxBytes);
        Duration cleaner = o.cleanerIntervalMs() != null ? Duration.ofMillis(o.cleanerIntervalMs()) : defaults.cleanerInterval;
        int goroutines = pick(o.compactMaxGoroutines(), defaults.compactMaxGoroutines);
        return new StreamSettings(
                pick(o.retentionMaxBytes(), defaults.retentionMaxBytes),
                pick(o.retentionMaxMessages(), defaults.retentionMaxMessages),
                o.retentionMaxAgeMs() != null ? Duration.ofMillis(o.retentionMaxAgeMs()) : defaults.retentionMaxAge,
                cleaner.isZero() ? ZERO_CLEANER_INTERVAL : cleaner,
                segmentMaxBytes == 0 ? ZERO_SEGMENT_MAX_BYTES : segmentMaxBytes,
                o.segmentMaxAgeMs() != null ? Duration.ofMillis(o.segmentMaxAgeMs()) : defaults.segmentMaxAge,
                pick(o.compactEnabled(), defaults.compactEnabled),
                goroutines == 0 ? ZERO_COMPACT_MAX_GOROUTINES : goroutines,
                o.autoPauseTimeMs() != null ? Duration.ofMillis(o.autoPauseTimeMs()) : defaults.autoPauseTime,
                pick(o.autoPauseDisableIfSubscribers(), defaults.autoPauseDisableIfSubscribers),
                pick(o.minIsr(), defaults.minIsr),
                pick(o.optimisticConcurrencyControl(), defaults.optimisticConcurrencyControl),
                pick(o.encryption(), defaults.encryption));
    }

    private static <T> T pick(T override, T fallback) {
        return override != null ? override : fallback;
    }
}
