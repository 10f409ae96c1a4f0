package lb.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** Settings of a {@link Consumer}: group, member id, streams, checkpointing and start position. */
public final class ConsumerOptions {

    /** Where a partition without a checkpoint starts. */
    public enum AutoOffset {
        /** The first message still stored. */
        EARLIEST,
        /** Only messages published after the subscription (the Go client's default). */
        NEW_ONLY
    }

    /** The Go consumer's checkpoint period. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    final String groupId;
    final String consumerId;
    final List<String> streams = new ArrayList<>();
    Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    AutoOffset autoOffset = AutoOffset.NEW_ONLY;
    int buffer = 1024;

    private ConsumerOptions(String groupId, String consumerId) {
        if (groupId == null || groupId.isEmpty()) {
            throw new IllegalArgumentException("group id must not be empty");
        }
        if (consumerId == null || consumerId.isEmpty()) {
            throw new IllegalArgumentException("consumer id must not be empty");
        }
        this.groupId = groupId;
        this.consumerId = consumerId;
    }

    /** A member {@code consumerId} of group {@code groupId}; add streams before joining. */
    public static ConsumerOptions create(String groupId, String consumerId) {
        return new ConsumerOptions(groupId, consumerId);
    }

    /** Streams to consume (added to those given before; duplicates ignored). */
    public ConsumerOptions streams(String... names) {
        LinkedHashSet<String> all = new LinkedHashSet<>(streams);
        for (String n : names) {
            all.add(Objects.requireNonNull(n));
        }
        streams.clear();
        streams.addAll(all);
        return this;
    }

    /** How often positions are checkpointed automatically; {@link Duration#ZERO} turns it off. */
    public ConsumerOptions checkpointInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval must not be negative, got " + interval);
        }
        this.checkpointInterval = interval;
        return this;
    }

    /** Where partitions without a checkpoint start (default {@link AutoOffset#NEW_ONLY}). */
    public ConsumerOptions autoOffset(AutoOffset where) {
        this.autoOffset = Objects.requireNonNull(where);
        return this;
    }

    /** Messages that may wait in the consumer before the broker is held back (default 1024). */
    public ConsumerOptions buffer(int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("buffer must be at least 1, got " + messages);
        }
        this.buffer = messages;
        return this;
    }

    public String groupId() {
        return groupId;
    }

    public String consumerId() {
        return consumerId;
    }

    public List<String> streams() {
        return List.copyOf(streams);
    }
}
