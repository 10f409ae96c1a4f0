package lb.broker.metadata;

import io.liftbridge.proto.Api;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The front the API layer calls to change metadata: validates a request (wire-contract
 * §3.2–3.5 and the controller parts of the consumer-group RPCs §3.13–3.16, in upstream's order), makes the controller's decisions (replication factor,
 * replica placement, leader choice, event timestamps from the injected clock), proposes the
 * command to the {@link CommandLog} and turns the FSM's result into a value or a
 * {@link MetadataException} carrying the Liftbridge status.
 *
 * <p>Thread-safe; any thread may call. The returned futures complete on the log's apply
 * thread: continue with {@code *Async} methods on your own executor, never block the apply
 * thread. Failures: {@link MetadataException} (catalog status; validation and FSM rejections,
 * log failures wrapped as Internal {@code Failed to ...}) or {@link NotLeaderException} when
 * this node may not propose (the API layer forwards to {@link NotLeaderException#leaderId()}).
 * Requests are checked against the current view before proposing for a fast answer; the FSM
 * checks again when applying, so a race between two proposers is still decided in log order.
 */
public final class MetadataController {
    private final CommandLog log;
    private final MetadataFsm fsm;
    private final Supplier<List<String>> clusterServers;
    private final Clock clock;
    private final long applyTimeoutMs;

    /** Upstream's Raft apply deadline when the caller has none: 5 s. */
    public static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * @param clusterServers the cluster's server ids in configuration order (Raft configuration;
     *                       a single node: just itself)
     * @param clock          the controller clock for creation and event timestamps
     */
    public MetadataController(CommandLog log, MetadataFsm fsm, Supplier<List<String>> clusterServers, Clock clock) {
        this(log, fsm, clusterServers, clock, DEFAULT_APPLY_TIMEOUT);
    }

    /**
     * @param applyTimeout how long a proposal may take to be committed and applied before the
     *                     caller gets Internal {@code Failed to ...: timed out ...} (the change
     *                     may still be applied later, as with upstream's Raft apply deadline)
     */
    public MetadataController(CommandLog log, MetadataFsm fsm, Supplier<List<String>> clusterServers, Clock clock,
                              Duration applyTimeout) {
        this.log = Objects.requireNonNull(log);
        this.fsm = Objects.requireNonNull(fsm);
        this.clusterServers = Objects.requireNonNull(clusterServers);
        this.clock = Objects.requireNonNull(clock);
        if (applyTimeout.isNegative() || applyTimeout.isZero()) {
            throw new IllegalArgumentException("applyTimeout must be positive, got " + applyTimeout);
        }
        this.applyTimeoutMs = applyTimeout.toMillis();
    }

    /** The metadata as applied locally. */
    public MetadataView view() {
        return fsm.view();
    }

    /** CreateStream from a client: validates as wire-contract §3.2 and creates the stream. */
    public CompletableFuture<StreamInfo> createStream(Api.CreateStreamRequest request) {
        return createStream(StreamSpec.fromRequest(request), false);
    }

    /**
     * Creates a stream. {@code internal} is for the controller's own {@link InternalStreams}
     * (reserved names allowed).
     */
    public CompletableFuture<StreamInfo> createStream(StreamSpec spec, boolean internal) {
        return submit(() -> createCommand(spec, internal), StreamInfo.class, MetadataError.CREATE_FAILED);
    }

    private byte[] createCommand(StreamSpec spec, boolean internal) throws NotLeaderException {
        // Checks of the receiving server (wire-contract §3.2 rows 3-7), before forwarding.
        if (spec.name().isEmpty()) {
            throw MetadataException.of(MetadataError.NAME_EMPTY);
        }
        if (!Subjects.isValid(spec.subject())) {
            throw MetadataException.of(MetadataError.SUBJECT_INVALID);
        }
        if (!internal && InternalStreams.isReserved(spec.name())) {
            throw MetadataException.of(MetadataError.STREAM_RESERVED);
        }
        if (spec.partitions() < 1) {
            throw MetadataException.of(MetadataError.PARTITIONS_INVALID, spec.partitions());
        }
        var problem = spec.overrides().problem();
        if (problem.isPresent()) {
            throw MetadataException.of(MetadataError.STREAM_CONFIG_INVALID, problem.get());
        }
        if (Boolean.TRUE.equals(spec.overrides().encryption())) {
            throw MetadataException.of(MetadataError.ENCRYPTION_UNAVAILABLE,
                    "encryption at rest is not supported by this broker yet; create the stream without encryption");
        }
        requireLeader();
        // Controller checks and decisions (rows 8-11).
        List<String> servers = clusterServers.get();
        int rf = spec.replicationFactor() == -1 ? servers.size() : spec.replicationFactor();
        if (rf <= 0) {
            throw MetadataException.of(MetadataError.REPLICATION_FACTOR_INVALID, rf);
        }
        if (rf > servers.size()) {
            throw MetadataException.of(MetadataError.REPLICATION_FACTOR_TOO_LARGE, rf, servers.size());
        }
        MetadataView v = fsm.view();
        if (v.stream(spec.name()) != null) {
            throw MetadataException.of(MetadataError.STREAM_EXISTS);
        }
        var placements = ReplicaPlacer.place(servers, v, rf, spec.partitions());
        return MetadataCommands.createStream(spec, rf, placements, internal, nowNs());
    }

    /** Creates {@code spec} unless a stream of that name exists (the controller's internal streams). */
    public CompletableFuture<StreamInfo> ensureInternalStream(StreamSpec spec) {
        StreamInfo existing = fsm.view().stream(spec.name());
        if (existing != null) {
            return CompletableFuture.completedFuture(existing);
        }
        return createStream(spec, true).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof MetadataException me && me.error() == MetadataError.STREAM_EXISTS) {
                return CompletableFuture.completedFuture(fsm.view().stream(spec.name()));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** DeleteStream (wire-contract §3.3). Completes with the deleted stream. */
    public CompletableFuture<StreamInfo> deleteStream(String name) {
        return submit(() -> {
            if (InternalStreams.isReserved(name)) {
                throw MetadataException.of(MetadataError.STREAM_RESERVED);
            }
            requireLeader();
            requireStream(name);
            return MetadataCommands.deleteStream(name, nowNs());
        }, StreamInfo.class, MetadataError.DELETE_FAILED);
    }

    /** PauseStream (wire-contract §3.4); empty {@code partitions} = all. Reserved streams may be paused. */
    public CompletableFuture<StreamInfo> pauseStream(String name, List<Integer> partitions, boolean resumeAll) {
        return submit(() -> MetadataCommands.pauseStream(name, resolvePartitions(name, partitions), resumeAll, nowNs()),
                StreamInfo.class, MetadataError.PAUSE_FAILED);
    }

    /**
     * Resumes paused partitions (publish with resumeAll, Subscribe with resume, cursors); empty
     * {@code partitions} = every paused partition. Partitions that are not paused are left as they are.
     */
    public CompletableFuture<StreamInfo> resumePartitions(String name, List<Integer> partitions) {
        return submit(() -> MetadataCommands.resumeStream(name, resolvePartitions(name, partitions), nowNs()),
                StreamInfo.class, MetadataError.RESUME_FAILED);
    }

    /** SetStreamReadonly (wire-contract §3.5); empty {@code partitions} = all. */
    public CompletableFuture<StreamInfo> setStreamReadonly(String name, List<Integer> partitions, boolean readonly) {
        return submit(() -> MetadataCommands.setReadonly(name, resolvePartitions(name, partitions), readonly, nowNs()),
                StreamInfo.class, MetadataError.READONLY_FAILED);
    }

    /**
     * Pause/resume/readonly partition resolution in upstream's order (§3.4 rows 2-5): an empty
     * list on an unknown stream is refused by the receiving server; the rest by the controller.
     */
    private List<Integer> resolvePartitions(String name, List<Integer> partitions) throws NotLeaderException {
        if (partitions.isEmpty() && fsm.view().stream(name) == null) {
            throw MetadataException.of(MetadataError.STREAM_NOT_FOUND);
        }
        requireLeader();
        StreamInfo s = requireStream(name);
        if (partitions.isEmpty()) {
            return s.partitionIds();
        }
        List<Integer> ids = new ArrayList<>(partitions.size());
        for (int id : partitions) {
            if (s.partition(id) == null) {
                throw MetadataException.of(MetadataError.PARTITION_NOT_EXIST);
            }
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Makes {@code leader} (an ISR member) the partition's leader; the leader epoch moves to the entry's index. */
    public CompletableFuture<PartitionInfo> changeLeader(String stream, int partition, String leader) {
        return submit(() -> {
            requireLeader();
            PartitionInfo p = requirePartition(stream, partition);
            if (!p.isr().contains(leader)) {
                throw MetadataException.of(MetadataError.NOT_IN_ISR, leader);
            }
            return MetadataCommands.changeLeader(stream, partition, leader, nowNs());
        }, PartitionInfo.class, MetadataError.LEADER_CHANGE_FAILED);
    }

    /**
     * Replaces a failed partition leader with the ISR member of smallest leader load
     * (behavior.md §9.5); FailedPrecondition {@code No ISR candidates} when the ISR has no one else.
     */
    public CompletableFuture<PartitionInfo> electLeader(String stream, int partition) {
        return submit(() -> {
            requireLeader();
            PartitionInfo p = requirePartition(stream, partition);
            String candidate = ReplicaPlacer.electLeader(p, fsm.view());
            if (candidate == null) {
                throw MetadataException.of(MetadataError.NO_ISR_CANDIDATES);
            }
            return MetadataCommands.changeLeader(stream, partition, candidate, nowNs());
        }, PartitionInfo.class, MetadataError.LEADER_CHANGE_FAILED);
    }

    /** Removes {@code replica} from the ISR, as requested by {@code leader} at {@code leaderEpoch}. */
    public CompletableFuture<PartitionInfo> shrinkIsr(String stream, int partition, String replica, String leader,
                                                      long leaderEpoch) {
        return submit(() -> {
            requireLeader();
            requirePartition(stream, partition);
            return MetadataCommands.shrinkIsr(stream, partition, replica, leader, leaderEpoch, nowNs());
        }, PartitionInfo.class, MetadataError.ISR_CHANGE_FAILED);
    }

    /** Adds {@code replica} back to the ISR, as requested by {@code leader} at {@code leaderEpoch}. */
    public CompletableFuture<PartitionInfo> expandIsr(String stream, int partition, String replica, String leader,
                                                      long leaderEpoch) {
        return submit(() -> {
            requireLeader();
            requirePartition(stream, partition);
            return MetadataCommands.expandIsr(stream, partition, replica, leader, leaderEpoch, nowNs());
        }, PartitionInfo.class, MetadataError.ISR_CHANGE_FAILED);
    }

    /** Records that the activity publisher has published every event up to {@code index}. */
    public CompletableFuture<Void> recordActivity(long index) {
        return submit(() -> {
            requireLeader();
            return MetadataCommands.publishActivity(index, nowNs());
        }, Object.class, MetadataError.ACTIVITY_FAILED).thenApply(r -> null);
    }

    // ------------------------------------------------------------------ consumer groups

    /**
     * JoinConsumerGroup's controller part (wire-contract §3.13 rows 4–8): creates the group with
     * this consumer as its only member (coordinator = the server coordinating fewest groups, in
     * configuration order) or adds the member. Completes with the group after the change (epoch
     * 0 for a new group). The caller has checked that the ids and stream list are not empty.
     */
    public CompletableFuture<GroupInfo> joinConsumerGroup(String groupId, String consumerId, List<String> streams) {
        return submit(() -> {
            requireLeader();
            MetadataView v = fsm.view();
            GroupInfo g = v.group(groupId);
            for (String s : streams) {
                if (v.stream(s) == null) {
                    throw MetadataException.of(MetadataError.GROUP_STREAM_NOT_EXIST);
                }
            }
            if (g == null) {
                String coordinator = chooseCoordinator(v, null);
                if (coordinator == null) {
                    throw MetadataException.of(MetadataError.NO_COORDINATOR_CANDIDATES);
                }
                return MetadataCommands.createGroup(groupId, consumerId, streams, coordinator, nowNs());
            }
            if (g.member(consumerId) != null) {
                throw MetadataException.of(MetadataError.GROUP_ALREADY_MEMBER);
            }
            return MetadataCommands.joinGroup(groupId, consumerId, streams, nowNs());
        }, GroupInfo.class, MetadataError.GROUP_JOIN_FAILED);
    }

    /**
     * LeaveConsumerGroup (§3.14 rows 2–4), also the coordinator's removal of a silent member
     * ({@code expired}). Completes with the group after the leave (no members = deleted).
     */
    public CompletableFuture<GroupInfo> leaveConsumerGroup(String groupId, String consumerId, boolean expired) {
        return submit(() -> {
            requireLeader();
            GroupInfo g = fsm.view().group(groupId);
            if (g == null) {
                throw MetadataException.of(MetadataError.GROUP_NOT_EXIST);
            }
            if (g.member(consumerId) == null) {
                throw MetadataException.of(MetadataError.GROUP_NOT_MEMBER);
            }
            return MetadataCommands.leaveGroup(groupId, consumerId, expired, nowNs());
        }, GroupInfo.class, MetadataError.GROUP_LEAVE_FAILED);
    }

    /**
     * Witnesses of one group's silent coordinator at one (coordinator, epoch), behavior.md §11.5.
     * Kept in memory on the controller only (upstream does the same): a controller change forgets
     * them, and members simply report again.
     */
    private record Witnesses(String coordinator, long epoch, java.util.Set<String> consumers, long lastReportNs) {
    }

    private final java.util.Map<String, Witnesses> witnesses = new java.util.HashMap<>();
    private volatile Duration coordinatorTimeout = Duration.ofSeconds(15);

    /** Sets {@code groups.coordinator.timeout}: how long coordinator reports are remembered. */
    public void setGroupCoordinatorTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("coordinator timeout must be positive, got " + timeout);
        }
        this.coordinatorTimeout = timeout;
    }

    /**
     * ReportConsumerGroupCoordinator's controller part (§3.16 rows 2–6, behavior.md §11.5):
     * validates the report against the current group, records the reporter as a witness (the
     * witnesses are forgotten when no report arrived for {@code groups.coordinator.timeout}), and
     * once more than half the members (integer division) reported, moves the group to the server
     * coordinating fewest groups other than the reported one. Completes with the group when the
     * coordinator changed, or with null when the report was only recorded.
     */
    public CompletableFuture<GroupInfo> reportGroupCoordinator(String groupId, String consumerId, String coordinator,
                                                               long epoch) {
        return submit(() -> {
            requireLeader();
            MetadataView v = fsm.view();
            GroupInfo g = v.group(groupId);
            if (g == null) {
                throw MetadataException.of(MetadataError.NO_SUCH_GROUP, groupId);
            }
            if (!g.coordinator().equals(coordinator) || g.epoch() != epoch) {
                throw MetadataException.of(MetadataError.COORDINATOR_MISMATCH, g.coordinator(), g.epoch(),
                        coordinator, epoch);
            }
            if (g.member(consumerId) == null) {
                throw MetadataException.of(MetadataError.REPORTER_NOT_MEMBER, consumerId, groupId);
            }
            long now = nowNs(); // the controller clock: tests drive the witness window by hand
            int count;
            synchronized (witnesses) {
                Witnesses w = witnesses.get(groupId);
                if (w == null || !w.coordinator().equals(coordinator) || w.epoch() != epoch
                        || now - w.lastReportNs() > coordinatorTimeout.toNanos()) {
                    w = new Witnesses(coordinator, epoch, new java.util.HashSet<>(), now);
                }
                w.consumers().add(consumerId);
                w = new Witnesses(coordinator, epoch, w.consumers(), now);
                witnesses.put(groupId, w);
                count = w.consumers().size();
            }
            if (count <= g.members().size() / 2) {
                return null; // recorded; quorum not reached
            }
            String next = chooseCoordinator(v, coordinator);
            if (next == null) {
                throw MetadataException.of(MetadataError.NO_COORDINATOR_CANDIDATES);
            }
            synchronized (witnesses) {
                witnesses.remove(groupId);
            }
            return MetadataCommands.changeCoordinator(groupId, next, coordinator, epoch, nowNs());
        }, GroupInfo.class, MetadataError.COORDINATOR_CHANGE_FAILED);
    }

    /** The server coordinating fewest groups, first in configuration order on ties; null when none is eligible. */
    private String chooseCoordinator(MetadataView v, String excluded) {
        String best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (String server : clusterServers.get()) {
            if (server.equals(excluded)) {
                continue;
            }
            int load = v.coordinatorLoad(server);
            if (load < bestLoad) {
                best = server;
                bestLoad = load;
            }
        }
        return best;
    }

    private StreamInfo requireStream(String name) {
        StreamInfo s = fsm.view().stream(name);
        if (s == null) {
            throw MetadataException.of(MetadataError.STREAM_NOT_EXIST);
        }
        return s;
    }

    private PartitionInfo requirePartition(String stream, int partition) {
        StreamInfo s = requireStream(stream);
        PartitionInfo p = s.partition(partition);
        if (p == null) {
            throw MetadataException.of(MetadataError.PARTITION_NOT_EXIST);
        }
        return p;
    }

    private void requireLeader() throws NotLeaderException {
        if (!log.isLeader()) {
            throw new NotLeaderException(log.leaderId());
        }
    }

    /** Builds a command (null: nothing to propose) after checks that throw MetadataException or NotLeaderException. */
    @FunctionalInterface
    private interface CheckedCommand {
        byte[] build() throws NotLeaderException;
    }

    private <T> CompletableFuture<T> submit(CheckedCommand command, Class<T> type, MetadataError onFailure) {
        byte[] bytes;
        try {
            bytes = command.build();
        } catch (MetadataException | NotLeaderException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (bytes == null) {
            return CompletableFuture.completedFuture(null); // decided without a log entry
        }
        return propose(bytes, type, onFailure);
    }

    private <T> CompletableFuture<T> propose(byte[] command, Class<T> type, MetadataError onFailure) {
        CompletableFuture<Object> proposed;
        try {
            proposed = log.propose(command);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(MetadataException.withCause(onFailure, e, String.valueOf(e.getMessage())));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        proposed.whenComplete((value, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof NotLeaderException || cause instanceof MetadataException) {
                    result.completeExceptionally(cause);
                } else {
                    result.completeExceptionally(MetadataException.withCause(onFailure, cause, String.valueOf(cause.getMessage())));
                }
            } else if (value instanceof MetadataException rejected) {
                result.completeExceptionally(rejected);
            } else {
                result.complete(value == null ? null : type.cast(value));
            }
        });
        // The timeout completes `result` on the JDK's delay-scheduler thread; only this mapping runs there.
        return result.orTimeout(applyTimeoutMs, TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof TimeoutException) {
                return CompletableFuture.failedFuture(MetadataException.withCause(onFailure, cause,
                        "timed out after " + applyTimeoutMs + " ms; the change may still be applied"));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private long nowNs() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }
}
