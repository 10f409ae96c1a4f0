package lb.broker.metadata;

import java.util.TreeMap;
import lb.broker.config.StreamOverrides;
import lb.broker.metadata.proto.ConsumerGroup;
import lb.broker.metadata.proto.GroupMember;
import lb.broker.metadata.proto.Partition;
import lb.broker.metadata.proto.StreamAssignment;
import lb.broker.metadata.proto.Snapshot;
import lb.broker.metadata.proto.Stream;
import lb.broker.metadata.proto.StreamConfig;

/**
 * Conversions between the metadata records and their protobuf form (metadata.proto), used for
 * commands and snapshots. Stateless; any thread.
 */
final class MetadataCodec {
    private MetadataCodec() {
    }

    static StreamConfig toProto(StreamOverrides o) {
        StreamConfig.Builder b = StreamConfig.newBuilder();
        if (o.retentionMaxBytes() != null) b.setRetentionMaxBytes(o.retentionMaxBytes());
        if (o.retentionMaxMessages() != null) b.setRetentionMaxMessages(o.retentionMaxMessages());
        if (o.retentionMaxAgeMs() != null) b.setRetentionMaxAgeMs(o.retentionMaxAgeMs());
        if (o.cleanerIntervalMs() != null) b.setCleanerIntervalMs(o.cleanerIntervalMs());
        if (o.segmentMaxBytes() != null) b.setSegmentMaxBytes(o.segmentMaxBytes());
        if (o.segmentMaxAgeMs() != null) b.setSegmentMaxAgeMs(o.segmentMaxAgeMs());
        if (o.compactMaxGoroutines() != null) b.setCompactMaxGoroutines(o.compactMaxGoroutines());
        if (o.compactEnabled() != null) b.setCompactEnabled(o.compactEnabled());
        if (o.autoPauseTimeMs() != null) b.setAutoPauseTimeMs(o.autoPauseTimeMs());
        if (o.autoPauseDisableIfSubscribers() != null) b.setAutoPauseDisableIfSubscribers(o.autoPauseDisableIfSubscribers());
        if (o.minIsr() != null) b.setMinIsr(o.minIsr());
        if (o.optimisticConcurrencyControl() != null) b.setOptimisticConcurrencyControl(o.optimisticConcurrencyControl());
        if (o.encryption() != null) b.setEncryption(o.encryption());
        return b.build();
    }

    static StreamOverrides fromProto(StreamConfig c) {
        return new StreamOverrides(
                c.hasRetentionMaxBytes() ? c.getRetentionMaxBytes() : null,
                c.hasRetentionMaxMessages() ? c.getRetentionMaxMessages() : null,
                c.hasRetentionMaxAgeMs() ? c.getRetentionMaxAgeMs() : null,
                c.hasCleanerIntervalMs() ? c.getCleanerIntervalMs() : null,
                c.hasSegmentMaxBytes() ? c.getSegmentMaxBytes() : null,
                c.hasSegmentMaxAgeMs() ? c.getSegmentMaxAgeMs() : null,
                c.hasCompactMaxGoroutines() ? c.getCompactMaxGoroutines() : null,
                c.hasCompactEnabled() ? c.getCompactEnabled() : null,
                c.hasAutoPauseTimeMs() ? c.getAutoPauseTimeMs() : null,
                c.hasAutoPauseDisableIfSubscribers() ? c.getAutoPauseDisableIfSubscribers() : null,
                c.hasMinIsr() ? c.getMinIsr() : null,
                c.hasOptimisticConcurrencyControl() ? c.getOptimisticConcurrencyControl() : null,
                c.hasEncryption() ? c.getEncryption() : null);
    }

    static lb.broker.metadata.proto.EventTimestamps toProto(EventTimestamps t) {
        return lb.broker.metadata.proto.EventTimestamps.newBuilder()
                .setFirstNs(t.firstNs()).setLatestNs(t.latestNs()).build();
    }

    static EventTimestamps fromProto(lb.broker.metadata.proto.EventTimestamps t) {
        return t.getFirstNs() == 0 && t.getLatestNs() == 0 ? EventTimestamps.NEVER
                : new EventTimestamps(t.getFirstNs(), t.getLatestNs());
    }

