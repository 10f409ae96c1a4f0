package lb.broker.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable picture of the whole metadata after {@link #lastAppliedIndex()}. The FSM
 * publishes a new view after each applied command through a volatile field, so any thread may
 * read {@link MetadataFsm#view()} without locks and gets a consistent state.
 *
 * @param lastAppliedIndex  index of the last applied log entry (0 = none)
 * @param streams           streams by name, sorted
 * @param lastActivityIndex the index the activity publisher last recorded (PUBLISH_ACTIVITY)
 */
public record MetadataView(long lastAppliedIndex, NavigableMap<String, StreamInfo> streams, long lastActivityIndex) {

    public static final MetadataView EMPTY = new MetadataView(0, new TreeMap<>(), 0);

    public MetadataView {
        streams = Collections.unmodifiableNavigableMap(new TreeMap<>(streams));
    }

    /** The stream called {@code name}, or null. */
    public StreamInfo stream(String name) {
        return streams.get(name);
    }

    /** Partition {@code id} of stream {@code name}, or null when either does not exist. */
    public PartitionInfo partition(String name, int id) {
        StreamInfo s = streams.get(name);
        return s == null ? null : s.partition(id);
    }

    /** Number of non-paused partitions {@code serverId} replicates (Broker.partitionCount; placement load). */
    public int partitionLoad(String serverId) {
        int n = 0;
        for (StreamInfo s : streams.values()) {
            for (PartitionInfo p : s.partitions().values()) {
                if (!p.paused() && p.replicas().contains(serverId)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Number of non-paused partitions {@code serverId} leads (Broker.leaderCount; leader-choice load). */
    public int leaderLoad(String serverId) {
        int n = 0;
        for (StreamInfo s : streams.values()) {
            for (PartitionInfo p : s.partitions().values()) {
                if (!p.paused() && serverId.equals(p.leader())) {
                    n++;
                }
            }
        }
        return n;
    }

    MetadataView with(long index, Map<String, StreamInfo> changed, String removed, long activityIndex) {
        TreeMap<String, StreamInfo> next = new TreeMap<>(streams);
        next.putAll(changed);
        if (removed != null) {
            next.remove(removed);
        }
        return new MetadataView(index, next, activityIndex);
    }
}
