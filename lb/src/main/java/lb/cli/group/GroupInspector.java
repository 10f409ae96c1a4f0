package lb.cli.group;

import io.liftbridge.proto.Api;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import lb.broker.metadata.GroupInfo;
import lb.client.ClusterMetadata;
import lb.client.Consumer;
import lb.client.LiftbridgeClient;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;

/**
 * What {@code lb group} knows about consumer groups, gathered through the ordinary Liftbridge
 * API (there is no "list groups" or "describe members" RPC):
 *
 * <ul>
 *   <li><b>group ids and their partitions</b> from the keys of {@code __cursors}
 *       ({@code <cursorId>,<stream>,<partition>} with cursor id {@code __group:<id>}), and from
 *       the join events of {@code __activity} when the activity stream is enabled;</li>
 *   <li><b>coordinator and epoch</b> from FetchMetadata(groups);</li>
 *   <li><b>members and assignments</b> by replaying the group's join, leave and stream-deletion
 *       events from {@code __activity} through the brokers' own assignment algorithm
 *       ({@link GroupInfo}); without the activity stream they are unknown;</li>
 *   <li><b>committed offsets</b> by FetchCursor, <b>high watermarks</b> by FetchMetadata;
 *       lag = HW − committed (HW + 1 when nothing was committed; 0 on an empty partition).</li>
 * </ul>
 *
 * <p>Not thread-safe; one command uses one inspector. Reads of internal streams stop at their
 * high watermark as it was when the read started.
 */
public final class GroupInspector {
    static final String CURSORS = "__cursors";
    static final String ACTIVITY = "__activity";
    private static final String PREFIX = "__group:";

    private final LiftbridgeClient client;
    private final Duration readTimeout;

    public GroupInspector(LiftbridgeClient client, Duration readTimeout) {
        this.client = Objects.requireNonNull(client);
        this.readTimeout = Objects.requireNonNull(readTimeout);
    }

    /** One partition of a group: who holds it, where the group is, how far behind. */
    public record PartitionRow(String stream, int partition, String member, long committed, long highWatermark,
                               long lag) {
    }

    /** A group as {@code describe} shows it; {@code members} is null when unknown (no activity stream). */
    public record Description(String groupId, boolean exists, String coordinator, long epoch,
                              Map<String, List<String>> members, List<PartitionRow> partitions) {
        /** Total lag over the partitions. */
        public long totalLag() {
            return partitions.stream().mapToLong(PartitionRow::lag).sum();
        }
    }

    /** A line of {@code list}. */
    public record Summary(String groupId, boolean active, String coordinator, long epoch, int members,
                          long totalLag) {
    }

    /** Every group id seen in the cursors or the activity stream, sorted. */
    public Set<String> groupIds() {
        Set<String> ids = new TreeSet<>(checkpointed().keySet());
        ids.addAll(replayActivity().keySet());
        return ids;
    }

