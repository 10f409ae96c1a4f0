package lb.broker.metadata;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import lb.broker.metadata.proto.ChangeLeader;
import lb.broker.metadata.proto.Command;
import lb.broker.metadata.proto.CreateStream;
import lb.broker.metadata.proto.ExpandIsr;
import lb.broker.metadata.proto.PauseStream;
import lb.broker.metadata.proto.ResumeStream;
import lb.broker.metadata.proto.SetStreamReadonly;
import lb.broker.metadata.proto.ShrinkIsr;
import lb.broker.metadata.proto.Snapshot;

/**
 * The metadata state machine: streams, partitions, leaders, ISR, epochs, pause and read-only
 * flags, fed by the commands of a {@link CommandLog} (metadata.proto {@code Command}).
 *
 * <p>Threads: {@link #apply}, {@link #snapshot} and {@link #restore} run on the log's apply
 * thread only (one thread; not thread-safe among themselves). {@link #view()} may be called
 * from any thread: the state is an immutable {@link MetadataView} published through a
 * volatile field after each command. Listeners are called on the apply thread.
 *
 * <p>Determinism: the result depends only on the current state, the entry index and the
 * command bytes (timestamps come from the command, set by the proposer). A rejected command
 * leaves the state unchanged and returns a {@link MetadataException} as the result (it is
 * not thrown), so every replica rejects it the same way and the proposer gets the status.
 *
 * <p>Epochs are log indexes (behavior.md §1.3): a partition's leaderEpoch and epoch start at
 * the CREATE_STREAM index; a leader change sets both, an ISR change sets epoch. Entries at or
 * below {@link MetadataView#lastAppliedIndex()} are ignored, which makes replay idempotent.
 *
 * <p>Results: CreateStream → the new {@link StreamInfo}; DeleteStream → the deleted
 * StreamInfo; pause/resume/readonly → the updated StreamInfo; leader/ISR changes → the
 * updated {@link PartitionInfo}; PublishActivity → null; consumer-group commands → the
 * {@link GroupInfo} after the change (a leave that removed the last member returns the group
 * with no members; it no longer exists in the view). Consumer groups follow behavior.md §11:
 * epoch 0 at creation, then the index of each join, leave, coordinator change and deletion of a
 * stream a member consumes; assignments are computed here by {@link GroupInfo}.
 */
public final class MetadataFsm implements CommandApplier {
    private static final System.Logger LOG = System.getLogger(MetadataFsm.class.getName());

    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    /** Written only by the apply thread; read by anyone. */
    private volatile MetadataView view = MetadataView.EMPTY;

    /** The current metadata (any thread). */
    public MetadataView view() {
        return view;
    }

