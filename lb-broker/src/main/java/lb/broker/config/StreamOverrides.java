package lb.broker.config;

import io.liftbridge.proto.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stream's overrides of the broker's stream defaults: the {@code Nullable*} fields of a
 * CreateStreamRequest (wire-contract §2.3). {@code null} means "use the broker default";
 * a present zero is a real override (for example {@code retentionMaxAgeMs = 0} means "no age
 * limit"). Durations are milliseconds, as on the wire. Immutable; stored with the stream in
 * the metadata so that every server re-derives the same {@link StreamSettings}.
 */
public record StreamOverrides(
        Long retentionMaxBytes,
        Long retentionMaxMessages,
        Long retentionMaxAgeMs,
        Long cleanerIntervalMs,
        Long segmentMaxBytes,
        Long segmentMaxAgeMs,
        Integer compactMaxGoroutines,
        Boolean compactEnabled,
        Long autoPauseTimeMs,
        Boolean autoPauseDisableIfSubscribers,
        Integer minIsr,
        Boolean optimisticConcurrencyControl,
        Boolean encryption) {

    /** No overrides: every setting comes from the broker defaults. */
    public static final StreamOverrides NONE =
            new StreamOverrides(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** The overrides present in a CreateStreamRequest. */
    public static StreamOverrides fromRequest(Api.CreateStreamRequest r) {
        return new StreamOverrides(
                r.hasRetentionMaxBytes() ? r.getRetentionMaxBytes().getValue() : null,
                r.hasRetentionMaxMessages() ? r.getRetentionMaxMessages().getValue() : null,
                r.hasRetentionMaxAge() ? r.getRetentionMaxAge().getValue() : null,
                r.hasCleanerInterval() ? r.getCleanerInterval().getValue() : null,
                r.hasSegmentMaxBytes() ? r.getSegmentMaxBytes().getValue() : null,
                r.hasSegmentMaxAge() ? r.getSegmentMaxAge().getValue() : null,
                r.hasCompactMaxGoroutines() ? r.getCompactMaxGoroutines().getValue() : null,
                r.hasCompactEnabled() ? r.getCompactEnabled().getValue() : null,
                r.hasAutoPauseTime() ? r.getAutoPauseTime().getValue() : null,
                r.hasAutoPauseDisableIfSubscribers() ? r.getAutoPauseDisableIfSubscribers().getValue() : null,
                r.hasMinIsr() ? r.getMinIsr().getValue() : null,
                r.hasOptimisticConcurrencyControl() ? r.getOptimisticConcurrencyControl().getValue() : null,
                r.hasEncryption() ? r.getEncryption().getValue() : null);
    }

    /**
     * The first problem with these overrides, phrased for the client with the wire field name
     * and the bad value (e.g. {@code retentionMaxBytes -5 is negative; use 0 for no limit}),
     * or empty when they are acceptable. Upstream accepts negative values and then behaves
     * oddly; we refuse them (behavior.md §15 spirit: absurd input gets InvalidArgument).
     */
    public Optional<String> problem() {
        List<String> problems = new ArrayList<>();
        nonNegative(problems, "retentionMaxBytes", retentionMaxBytes, "use 0 for no limit");
        nonNegative(problems, "retentionMaxMessages", retentionMaxMessages, "use 0 for no limit");
        nonNegative(problems, "retentionMaxAge", retentionMaxAgeMs, "milliseconds; use 0 for no limit");
        nonNegative(problems, "cleanerInterval", cleanerIntervalMs, "milliseconds; 0 means 5 minutes");
        nonNegative(problems, "segmentMaxBytes", segmentMaxBytes, "0 means 1 GiB");
        nonNegative(problems, "segmentMaxAge", segmentMaxAgeMs, "milliseconds; 0 rolls by size only");
        nonNegative(problems, "autoPauseTime", autoPauseTimeMs, "milliseconds; 0 disables auto-pause");
        if (compactMaxGoroutines != null && compactMaxGoroutines < 0) {
            problems.add("compactMaxGoroutines " + compactMaxGoroutines + " is negative; 0 means 10");
        }
        if (minIsr != null && minIsr < 0) {
            problems.add("minIsr " + minIsr + " is negative; use 1 or more");
        }
        return problems.stream().findFirst();
    }

    private static void nonNegative(List<String> problems, String field, Long value, String hint) {
        if (value != null && value < 0) {
            problems.add(field + " " + value + " is negative (" + hint + ")");
        }
    }
}
