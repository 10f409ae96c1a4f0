package lb.broker.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import lb.broker.config.StreamOverrides;

/**
 * One stream as the metadata knows it. Immutable; a change produces a new instance.
 *
 * @param name                the stream name (unique in the cluster)
 * @param subject             the base NATS subject
 * @param group               load-balance group, may be empty
 * @param replicationFactor   replicas per partition as resolved at creation
 * @param overrides           the CreateStreamRequest's overrides of the broker's stream defaults
 * @param creationTimestampNs the controller's clock when the stream was created
 * @param createIndex         metadata log index of the creation
 * @param partitions          partitions by id
 * @param resumeAll           the latest pause's resumeAll: a publish resumes every paused
 *                            partition (kept in snapshots, unlike upstream, §15.25)
 * @param internal            true for {@code __activity} and {@code __cursors}
 */
public record StreamInfo(
        String name,
        String subject,
        String group,
        int replicationFactor,
        StreamOverrides overrides,
        long creationTimestampNs,
        long createIndex,
        NavigableMap<Integer, PartitionInfo> partitions,
        boolean resumeAll,
        boolean internal) {

    public StreamInfo {
        partitions = Collections.unmodifiableNavigableMap(new TreeMap<>(partitions));
    }

    /** The settings this stream's partitions run with, given the broker's stream defaults. */
    public lb.broker.config.StreamSettings settings(lb.broker.config.StreamSettings brokerDefaults) {
        return lb.broker.config.StreamSettings.effective(brokerDefaults, overrides);
    }

    /** Partition {@code id}, or null. */
    public PartitionInfo partition(int id) {
        return partitions.get(id);
    }

    /** Partition ids in order. */
    public List<Integer> partitionIds() {
        return List.copyOf(partitions.keySet());
    }

    StreamInfo withPartitions(Map<Integer, PartitionInfo> changed, boolean newResumeAll) {
        TreeMap<Integer, PartitionInfo> next = new TreeMap<>(partitions);
        next.putAll(changed);
        return new StreamInfo(name, subject, group, replicationFactor, overrides, creationTimestampNs,
                createIndex, next, newResumeAll, internal);
    }
}