    /** Adds a listener; it sees every change applied after this call. Any thread. */
    public void addListener(MetadataListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(MetadataListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Object apply(long index, byte[] command) {
        MetadataView current = view;
        if (index <= current.lastAppliedIndex()) {
            return null; // already applied (replay after a snapshot that covers it)
        }
        Command cmd;
        try {
            cmd = Command.parseFrom(command);
        } catch (InvalidProtocolBufferException e) {
            // Same bytes on every replica, so every replica rejects it; the log moves on.
            view = current.with(index, Map.of(), null, current.lastActivityIndex());
            LOG.log(System.Logger.Level.ERROR, "malformed metadata command at index " + index, e);
            return MetadataException.withCause(MetadataError.MALFORMED_COMMAND, e, index, e.getMessage());
        }
        List<Runnable> events = new ArrayList<>();
        Object result;
        try {
            result = switch (cmd.getOpCase()) {
                case CREATE_STREAM -> createStream(index, cmd.getTimestampNs(), cmd.getCreateStream(), events);
                case DELETE_STREAM -> deleteStream(index, cmd.getDeleteStream().getStream(), events);
                case PAUSE_STREAM -> pause(index, cmd.getTimestampNs(), cmd.getPauseStream(), events);
                case RESUME_STREAM -> resume(index, cmd.getTimestampNs(), cmd.getResumeStream(), events);
                case SET_STREAM_READONLY -> readonly(index, cmd.getTimestampNs(), cmd.getSetStreamReadonly(), events);
                case CHANGE_LEADER -> changeLeader(index, cmd.getChangeLeader(), events);
                case SHRINK_ISR -> shrinkIsr(index, cmd.getShrinkIsr(), events);
                case EXPAND_ISR -> expandIsr(index, cmd.getExpandIsr(), events);
                case CREATE_CONSUMER_GROUP -> createGroup(index, cmd.getCreateConsumerGroup());
                case JOIN_CONSUMER_GROUP -> joinGroup(index, cmd.getJoinConsumerGroup());
                case LEAVE_CONSUMER_GROUP -> leaveGroup(index, cmd.getLeaveConsumerGroup());
                case CHANGE_CONSUMER_GROUP_COORDINATOR -> changeCoordinator(index,
                        cmd.getChangeConsumerGroupCoordinator());
                case PUBLISH_ACTIVITY -> {
                    view = view.with(index, Map.of(), null, cmd.getPublishActivity().getIndex());
                    yield null;
                }
                case OP_NOT_SET -> throw MetadataException.of(MetadataError.MALFORMED_COMMAND, index,
                        "no operation (written by a newer version?)");
            };
        } catch (MetadataException rejected) {
            view = view.with(index, Map.of(), null, view.lastActivityIndex());
            return rejected;
        }
        if (view.lastAppliedIndex() != index) {
            // A command that changed nothing (already applied, already in that state) still counts.
            view = view.with(index, Map.of(), null, view.lastActivityIndex());
        }
        for (Runnable event : events) {
            event.run();
        }
        Command applied = cmd;
        notify(l -> l.onCommandApplied(index, applied));
        return result;
    }

    private StreamInfo createStream(long index, long nowNs, CreateStream op, List<Runnable> events) {
        MetadataView v = view;
        var s = op.getStream();
        if (v.stream(s.getName()) != null) {
            throw MetadataException.of(MetadataError.STREAM_EXISTS);
        }
        TreeMap<Integer, PartitionInfo> partitions = new TreeMap<>();
        for (var p : s.getPartitionsList()) {
            partitions.put(p.getId(), new PartitionInfo(s.getName(), p.getId(),
                    PartitionInfo.partitionSubject(s.getSubject(), p.getId()), s.getGroup(), p.getReplicasList(),
                    p.getLeader(), p.getIsrList(), index, index, false, false,
                    EventTimestamps.NEVER, EventTimestamps.NEVER));
        }
        StreamInfo stream = new StreamInfo(s.getName(), s.getSubject(), s.getGroup(), s.getReplicationFactor(),
                MetadataCodec.fromProto(s.getConfig()), nowNs, index, partitions, false, s.getInternal());
        view = v.with(index, Map.of(stream.name(), stream), null, v.lastActivityIndex());
        events.add(() -> notify(l -> l.onStreamCreated(stream, index)));
        for (PartitionInfo p : stream.partitions().values()) {
            events.add(() -> notify(l -> l.onPartitionAdded(p, index)));
        }
        return stream;
    }

    private StreamInfo deleteStream(long index, String name, List<Runnable> events) {
        MetadataView v = view;
        StreamInfo stream = requireStream(v, name);
        MetadataView without = v.with(index, Map.of(), name, v.lastActivityIndex());
        // Groups drop the stream; the members' other streams are rebalanced (behavior.md §11.3).
        Map<String, GroupInfo> changedGroups = new LinkedHashMap<>();
        for (GroupInfo g : without.groups().values()) {
            GroupInfo next = g.withoutStream(name, without, index);
            if (next != g) {
                changedGroups.put(next.id(), next);
            }
        }
        view = without.withGroups(index, changedGroups, List.of());
        for (PartitionInfo p : stream.partitions().values()) {
            events.add(() -> notify(l -> l.onPartitionRemoved(p, index)));
        }
        events.add(() -> notify(l -> l.onStreamDeleted(stream, index)));
        return stream;
    }

    private StreamInfo pause(long index, long nowNs, PauseStream op, List<Runnable> events) {
        return changePartitions(index, op.getStream(), op.getPartitionsList(), s -> op.getResumeAll(),
                p -> p.paused() ? null : p.withPaused(true, nowNs),
                (l, p) -> l.onPartitionPaused(p, op.getResumeAll(), index), events);
    }

    private StreamInfo resume(long index, long nowNs, ResumeStream op, List<Runnable> events) {
        return changePartitions(index, op.getStream(), op.getPartitionsList(), StreamInfo::resumeAll,
                p -> p.paused() ? p.withPaused(false, nowNs) : null,
                (l, p) -> l.onPartitionResumed(p, index), events);
    }

    private StreamInfo readonly(long index, long nowNs, SetStreamReadonly op, List<Runnable> events) {
        return changePartitions(index, op.getStream(), op.getPartitionsList(), StreamInfo::resumeAll,
                p -> p.readonly() == op.getReadonly() ? null : p.withReadonly(op.getReadonly(), nowNs),
                (l, p) -> l.onPartitionReadonlyChanged(p, index), events);
    }

    /**
     * The shared step of pause, resume and read-only: applies {@code change} to the listed
     * partitions (every partition when none are listed) — it returns null for a partition it
     * leaves as it is — publishes the stream with its {@code resumeAll} flag, and queues
     * {@code event} for each partition that changed.
     */
    private StreamInfo changePartitions(long index, String streamName, List<Integer> listed,
                                        java.util.function.Function<StreamInfo, Boolean> resumeAll,
                                        java.util.function.UnaryOperator<PartitionInfo> change,
                                        java.util.function.BiConsumer<MetadataListener, PartitionInfo> event,
                                        List<Runnable> events) {
        MetadataView v = view;
        StreamInfo stream = requireStream(v, streamName);
        List<Integer> ids = listed.isEmpty() ? stream.partitionIds() : listed;
        Map<Integer, PartitionInfo> changed = new LinkedHashMap<>();
        for (int id : ids) {
            PartitionInfo next = change.apply(requirePartition(stream, id));
            if (next != null) {
                changed.put(id, next);
            }
        }
        StreamInfo next = stream.withPartitions(changed, resumeAll.apply(stream));
        view = v.with(index, Map.of(next.name(), next), null, v.lastActivityIndex());
        for (PartitionInfo p : changed.values()) {
            events.add(() -> notify(l -> event.accept(l, p)));
        }
        return next;
    }

    private PartitionInfo changeLeader(long index, ChangeLeader op, List<Runnable> events) {
        MetadataView v = view;
        StreamInfo stream = requireStream(v, op.getStream());
        PartitionInfo p = requirePartition(stream, op.getPartition());
        if (index <= p.epoch()) {
            return p; // an older decision replayed: idempotent
        }
        if (!p.isr().contains(op.getLeader())) {
            throw MetadataException.of(MetadataError.NOT_IN_ISR, op.getLeader());
        }
        PartitionInfo next = p.withLeader(op.getLeader(), index);
        store(index, stream, next);
        String previous = p.leader();
        events.add(() -> notify(l -> l.onPartitionLeaderChanged(next, previous, index)));
        return next;
    }

    private PartitionInfo shrinkIsr(long index, ShrinkIsr op, List<Runnable> events) {
        MetadataView v = view;
        StreamInfo stream = requireStream(v, op.getStream());
        PartitionInfo p = requirePartition(stream, op.getPartition());
        if (index <= p.epoch()) {
            return p;
        }
        checkLeaderEpoch(p, op.getLeader(), op.getLeaderEpoch());
        if (op.getReplica().equals(p.leader())) {
            throw MetadataException.of(MetadataError.LEADER_NOT_REMOVABLE, op.getReplica());
        }
        if (!p.isr().contains(op.getReplica())) {
            return p; // already out of the ISR
        }
        List<String> isr = new ArrayList<>(p.isr());
        isr.remove(op.getReplica());
        PartitionInfo next = p.withIsr(isr, index);
        store(index, stream, next);
        events.add(() -> notify(l -> l.onPartitionIsrChanged(next, index)));
        return next;
    }

    private PartitionInfo expandIsr(long index, ExpandIsr op, List<Runnable> events) {
        MetadataView v = view;
        StreamInfo stream = requireStream(v, op.getStream());
        PartitionInfo p = requirePartition(stream, op.getPartition());
        if (index <= p.epoch()) {
            return p;
        }
        checkLeaderEpoch(p, op.getLeader(), op.getLeaderEpoch());
        if (!p.replicas().contains(op.getReplica())) {
            throw MetadataException.of(MetadataError.NOT_A_REPLICA, op.getReplica());
        }
        if (p.isr().contains(op.getReplica())) {
            return p;
        }
        List<String> isr = new ArrayList<>();
        for (String r : p.replicas()) { // keep the ISR in replica order: deterministic and readable
            if (p.isr().contains(r) || r.equals(op.getReplica())) {
                isr.add(r);
            }
        }
        PartitionInfo next = p.withIsr(isr, index);
        store(index, stream, next);
        events.add(() -> notify(l -> l.onPartitionIsrChanged(next, index)));
        return next;
    }

    private GroupInfo createGroup(long index, lb.broker.metadata.proto.CreateConsumerGroup op) {
        MetadataView v = view;
        if (v.group(op.getGroupId()) != null) {
            throw MetadataException.of(MetadataError.GROUP_EXISTS);
        }
        requireStreams(v, op.getStreamsList());
        GroupInfo g = GroupInfo.create(op.getGroupId(), op.getCoordinator(), op.getConsumerId(),
                op.getStreamsList(), v);
        view = v.withGroups(index, Map.of(g.id(), g), List.of());
        return g;
    }

    private GroupInfo joinGroup(long index, lb.broker.metadata.proto.JoinConsumerGroup op) {
        MetadataView v = view;
        GroupInfo g = requireGroup(v, op.getGroupId());
        if (g.member(op.getConsumerId()) != null) {
            throw MetadataException.of(MetadataError.GROUP_ALREADY_MEMBER);
        }
        requireStreams(v, op.getStreamsList());
        GroupInfo next = g.withMember(op.getConsumerId(), op.getStreamsList(), v, index);
        view = v.withGroups(index, Map.of(next.id(), next), List.of());
        return next;
    }

    /** Result: the group after the leave, or a group with no members when the last one left (deleted). */
    private GroupInfo leaveGroup(long index, lb.broker.metadata.proto.LeaveConsumerGroup op) {
        MetadataView v = view;
        GroupInfo g = requireGroup(v, op.getGroupId());
        if (g.member(op.getConsumerId()) == null) {
            throw MetadataException.of(MetadataError.GROUP_NOT_MEMBER);
        }
        GroupInfo next = g.withoutMember(op.getConsumerId(), v, index);
        if (next == null) {
            view = v.withGroups(index, Map.of(), List.of(g.id()));
            return new GroupInfo(g.id(), g.coordinator(), index, new TreeMap<>());
        }
        view = v.withGroups(index, Map.of(next.id(), next), List.of());
        return next;
    }

    private GroupInfo changeCoordinator(long index, lb.broker.metadata.proto.ChangeConsumerGroupCoordinator op) {
        MetadataView v = view;
        GroupInfo g = v.group(op.getGroupId());
        if (g == null) {
            throw MetadataException.of(MetadataError.NO_SUCH_GROUP, op.getGroupId());
        }
        if (!g.coordinator().equals(op.getPrevious()) || g.epoch() != op.getEpoch()) {
            throw MetadataException.of(MetadataError.COORDINATOR_MISMATCH, g.coordinator(), g.epoch(),
                    op.getPrevious(), op.getEpoch());
        }
        GroupInfo next = g.withCoordinator(op.getCoordinator(), index);
        view = v.withGroups(index, Map.of(next.id(), next), List.of());
        return next;
    }

    private static GroupInfo requireGroup(MetadataView v, String id) {
        GroupInfo g = v.group(id);
        if (g == null) {
            throw MetadataException.of(MetadataError.GROUP_NOT_EXIST);
        }
        return g;
    }

    private static void requireStreams(MetadataView v, List<String> streams) {
        for (String s : streams) {
            if (v.stream(s) == null) {
                throw MetadataException.of(MetadataError.GROUP_STREAM_NOT_EXIST);
            }
        }
    }

    private static void checkLeaderEpoch(PartitionInfo p, String leader, long leaderEpoch) {
        if (!p.leader().equals(leader) || p.leaderEpoch() != leaderEpoch) {
            throw MetadataException.of(MetadataError.LEADER_EPOCH_MISMATCH, leader, leaderEpoch,
                    p.leader(), p.leaderEpoch());
        }
    }

    private void store(long index, StreamInfo stream, PartitionInfo next) {
        StreamInfo s = stream.withPartitions(Map.of(next.id(), next), stream.resumeAll());
        view = view.with(index, Map.of(s.name(), s), null, view.lastActivityIndex());
    }

    private static StreamInfo requireStream(MetadataView v, String name) {
        StreamInfo s = v.stream(name);
        if (s == null) {
            throw MetadataException.of(MetadataError.STREAM_NOT_EXIST);
        }
        return s;
    }

    private static PartitionInfo requirePartition(StreamInfo s, int id) {
        PartitionInfo p = s.partition(id);
        if (p == null) {
            throw MetadataException.of(MetadataError.PARTITION_NOT_EXIST);
        }
        return p;
    }

    private void notify(java.util.function.Consumer<MetadataListener> event) {
        for (MetadataListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // A listener bug must not stop the metadata: every replica must keep applying.
                LOG.log(System.Logger.Level.ERROR, "metadata listener " + l + " failed", e);
            }
        }
    }

    @Override
    public byte[] snapshot() {
        return MetadataCodec.toProto(view).toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
        MetadataView restored;
        try {
            restored = MetadataCodec.fromProto(Snapshot.parseFrom(snapshot));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("metadata snapshot is not readable: " + e.getMessage(), e);
        }
        view = restored;
        notify(l -> l.onRestored(restored));
    }
}
