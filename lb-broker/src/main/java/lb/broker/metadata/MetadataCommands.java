package lb.broker.metadata;

import java.util.List;
import lb.broker.metadata.proto.ChangeLeader;
import lb.broker.metadata.proto.Command;
import lb.broker.metadata.proto.CreateStream;
import lb.broker.metadata.proto.DeleteStream;
import lb.broker.metadata.proto.ExpandIsr;
import lb.broker.metadata.proto.Partition;
import lb.broker.metadata.proto.PauseStream;
import lb.broker.metadata.proto.PublishActivity;
import lb.broker.metadata.proto.ResumeStream;
import lb.broker.metadata.proto.SetStreamReadonly;
import lb.broker.metadata.proto.ShrinkIsr;
import lb.broker.metadata.proto.Stream;

/**
 * Encodes metadata commands (metadata.proto {@code Command}) for {@link CommandLog#propose}.
 * Performs no validation: {@link MetadataController} validates before proposing and
 * {@link MetadataFsm} re-checks state when applying. Stateless.
 */
public final class MetadataCommands {
    private MetadataCommands() {
    }

    /** CREATE_STREAM with the controller's placement, one entry per partition id 0..n-1. */
    public static byte[] createStream(StreamSpec spec, int replicationFactor, List<ReplicaPlacer.Placement> placements,
                                      boolean internal, long nowNs) {
        Stream.Builder s = Stream.newBuilder()
                .setName(spec.name())
                .setSubject(spec.subject())
                .setGroup(spec.group())
                .setReplicationFactor(replicationFactor)
                .setConfig(MetadataCodec.toProto(spec.overrides()))
                .setInternal(internal);
        for (int i = 0; i < placements.size(); i++) {
            ReplicaPlacer.Placement pl = placements.get(i);
            s.addPartitions(Partition.newBuilder().setId(i).addAllReplicas(pl.replicas())
                    .setLeader(pl.leader()).addAllIsr(pl.replicas()));
        }
        return command(nowNs).setCreateStream(CreateStream.newBuilder().setStream(s)).build().toByteArray();
    }

    public static byte[] deleteStream(String stream, long nowNs) {
        return command(nowNs).setDeleteStream(DeleteStream.newBuilder().setStream(stream)).build().toByteArray();
    }

    /** PAUSE_STREAM; an empty list pauses every partition. */
    public static byte[] pauseStream(String stream, List<Integer> partitions, boolean resumeAll, long nowNs) {
        return command(nowNs).setPauseStream(PauseStream.newBuilder().setStream(stream)
                .addAllPartitions(partitions).setResumeAll(resumeAll)).build().toByteArray();
    }

    /** RESUME_STREAM; an empty list resumes every paused partition. */
    public static byte[] resumeStream(String stream, List<Integer> partitions, long nowNs) {
        return command(nowNs).setResumeStream(ResumeStream.newBuilder().setStream(stream)
                .addAllPartitions(partitions)).build().toByteArray();
    }

    /** SET_STREAM_READONLY; an empty list changes every partition. */
    public static byte[] setReadonly(String stream, List<Integer> partitions, boolean readonly, long nowNs) {
        return command(nowNs).setSetStreamReadonly(SetStreamReadonly.newBuilder().setStream(stream)
                .addAllPartitions(partitions).setReadonly(readonly)).build().toByteArray();
    }

    public static byte[] changeLeader(String stream, int partition, String leader, long nowNs) {
        return command(nowNs).setChangeLeader(ChangeLeader.newBuilder().setStream(stream)
                .setPartition(partition).setLeader(leader)).build().toByteArray();
    }

    public static byte[] shrinkIsr(String stream, int partition, String replica, String leader, long leaderEpoch,
                                   long nowNs) {
        return command(nowNs).setShrinkIsr(ShrinkIsr.newBuilder().setStream(stream).setPartition(partition)
                .setReplica(replica).setLeader(leader).setLeaderEpoch(leaderEpoch)).build().toByteArray();
    }

    public static byte[] expandIsr(String stream, int partition, String replica, String leader, long leaderEpoch,
                                   long nowNs) {
        return command(nowNs).setExpandIsr(ExpandIsr.newBuilder().setStream(stream).setPartition(partition)
                .setReplica(replica).setLeader(leader).setLeaderEpoch(leaderEpoch)).build().toByteArray();
    }

    /** PUBLISH_ACTIVITY: the activity publisher has published events up to {@code index}. */
    public static byte[] publishActivity(long index, long nowNs) {
        return command(nowNs).setPublishActivity(PublishActivity.newBuilder().setIndex(index)).build().toByteArray();
    }

    /** CREATE_CONSUMER_GROUP: materialises an absent group with its founding member. */
    public static byte[] createGroup(String groupId, String consumerId, List<String> streams, String coordinator,
                                     long nowNs) {
        return command(nowNs).setCreateConsumerGroup(lb.broker.metadata.proto.CreateConsumerGroup.newBuilder()
                .setGroupId(groupId).setConsumerId(consumerId).addAllStreams(streams).setCoordinator(coordinator))
                .build().toByteArray();
    }

    public static byte[] joinGroup(String groupId, String consumerId, List<String> streams, long nowNs) {
        return command(nowNs).setJoinConsumerGroup(lb.broker.metadata.proto.JoinConsumerGroup.newBuilder()
                .setGroupId(groupId).setConsumerId(consumerId).addAllStreams(streams)).build().toByteArray();
    }

    public static byte[] leaveGroup(String groupId, String consumerId, boolean expired, long nowNs) {
        return command(nowNs).setLeaveConsumerGroup(lb.broker.metadata.proto.LeaveConsumerGroup.newBuilder()
                .setGroupId(groupId).setConsumerId(consumerId).setExpired(expired)).build().toByteArray();
    }

    /** CHANGE_CONSUMER_GROUP_COORDINATOR, applied only if the group is still at {@code epoch} under {@code previous}. */
    public static byte[] changeCoordinator(String groupId, String coordinator, String previous, long epoch,
                                           long nowNs) {
        return command(nowNs).setChangeConsumerGroupCoordinator(
                lb.broker.metadata.proto.ChangeConsumerGroupCoordinator.newBuilder().setGroupId(groupId)
                        .setCoordinator(coordinator).setPrevious(previous).setEpoch(epoch)).build().toByteArray();
    }

    private static Command.Builder command(long nowNs) {
        return Command.newBuilder().setTimestampNs(nowNs);
    }
}