    /** Summaries of every known group. */
    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        Map<String, GroupInfo> replayed = replayActivity();
        Map<String, Set<String>> checkpointed = checkpointed();
        Set<String> ids = new TreeSet<>(checkpointed.keySet());
        ids.addAll(replayed.keySet());
        for (String id : ids) {
            Description d = describe(id, replayed, checkpointed);
            out.add(new Summary(id, d.exists(), d.coordinator(), d.epoch(),
                    d.members() == null ? -1 : d.members().size(), d.totalLag()));
        }
        return out;
    }

    /** Describes one group. */
    public Description describe(String groupId) {
        return describe(groupId, replayActivity(), checkpointed());
    }

    private Description describe(String groupId, Map<String, GroupInfo> replayed,
                                 Map<String, Set<String>> checkpointed) {
        Api.FetchMetadataResponse m = client.fetchMetadata(List.of(), List.of(groupId));
        Api.ConsumerGroupMetadata g = m.getGroupMetadata(0);
        boolean exists = g.getError() != Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP;
        ClusterMetadata cluster = client.fetchMetadata();
        boolean activity = cluster.stream(ACTIVITY) != null;
        GroupInfo history = replayed.get(groupId);
        Map<String, List<String>> members = null;
        Map<String, String> holder = new TreeMap<>();
        if (activity) {
            members = new TreeMap<>();
            if (exists && history != null) {
                for (GroupInfo.Member mb : history.members().values()) {
                    members.put(mb.consumerId(), mb.streams());
                    mb.assignments().forEach((s, ps) -> ps.forEach(p -> holder.put(s + "/" + p, mb.consumerId())));
                }
            }
        }
        // The group's partitions: every partition of the streams its members consume, plus checkpointed ones.
        Set<String> keys = new TreeSet<>(java.util.Comparator.comparing(GroupInspector::streamOf)
                .thenComparingInt(GroupInspector::partitionOf));
        keys.addAll(checkpointed.getOrDefault(groupId, Set.of()));
        if (members != null) {
            for (List<String> streams : members.values()) {
                for (String s : streams) {
                    for (int p = 0; p < cluster.partitionCount(s); p++) {
                        keys.add(s + "/" + p);
                    }
                }
            }
        }
        List<PartitionRow> rows = new ArrayList<>();
        for (String k : keys) {
            String stream = streamOf(k);
            int partition = partitionOf(k);
            Api.PartitionMetadata pm = cluster.partition(stream, partition);
            if (pm == null) {
                continue; // the stream is gone
            }
            long committed = client.fetchCursor(Consumer.cursorId(groupId), stream, partition);
            long hw = pm.getHighWatermark();
            long lag = hw < 0 ? 0 : Math.max(0, hw - committed);
            rows.add(new PartitionRow(stream, partition, holder.getOrDefault(k, members == null ? null : "-"),
                    committed, hw, lag));
        }
        return new Description(groupId, exists, exists ? g.getCoordinator() : null, exists ? g.getEpoch() : -1,
                members, rows);
    }

    static String streamOf(String key) {
        return key.substring(0, key.lastIndexOf('/'));
    }

    static int partitionOf(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf('/') + 1));
    }

    /** group id → "stream/partition" keys that have a checkpoint, from the keys of {@code __cursors}. */
    Map<String, Set<String>> checkpointed() {
        Map<String, Set<String>> out = new TreeMap<>();
        ClusterMetadata cluster = client.fetchMetadata();
        int partitions = cluster.partitionCount(CURSORS);
        for (int p = 0; p < partitions; p++) {
            for (Api.Message msg : readAll(CURSORS, p)) {
                String key = msg.getKey().toString(StandardCharsets.UTF_8);
                int last = key.lastIndexOf(',');
                int before = last <= 0 ? -1 : key.lastIndexOf(',', last - 1);
                if (before < 0 || !key.startsWith(PREFIX)) {
                    continue;
                }
                try {
                    int partition = Integer.parseInt(key.substring(last + 1));
                    out.computeIfAbsent(key.substring(PREFIX.length(), before), k -> new TreeSet<>())
                            .add(key.substring(before + 1, last) + "/" + partition);
                } catch (NumberFormatException e) {
                    // not a cursor key written by a Liftbridge client: ignore it
                }
            }
        }
        return out;
    }

    /**
     * The groups as the activity stream tells their history (joins, leaves, stream deletions),
     * replayed with the brokers' assignment algorithm over today's partition counts; empty when
     * the activity stream is disabled.
     */
    Map<String, GroupInfo> replayActivity() {
        ClusterMetadata cluster = client.fetchMetadata();
        Map<String, GroupInfo> groups = new TreeMap<>();
        if (cluster.stream(ACTIVITY) == null) {
            return groups;
        }
        java.util.function.ToIntFunction<String> counts = cluster::partitionCount;
        long lastId = 0;
        for (Api.Message msg : readAll(ACTIVITY, 0)) {
            Api.ActivityStreamEvent e;
            try {
                e = Api.ActivityStreamEvent.parseFrom(msg.getValue());
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                continue; // not an event: nothing to learn from it
            }
            if (e.getId() <= lastId) {
                continue; // published twice around a controller change
            }
            lastId = e.getId();
            switch (e.getOp()) {
                case JOIN_CONSUMER_GROUP -> {
                    Api.JoinConsumerGroupOp op = e.getJoinConsumerGroupOp();
                    GroupInfo g = groups.get(op.getGroupId());
                    if (g == null) {
                        groups.put(op.getGroupId(), GroupInfo.create(op.getGroupId(), "", op.getConsumerId(),
                                op.getStreamsList(), counts));
                    } else if (g.member(op.getConsumerId()) == null) {
                        groups.put(op.getGroupId(), g.withMember(op.getConsumerId(), op.getStreamsList(), counts,
                                e.getId()));
                    }
                }
                case LEAVE_CONSUMER_GROUP -> {
                    Api.LeaveConsumerGroupOp op = e.getLeaveConsumerGroupOp();
                    GroupInfo g = groups.get(op.getGroupId());
                    if (g != null && g.member(op.getConsumerId()) != null) {
                        GroupInfo next = g.withoutMember(op.getConsumerId(), counts, e.getId());
                        if (next == null) {
                            groups.remove(op.getGroupId());
                        } else {
                            groups.put(op.getGroupId(), next);
                        }
                    }
                }
                case DELETE_STREAM -> {
                    String gone = e.getDeleteStreamOp().getStream();
                    java.util.function.ToIntFunction<String> without = s -> s.equals(gone) ? 0 : counts.applyAsInt(s);
                    groups.replaceAll((id, g) -> g.withoutStream(gone, without, e.getId()));
                }
                default -> {
                }
            }
        }
        return groups;
    }

    /** Every committed message of one partition, up to its high watermark at the start. */
    List<Api.Message> readAll(String stream, int partition) {
        List<Api.Message> out = new ArrayList<>();
        Api.PartitionMetadata pm = client.fetchMetadata().partition(stream, partition);
        if (pm == null || pm.getHighWatermark() < 0) {
            return out;
        }
        try (Subscription sub = client.subscribe(stream, SubscriptionOptions.create().partition(partition)
                .startAtEarliest().stopAtOffset(pm.getHighWatermark()).resume(true))) {
            while (true) {
                Api.Message m = sub.poll(readTimeout);
                if (m == null) {
                    if (sub.end() == null) {
                        throw new lb.client.LiftbridgeException(lb.client.LiftbridgeException.Kind.DEADLINE_EXCEEDED,
                                "reading " + stream + "[" + partition + "] took longer than " + readTimeout.toMillis()
                                        + " ms");
                    }
                    return out;
                }
                out.add(m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new lb.client.LiftbridgeException(lb.client.LiftbridgeException.Kind.CANCELLED, "interrupted");
        }
    }
}
