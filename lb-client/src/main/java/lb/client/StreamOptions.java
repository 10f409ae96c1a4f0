package lb.client;

import io.liftbridge.proto.Api;
import java.time.Duration;

/**
 * Options of a new stream (CreateStream). Unset options take the broker's defaults; a set option,
 * even zero, overrides them (wire-contract §2.1). Fluent and mutable; not thread-safe.
 */
public final class StreamOptions {

    private final Api.CreateStreamRequest.Builder b = Api.CreateStreamRequest.newBuilder();

    public static StreamOptions defaults() {
        return new StreamOptions();
    }

    /** NATS queue group shared by streams on the same subject (load balancing). */
    public StreamOptions group(String group) {
        b.setGroup(group);
        return this;
    }

    /** Replicas per partition; -1 means every server of the cluster. */
    public StreamOptions replicationFactor(int n) {
        b.setReplicationFactor(n);
        return this;
    }

    public StreamOptions partitions(int n) {
        b.setPartitions(n);
        return this;
    }

    public StreamOptions retentionMaxBytes(long bytes) {
        b.setRetentionMaxBytes(i64(bytes));
        return this;
    }

    public StreamOptions retentionMaxMessages(long messages) {
        b.setRetentionMaxMessages(i64(messages));
        return this;
    }

    public StreamOptions retentionMaxAge(Duration age) {
        b.setRetentionMaxAge(i64(age.toMillis()));
        return this;
    }

    public StreamOptions cleanerInterval(Duration interval) {
        b.setCleanerInterval(i64(interval.toMillis()));
        return this;
    }

    public StreamOptions segmentMaxBytes(long bytes) {
        b.setSegmentMaxBytes(i64(bytes));
        return this;
    }

    public StreamOptions segmentMaxAge(Duration age) {
        b.setSegmentMaxAge(i64(age.toMillis()));
        return this;
    }

    public StreamOptions compactMaxGoroutines(int n) {
        b.setCompactMaxGoroutines(Api.NullableInt32.newBuilder().setValue(n));
        return this;
    }

    public StreamOptions compactEnabled(boolean enabled) {
        b.setCompactEnabled(bool(enabled));
        return this;
    }

    /** Idle time before the partition pauses itself; zero disables auto-pause. */
    public StreamOptions autoPauseTime(Duration idle) {
        b.setAutoPauseTime(i64(idle.toMillis()));
        return this;
    }

    public StreamOptions autoPauseDisableIfSubscribers(boolean disable) {
        b.setAutoPauseDisableIfSubscribers(bool(disable));
        return this;
    }

    public StreamOptions minIsr(int n) {
        b.setMinIsr(Api.NullableInt32.newBuilder().setValue(n));
        return this;
    }

    /** Enables expected-offset checks on publish (optimistic concurrency control). */
    public StreamOptions optimisticConcurrencyControl(boolean enabled) {
        b.setOptimisticConcurrencyControl(bool(enabled));
        return this;
    }

    public StreamOptions encryption(boolean enabled) {
        b.setEncryption(bool(enabled));
        return this;
    }

    /** The request for a stream {@code name} on {@code subject} with these options. */
    public Api.CreateStreamRequest toRequest(String subject, String name) {
        return b.clone().setSubject(subject).setName(name).build();
    }

    private static Api.NullableInt64 i64(long v) {
        return Api.NullableInt64.newBuilder().setValue(v).build();
    }

    private static Api.NullableBool bool(boolean v) {
        return Api.NullableBool.newBuilder().setValue(v).build();
    }
}