    static Partition toProto(PartitionInfo p) {
        return Partition.newBuilder()
                .setId(p.id())
                .addAllReplicas(p.replicas())
                .setLeader(p.leader())
                .addAllIsr(p.isr())
                .setLeaderEpoch(p.leaderEpoch())
                .setEpoch(p.epoch())
                .setPaused(p.paused())
                .setReadonly(p.readonly())
                .setPauseTimestamps(toProto(p.pauseTimestamps()))
                .setReadonlyTimestamps(toProto(p.readonlyTimestamps()))
                .build();
    }

    static Stream toProto(StreamInfo s) {
        Stream.Builder b = Stream.newBuilder()
                .setName(s.name())
                .setSubject(s.subject())
                .setGroup(s.group())
                .setReplicationFactor(s.replicationFactor())
                .setConfig(toProto(s.overrides()))
                .setCreationTimestampNs(s.creationTimestampNs())
                .setCreateIndex(s.createIndex())
                .setResumeAll(s.resumeAll())
                .setInternal(s.internal());
        for (PartitionInfo p : s.partitions().values()) {
            b.addPartitions(toProto(p));
        }
        return b.build();
    }

    static StreamInfo fromProto(Stream s) {
        TreeMap<Integer, PartitionInfo> partitions = new TreeMap<>();
        for (Partition p : s.getPartitionsList()) {
            partitions.put(p.getId(), new PartitionInfo(s.getName(), p.getId(),
                    PartitionInfo.partitionSubject(s.getSubject(), p.getId()), s.getGroup(),
                    p.getReplicasList(), p.getLeader(), p.getIsrList(), p.getLeaderEpoch(), p.getEpoch(),
                    p.getPaused(), p.getReadonly(), fromProto(p.getPauseTimestamps()),
                    fromProto(p.getReadonlyTimestamps())));
        }
        return new StreamInfo(s.getName(), s.getSubject(), s.getGroup(), s.getReplicationFactor(),
                fromProto(s.getConfig()), s.getCreationTimestampNs(), s.getCreateIndex(), partitions,
                s.getResumeAll(), s.getInternal());
    }

    static Snapshot toProto(MetadataView v) {
        Snapshot.Builder b = Snapshot.newBuilder()
                .setLastAppliedIndex(v.lastAppliedIndex())
                .setLastActivityIndex(v.lastActivityIndex());
        for (StreamInfo s : v.streams().values()) {
            b.addStreams(toProto(s));
        }
        for (GroupInfo g : v.groups().values()) {
            b.addGroups(toProto(g));
        }
        return b.build();
    }

    static ConsumerGroup toProto(GroupInfo g) {
        ConsumerGroup.Builder b = ConsumerGroup.newBuilder().setId(g.id()).setCoordinator(g.coordinator())
                .setEpoch(g.epoch());
        for (GroupInfo.Member m : g.members().values()) {
            GroupMember.Builder mb = GroupMember.newBuilder().setConsumerId(m.consumerId()).addAllStreams(m.streams());
            m.assignments().forEach((s, ps) -> mb.addAssignments(
                    StreamAssignment.newBuilder().setStream(s).addAllPartitions(ps)));
            b.addMembers(mb);
        }
        return b.build();
    }

    static GroupInfo fromProto(ConsumerGroup g) {
        TreeMap<String, GroupInfo.Member> members = new TreeMap<>();
        for (GroupMember m : g.getMembersList()) {
            TreeMap<String, java.util.List<Integer>> a = new TreeMap<>();
            for (StreamAssignment sa : m.getAssignmentsList()) {
                a.put(sa.getStream(), sa.getPartitionsList());
            }
            members.put(m.getConsumerId(), new GroupInfo.Member(m.getConsumerId(), m.getStreamsList(), a));
        }
        return new GroupInfo(g.getId(), g.getCoordinator(), g.getEpoch(), members);
    }

    static MetadataView fromProto(Snapshot s) {
        TreeMap<String, StreamInfo> streams = new TreeMap<>();
        for (Stream st : s.getStreamsList()) {
            streams.put(st.getName(), fromProto(st));
        }
        TreeMap<String, GroupInfo> groups = new TreeMap<>();
        for (ConsumerGroup g : s.getGroupsList()) {
            groups.put(g.getId(), fromProto(g));
        }
        return new MetadataView(s.getLastAppliedIndex(), streams, s.getLastActivityIndex(), groups);
    }
}
