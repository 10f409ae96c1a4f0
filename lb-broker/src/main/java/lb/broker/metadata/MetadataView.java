package lb.broker.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable picture of the whole metadata after {@link #lastAppliedIndex()}. The FSM
 * publishes a new view after each applied command through a volatile field, so any thread may
 * read {@link MetadataFsm#view()} without locks and gets a consistent state.
 *
 * <p>Consumer groups ({@link GroupInfo}) are kept beside the streams; a group change copies
 * the group map only.
 *
 * <p>Cost: each change copies the stream map (O(streams), a sorted copy) and updates the
 * per-server load counters by the changed streams only; a stream's partitions are shared
 * between views unless that stream changed.
 */
public final class MetadataView {
    public static final MetadataView EMPTY = new MetadataView(0, new TreeMap<>(), 0);

    private final long lastAppliedIndex;
    private final NavigableMap<String, StreamInfo> streams;
    private final long lastActivityIndex;
    /** server id → {non-paused partitions replicated, non-paused partitions led}. */
    private final Map<String, int[]> loads;
    /** Consumer groups by id (unmodifiable, never changes). */
    private final NavigableMap<String, GroupInfo> groups;

    /**
     * @param lastAppliedIndex  index of the last applied log entry (0 = none)
     * @param streams           streams by name
     * @param lastActivityIndex the index the activity publisher last recorded (PUBLISH_ACTIVITY)
     */
    public MetadataView(long lastAppliedIndex, Map<String, StreamInfo> streams, long lastActivityIndex) {
        this(lastAppliedIndex, streams, lastActivityIndex, Map.of());
    }

    /** As above, with consumer groups by id. */
    public MetadataView(long lastAppliedIndex, Map<String, StreamInfo> streams, long lastActivityIndex,
                        Map<String, GroupInfo> groups) {
        this(lastAppliedIndex, Collections.unmodifiableNavigableMap(new TreeMap<>(streams)), lastActivityIndex,
                computeLoads(streams.values()), Collections.unmodifiableNavigableMap(new TreeMap<>(groups)));
    }

    /** {@code streams} and {@code groups} must be unmodifiable and never change; {@code loads} is never modified after this. */
    private MetadataView(long lastAppliedIndex, NavigableMap<String, StreamInfo> streams, long lastActivityIndex,
                         Map<String, int[]> loads, NavigableMap<String, GroupInfo> groups) {
        this.lastAppliedIndex = lastAppliedIndex;
        this.streams = streams;
        this.lastActivityIndex = lastActivityIndex;
        this.loads = loads;
        this.groups = groups;
    }

    /** Consumer groups by id, sorted. */
    public NavigableMap<String, GroupInfo> groups() {
        return groups;
    }

    /** The consumer group {@code id}, or null. */
    public GroupInfo group(String id) {
        return groups.get(id);
    }

    /** Number of groups {@code serverId} coordinates (coordinator-choice load, behavior.md §11.2). */
    public int coordinatorLoad(String serverId) {
        int n = 0;
        for (GroupInfo g : groups.values()) {
            if (g.coordinator().equals(serverId)) {
                n++;
            }
        }
        return n;
    }

    /** This view at {@code index} with {@code changed} groups replaced or added and {@code removed} ones dropped. */
    MetadataView withGroups(long index, Map<String, GroupInfo> changed, java.util.Collection<String> removed) {
        if (changed.isEmpty() && removed.isEmpty()) {
            return new MetadataView(index, streams, lastActivityIndex, loads, groups);
        }
        TreeMap<String, GroupInfo> next = new TreeMap<>(groups);
        next.putAll(changed);
        removed.forEach(next::remove);
        return new MetadataView(index, streams, lastActivityIndex, loads, Collections.unmodifiableNavigableMap(next));
    }

    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    /** Streams by name, sorted. */
    public NavigableMap<String, StreamInfo> streams() {
        return streams;
    }

    public long lastActivityIndex() {
        return lastActivityIndex;
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
        int[] l = loads.get(serverId);
        return l == null ? 0 : l[0];
    }

    /** Number of non-paused partitions {@code serverId} leads (Broker.leaderCount; leader-choice load). */
    public int leaderLoad(String serverId) {
        int[] l = loads.get(serverId);
        return l == null ? 0 : l[1];
    }

    MetadataView with(long index, Map<String, StreamInfo> changed, String removed, long activityIndex) {
        if (changed.isEmpty() && removed == null) {
            return new MetadataView(index, streams, activityIndex, loads, groups); // nothing changed: share
        }
        TreeMap<String, StreamInfo> next = new TreeMap<>(streams);
        Map<String, int[]> nextLoads = new HashMap<>();
        loads.forEach((k, v) -> nextLoads.put(k, v.clone()));
        for (StreamInfo s : changed.values()) {
            StreamInfo old = next.put(s.name(), s);
            count(nextLoads, old, -1);
            count(nextLoads, s, +1);
        }
        if (removed != null) {
            count(nextLoads, next.remove(removed), -1);
        }
        return new MetadataView(index, Collections.unmodifiableNavigableMap(next), activityIndex, nextLoads, groups);
    }

    private static Map<String, int[]> computeLoads(Iterable<StreamInfo> streams) {
        Map<String, int[]> loads = new HashMap<>();
        for (StreamInfo s : streams) {
            count(loads, s, +1);
        }
        return loads;
    }

    private static void count(Map<String, int[]> loads, StreamInfo s, int sign) {
        if (s == null) {
            return;
        }
        for (PartitionInfo p : s.partitions().values()) {
            if (p.paused()) {
                continue;
            }
            for (String r : p.replicas()) {
                loads.computeIfAbsent(r, k -> new int[2])[0] += sign;
            }
            loads.computeIfAbsent(p.leader(), k -> new int[2])[1] += sign;
        }
    }

    /** Views are equal when their indexes and streams are (the loads follow from the streams). */
    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataView v && v.lastAppliedIndex == lastAppliedIndex
                && v.lastActivityIndex == lastActivityIndex && v.streams.equals(streams) && v.groups.equals(groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lastAppliedIndex, lastActivityIndex, streams, groups);
    }

    @Override
    public String toString() {
        return "MetadataView[lastAppliedIndex=" + lastAppliedIndex + ", lastActivityIndex=" + lastActivityIndex
                + ", streams=" + streams + ", groups=" + groups + "]";
    }
}
