package lb.broker.api;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lb.broker.metadata.EventTimestamps;
import lb.broker.metadata.GroupCoordinator;
import lb.broker.metadata.GroupInfo;
import lb.broker.metadata.MetadataView;
import lb.broker.metadata.PartitionInfo;
import lb.broker.metadata.StreamInfo;
import lb.broker.partition.Partition;
import lb.client.envelope.Envelope;

/**
 * Liftbridge's gRPC service {@code proto.API} (wire-contract §3): validates each request in
 * upstream's order, calls the metadata controller, the partitions or NATS, and answers with
 * upstream's statuses. Consumer-group RPCs (§3.13–3.16): join, leave and coordinator reports go
 * to the metadata controller; assignments are answered by the coordinator from the replicated
 * group state and count as the member's heartbeat ({@link GroupCoordinator}); Subscribe fences
 * group members by epoch ({@link GroupSubscriptions}).
 *
 * <p>Threads: the server calls handlers on its transport threads (direct executor). What never
 * waits runs there: publishing to a partition this server leads ({@link LocalPublisher}), metadata
 * reads, PublishAsync requests of such partitions. Everything that may wait (Raft proposals,
 * resuming a paused partition, acks over NATS, cursors) goes to a virtual thread
 * ({@link #offload}), so it blocks only its call. Subscribe runs one {@link SubscribeSession}
 * per call.
 *
 * <p>Deliberate differences from upstream (listed in the README): Publish and PublishAsync to a
 * partition this server leads skip NATS ({@link LocalPublisher}); a unary Publish or
 * PublishToSubject without a deadline waits for its ack (through NATS: up to the default
 * timeout) instead of returning at once without one (behavior.md §15.11); PublishToSubject maps an error ack to a
 * status like Publish does (§15.12); a PublishAsync message that NATS refused is not counted as
 * in flight (§15.14).
 */
public final class ApiService extends APIGrpc.APIImplBase implements AutoCloseable {

    private final BrokerContext ctx;
    private final AckRouter acks;
    private final CursorService cursors;
    private final GroupCoordinator groups;
    private final GroupSubscriptions fencing = new GroupSubscriptions();
    private final LocalPublisher local;
    private final java.util.concurrent.Executor blocking;

    /**
     * @param groups  this server's coordinator duties (liveness timers, timeouts reported to members)
     * @param blocking runs the parts of calls that may wait (one virtual thread per task); the
     *                 server calls the handlers on its transport threads (direct executor)
     */
    public ApiService(BrokerContext ctx, GroupCoordinator groups, java.util.concurrent.Executor blocking) {
        this.ctx = ctx;
        this.blocking = blocking;
        this.groups = groups;
        this.acks = new AckRouter(ctx.nats(), ctx.namespace());
        this.cursors = new CursorService(ctx, acks);
        this.local = new LocalPublisher(ctx);
    }

    // ------------------------------------------------------------------ stream administration

    @Override
    public void createStream(Api.CreateStreamRequest req, StreamObserver<Api.CreateStreamResponse> out) {
        unary(out, () -> {
            await(ctx.controller().createStream(req));
            // The new partitions subscribed on this broker's NATS connection; one round trip
            // makes sure the NATS server has those subscriptions before the client, on its own
            // connection, publishes to them.
            flushNats();
            return Api.CreateStreamResponse.getDefaultInstance();
        });
    }

    @Override
    public void deleteStream(Api.DeleteStreamRequest req, StreamObserver<Api.DeleteStreamResponse> out) {
        unary(out, () -> {
            await(ctx.controller().deleteStream(req.getName()));
            return Api.DeleteStreamResponse.getDefaultInstance();
        });
    }

    @Override
    public void pauseStream(Api.PauseStreamRequest req, StreamObserver<Api.PauseStreamResponse> out) {
        unary(out, () -> {
            await(ctx.controller().pauseStream(req.getName(), req.getPartitionsList(), req.getResumeAll()));
            return Api.PauseStreamResponse.getDefaultInstance();
        });
    }

    @Override
    public void setStreamReadonly(Api.SetStreamReadonlyRequest req,
                                  StreamObserver<Api.SetStreamReadonlyResponse> out) {
        unary(out, () -> {
            await(ctx.controller().setStreamReadonly(req.getName(), req.getPartitionsList(), req.getReadonly()));
            return Api.SetStreamReadonlyResponse.getDefaultInstance();
        });
    }

    // ------------------------------------------------------------------ subscribe

    /**
     * What a server binds (not {@link #bindService()}, which the generated base class makes
     * final and whose Subscribe this class does not implement): the generated service, except
     * that Subscribe sends messages encoded straight from the log ({@link EncodedMessages}: the
     * same bytes on the wire, no message object per record).
     */
    public io.grpc.ServerServiceDefinition definition() {
        io.grpc.MethodDescriptor<Api.SubscribeRequest, Api.Message> generated = APIGrpc.getSubscribeMethod();
        io.grpc.ServerServiceDefinition.Builder b = io.grpc.ServerServiceDefinition.builder(APIGrpc.SERVICE_NAME);
        for (io.grpc.ServerMethodDefinition<?, ?> m : super.bindService().getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(generated.getFullMethodName())) {
                b.addMethod(m);
            }
        }
        b.addMethod(generated.toBuilder(generated.getRequestMarshaller(), EncodedMessages.MARSHALLER).build(),
                io.grpc.stub.ServerCalls.asyncServerStreamingCall((Api.SubscribeRequest req, StreamObserver<Object> out) ->
                        subscribe(req, (ServerCallStreamObserver<Object>) out)));
        return b.build();
    }

    private void subscribe(Api.SubscribeRequest req, ServerCallStreamObserver<Object> call) {
        SubscribeSession session = new SubscribeSession(ctx, req, call, fencing); // handlers set here
        offload(() -> { // starting may resume a paused partition (a Raft proposal)
            try {
                session.start(this::resume);
            } catch (RuntimeException e) {
                call.onError(Errors.toException(e));
            }
        });
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public void fetchMetadata(Api.FetchMetadataRequest req, StreamObserver<Api.FetchMetadataResponse> out) {
        answer(out, () -> { // reads of the metadata view: on the transport thread
            MetadataView view = ctx.fsm().view();
            Api.FetchMetadataResponse.Builder r = Api.FetchMetadataResponse.newBuilder();
            r.addBrokers(Api.Broker.newBuilder()
                    .setId(ctx.serverId())
                    .setHost(ctx.advertisedHost())
                    .setPort(ctx.port().getAsInt())
                    .setPartitionCount(view.partitionLoad(ctx.serverId()))
                    .setLeaderCount(view.leaderLoad(ctx.serverId())));
            List<String> names = req.getStreamsCount() == 0
                    ? new ArrayList<>(view.streams().keySet()) : req.getStreamsList();
            for (String name : names) {
                StreamInfo s = view.stream(name);
                if (s == null) {
                    r.addStreamMetadata(Api.StreamMetadata.newBuilder().setName(name)
                            .setError(Api.StreamMetadata.Error.UNKNOWN_STREAM));
                    continue;
                }
                Api.StreamMetadata.Builder sm = Api.StreamMetadata.newBuilder()
                        .setName(s.name())
                        .setSubject(s.subject())
                        .setCreationTimestamp(s.creationTimestampNs());
                for (PartitionInfo p : s.partitions().values()) {
                    sm.putPartitions(p.id(), partitionMetadata(p));
                }
                r.addStreamMetadata(sm);
            }
            for (String id : req.getGroupsList()) {
                GroupInfo g = view.group(id);
                if (g == null) {
                    r.addGroupMetadata(Api.ConsumerGroupMetadata.newBuilder().setGroupId(id)
                            .setError(Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP));
                } else {
                    r.addGroupMetadata(Api.ConsumerGroupMetadata.newBuilder().setGroupId(id)
                            .setCoordinator(g.coordinator()).setEpoch(g.epoch()));
                }
            }
            return r.build();
        });
    }

    @Override
    public void fetchPartitionMetadata(Api.FetchPartitionMetadataRequest req,
                                       StreamObserver<Api.FetchPartitionMetadataResponse> out) {
        answer(out, () -> { // reads of the metadata view and the partition: on the transport thread
            PartitionInfo p = ctx.fsm().view().partition(req.getStream(), req.getPartition());
            if (p == null) {
                throw ApiError.PARTITION_NOT_FOUND.exception();
            }
            Partition local = ctx.partitions().get(p.stream(), p.id());
            if (local == null || !local.isLeading()) {
                throw ApiError.NOT_LEADER_FOR_METADATA.exception();
            }
            return Api.FetchPartitionMetadataResponse.newBuilder().setMetadata(partitionMetadata(p)).build();
        });
    }

    private Api.PartitionMetadata partitionMetadata(PartitionInfo p) {
        Partition local = ctx.partitions().get(p.stream(), p.id());
        return Api.PartitionMetadata.newBuilder()
                .setId(p.id())
                .setLeader(p.leader())
                .addAllReplicas(p.replicas())
                .addAllIsr(p.isr())
                .setHighWatermark(local == null ? -1 : local.highWatermark())
                .setNewestOffset(local == null ? -1 : local.newestOffset())
                .setPaused(p.paused())
                .setReadonly(p.readonly())
                .setMessagesReceivedTimestamps(timestamps(local == null ? EventTimestamps.NEVER
                        : local.messagesReceived()))
                .setPauseTimestamps(timestamps(p.pauseTimestamps()))
                .setReadonlyTimestamps(timestamps(p.readonlyTimestamps()))
                .build();
    }

    private static Api.PartitionEventTimestamps timestamps(EventTimestamps t) {
        return Api.PartitionEventTimestamps.newBuilder().setFirstTimestamp(t.firstNs())
                .setLatestTimestamp(t.latestNs()).build();
    }

    // ------------------------------------------------------------------ publishing

    @Override
    public void publish(Api.PublishRequest req, StreamObserver<Api.PublishResponse> out) {
        ServerCallStreamObserver<Api.PublishResponse> call = (ServerCallStreamObserver<Api.PublishResponse>) out;
        call.setOnCancelHandler(() -> { }); // a late ack for a cancelled call is dropped, not thrown
        PartitionInfo target;
        try {
            target = checkPublish(req);
        } catch (RuntimeException e) {
            out.onError(Errors.toException(e));
            return;
        }
        if (mayWait(target)) {
            offload(() -> publishWaiting(req, call));
            return;
        }
        publishChecked(req, call, target, false);
    }

    /** Whether publishing to {@code p} from here may wait: to resume it, or to reach its leader. */
    boolean mayWait(PartitionInfo p) {
        StreamInfo s = ctx.fsm().view().stream(p.stream());
        if (s == null || !ctx.serverId().equals(p.leader())) {
            return true;
        }
        if (s.resumeAll()) {
            for (PartitionInfo q : s.partitions().values()) {
                if (q.paused()) {
                    return true;
                }
            }
            return false;
        }
        return p.paused();
    }

    /** Publish on a virtual thread: resume first if needed (§3.9 step 7). */
    private void publishWaiting(Api.PublishRequest req, ServerCallStreamObserver<Api.PublishResponse> call) {
        PartitionInfo target;
        try {
            target = checkPublish(req);
            resume(target, ctx.fsm().view().stream(target.stream()).resumeAll());
        } catch (RuntimeException e) {
            call.onError(Errors.toException(e));
            return;
        }
        publishChecked(req, call, target, true);
    }

    /** Publishes a checked request; {@code mayWait} false on a transport thread. */
    private void publishChecked(Api.PublishRequest req, ServerCallStreamObserver<Api.PublishResponse> call,
                                PartitionInfo target, boolean mayWait) {
        StreamObserver<Api.PublishResponse> out = call;
        boolean ownInbox = !req.getAckInbox().isEmpty();
        String localInbox = ownInbox ? req.getAckInbox() : acks.newInbox();
        boolean acked = req.getAckPolicy() != Api.AckPolicy.NONE;
        switch (local.offer(req, target, localInbox, ownInbox, acked ? new UnaryAck(call) : null, mayWait)) {
            case QUEUED -> {
                if (!acked) {
                    out.onNext(Api.PublishResponse.getDefaultInstance());
                    out.onCompleted();
                }
                return; // the UnaryAck answers
            }
            case FULL -> { // the writer is behind: wait for room on a virtual thread
                offload(() -> publishWaiting(req, call));
                return;
            }
            case NOT_HERE -> {
                // through NATS below
            }
        }
        unary(out, () -> { // through NATS: waits for the ack on a virtual thread
            Api.Message env = envelope(req, target.subject(), localInbox);
            if (req.getAckPolicy() == Api.AckPolicy.NONE) {
                publishNats(target.subject(), env);
                return Api.PublishResponse.getDefaultInstance();
            }
            Api.Ack ack = publishAndAwait(target.subject(), env, localInbox);
            throwIfAckError(ack);
            return Api.PublishResponse.newBuilder().setAck(ack).build();
        });
    }

    @Override
    public StreamObserver<Api.PublishRequest> publishAsync(StreamObserver<Api.PublishResponse> out) {
        return new PublishAsyncSession(this, acks, (ServerCallStreamObserver<Api.PublishResponse>) out);
    }

    @Override
    public void publishToSubject(Api.PublishToSubjectRequest req,
                                 StreamObserver<Api.PublishToSubjectResponse> out) {
        unary(out, () -> {
            String inbox = req.getAckInbox().isEmpty() ? acks.newInbox() : req.getAckInbox();
            Api.Message env = Api.Message.newBuilder()
                    .setKey(req.getKey()).setValue(req.getValue()).setSubject(req.getSubject())
                    .putAllHeaders(req.getHeadersMap()).setAckInbox(inbox)
                    .setCorrelationId(req.getCorrelationId()).setAckPolicy(req.getAckPolicy())
                    .build();
            if (req.getAckPolicy() == Api.AckPolicy.NONE) {
                publishNats(req.getSubject(), env);
                return Api.PublishToSubjectResponse.getDefaultInstance();
            }
            Api.Ack ack = publishAndAwait(req.getSubject(), env, inbox);
            throwIfAckError(ack);
            return Api.PublishToSubjectResponse.newBuilder().setAck(ack).build();
        });
    }

    /** Answers a unary Publish from the partition writer's thread with its ack (§3.9 steps 12–13). */
    private static final class UnaryAck implements lb.broker.partition.LocalPublish.AckListener {
        private final ServerCallStreamObserver<Api.PublishResponse> call;

        UnaryAck(ServerCallStreamObserver<Api.PublishResponse> call) {
            this.call = call;
        }

        @Override
        public void onAck(Api.Ack ack) {
            if (call.isCancelled()) {
                return;
            }
            try {
                throwIfAckError(ack);
                call.onNext(Api.PublishResponse.newBuilder().setAck(ack).build());
                call.onCompleted();
            } catch (io.grpc.StatusRuntimeException e) {
                call.onError(e);
            } catch (IllegalStateException e) {
                // cancelled between the check and the answer: nobody is listening
            }
        }

        @Override
        public void onFailure(Status status) {
            if (call.isCancelled()) {
                return;
            }
            try {
                call.onError(status.asRuntimeException());
            } catch (IllegalStateException e) {
                // cancelled meanwhile
            }
        }
    }

    /** Publish's and PublishAsync's checks, in upstream's order (§3.9 steps 1–6). */
    PartitionInfo checkPublish(Api.PublishRequest req) {
        if (req.getStream().isEmpty()) {
            throw ApiError.NO_STREAM.exception();
        }
        MetadataView view = ctx.fsm().view();
        StreamInfo s = view.stream(req.getStream());
        if (s == null) {
            throw ApiError.NO_SUCH_STREAM.exception(req.getStream());
        }
        PartitionInfo p = s.partition(req.getPartition());
        if (p == null) {
            throw ApiError.NO_SUCH_PUBLISH_PARTITION.exception(req.getPartition());
        }
        if (p.readonly()) {
            throw ApiError.READONLY_PARTITION.exception(req.getPartition());
        }
        if (req.getAckPolicy() == Api.AckPolicy.NONE
                && Boolean.TRUE.equals(s.overrides().optimisticConcurrencyControl())) {
            throw ApiError.OCC_NEEDS_ACK.exception();
        }
        return p;
    }

    /**
     * Publish's resume step (§3.9 step 7): with the stream's resumeAll flag every paused
     * partition of the stream, else this one if paused.
     */
    void resume(PartitionInfo p, boolean resumeAll) {
        StreamInfo s = ctx.fsm().view().stream(p.stream());
        if (s == null) {
            return;
        }
        List<Integer> paused = new ArrayList<>();
        for (PartitionInfo q : s.partitions().values()) {
            if (q.paused() && (resumeAll || q.id() == p.id())) {
                paused.add(q.id());
            }
        }
        if (!paused.isEmpty()) {
            await(ctx.controller().resumePartitions(p.stream(), paused));
        }
    }

    static Api.Message envelope(Api.PublishRequest req, String subject, String inbox) {
        return Api.Message.newBuilder()
                .setKey(req.getKey())
                .setValue(req.getValue())
                .setStream(req.getStream())
                .setSubject(subject)
                .putAllHeaders(req.getHeadersMap())
                .setAckInbox(inbox)
                .setCorrelationId(req.getCorrelationId())
                .setAckPolicy(req.getAckPolicy())
                .setOffset(req.getExpectedOffset())
                .build();
    }

    private void flushNats() {
        try {
            ctx.nats().flush(java.time.Duration.ofNanos(remainingNanos()));
        } catch (TimeoutException e) {
            throw ApiError.NATS_PUBLISH_FAILED.exception("NATS did not confirm within the deadline");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    void publishNats(String subject, Api.Message env) {
        try {
            acks.publish(subject, Envelope.encodePublish(env));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiError.NATS_PUBLISH_FAILED.exception(e.getMessage());
        }
    }

    /** Subscribes to the inbox, publishes, and waits for the first ack until the deadline. */
    Api.Ack publishAndAwait(String subject, Api.Message env, String inbox) {
        try (AckRouter.Pending pending = acks.awaitFirst(inbox)) {
            publishNats(subject, env);
            return pending.ack.get(remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw ApiError.ACK_TIMEOUT.exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (java.util.concurrent.ExecutionException e) {
            throw Errors.toException(e);
        }
    }

    /** Publish's ack-error mapping (§3.9 step 12). */
    static void throwIfAckError(Api.Ack ack) {
        switch (ack.getAckError()) {
            case OK -> {
            }
            case INCORRECT_OFFSET -> throw ApiError.INCORRECT_OFFSET.exception();
            case TOO_LARGE -> throw ApiError.TOO_LARGE.exception();
            case ENCRYPTION -> throw ApiError.ENCRYPTION_FAILED.exception();
            default -> throw ApiError.UNKNOWN_ACK_ERROR.exception();
        }
    }

    /** Nanoseconds left of the call's deadline, or the default timeout when it has none. */
    long remainingNanos() {
        Deadline d = Context.current().getDeadline();
        return d == null ? ctx.defaultTimeout().toNanos() : Math.max(0, d.timeRemaining(TimeUnit.NANOSECONDS));
    }

    // ------------------------------------------------------------------ cursors

    @Override
    public void setCursor(Api.SetCursorRequest req, StreamObserver<Api.SetCursorResponse> out) {
        unary(out, () -> {
            cursors.set(req, remainingNanos(), this);
            return Api.SetCursorResponse.getDefaultInstance();
        });
    }

    @Override
    public void fetchCursor(Api.FetchCursorRequest req, StreamObserver<Api.FetchCursorResponse> out) {
        unary(out, () -> Api.FetchCursorResponse.newBuilder().setOffset(cursors.fetch(req, this)).build());
    }

    // ------------------------------------------------------------------ consumer groups

    @Override
    public void joinConsumerGroup(Api.JoinConsumerGroupRequest req,
                                  StreamObserver<Api.JoinConsumerGroupResponse> out) {
        unary(out, () -> {
            requireIds(req.getGroupId(), req.getConsumerId());
            if (req.getStreamsCount() == 0) {
                throw ApiError.NO_STREAMS.exception();
            }
            GroupInfo g = await(ctx.controller().joinConsumerGroup(req.getGroupId(), req.getConsumerId(),
                    req.getStreamsList()));
            return Api.JoinConsumerGroupResponse.newBuilder()
                    .setCoordinator(g.coordinator())
                    .setEpoch(g.epoch())
                    .setConsumerTimeout(groups.consumerTimeout().toNanos())
                    .setCoordinatorTimeout(groups.coordinatorTimeout().toNanos())
                    .build();
        });
    }

    @Override
    public void leaveConsumerGroup(Api.LeaveConsumerGroupRequest req,
                                   StreamObserver<Api.LeaveConsumerGroupResponse> out) {
        unary(out, () -> {
            requireIds(req.getGroupId(), req.getConsumerId());
            await(ctx.controller().leaveConsumerGroup(req.getGroupId(), req.getConsumerId(), false));
            return Api.LeaveConsumerGroupResponse.getDefaultInstance();
        });
    }

    @Override
    public void fetchConsumerGroupAssignments(Api.FetchConsumerGroupAssignmentsRequest req,
                                              StreamObserver<Api.FetchConsumerGroupAssignmentsResponse> out) {
        unary(out, () -> {
            requireIds(req.getGroupId(), req.getConsumerId());
            GroupInfo g = ctx.fsm().view().group(req.getGroupId());
            if (g == null) {
                throw Errors.toException(lb.broker.metadata.MetadataException.of(
                        lb.broker.metadata.MetadataError.GROUP_NOT_EXIST));
            }
            if (!g.coordinator().equals(ctx.serverId())) {
                throw ApiError.NOT_COORDINATOR.exception();
            }
            if (g.epoch() != req.getEpoch()) {
                throw ApiError.GROUP_EPOCH_MISMATCH.exception();
            }
            GroupInfo.Member m = g.member(req.getConsumerId());
            if (m == null) {
                throw Errors.toException(lb.broker.metadata.MetadataException.of(
                        lb.broker.metadata.MetadataError.GROUP_NOT_MEMBER));
            }
            groups.heartbeat(g.id(), m.consumerId());
            Api.FetchConsumerGroupAssignmentsResponse.Builder r =
                    Api.FetchConsumerGroupAssignmentsResponse.newBuilder().setEpoch(g.epoch());
            m.assignments().forEach((stream, partitions) -> r.addAssignments(
                    Api.PartitionAssignment.newBuilder().setStream(stream).addAllPartitions(partitions)));
            return r.build();
        });
    }

    @Override
    public void reportConsumerGroupCoordinator(Api.ReportConsumerGroupCoordinatorRequest req,
                                               StreamObserver<Api.ReportConsumerGroupCoordinatorResponse> out) {
        unary(out, () -> {
            requireIds(req.getGroupId(), req.getConsumerId());
            if (req.getCoordinator().isEmpty()) {
                throw ApiError.NO_COORDINATOR.exception();
            }
            await(ctx.controller().reportGroupCoordinator(req.getGroupId(), req.getConsumerId(),
                    req.getCoordinator(), req.getEpoch()));
            return Api.ReportConsumerGroupCoordinatorResponse.getDefaultInstance();
        });
    }

    private static void requireIds(String groupId, String consumerId) {
        if (groupId.isEmpty()) {
            throw ApiError.NO_GROUP_ID.exception();
        }
        if (consumerId.isEmpty()) {
            throw ApiError.NO_CONSUMER_ID.exception();
        }
    }

    BrokerContext context() {
        return ctx;
    }

    AckRouter acks() {
        return acks;
    }

    LocalPublisher local() {
        return local;
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    interface Handler<T> {
        T handle() throws Exception;
    }

    /** Runs a call that may wait (a Raft proposal, an ack over NATS) on a virtual thread. */
    private <T> void unary(StreamObserver<T> out, Handler<T> h) {
        offload(() -> answer(out, h));
    }

    /** Runs {@code task} on a virtual thread, in the call's gRPC context (deadline, cancellation). */
    void offload(Runnable task) {
        blocking.execute(Context.current().wrap(task));
    }

    /** Answers a call with what {@code h} returns, or with the status of what it throws. */
    private static <T> void answer(StreamObserver<T> out, Handler<T> h) {
        T result;
        try {
            result = h.handle();
        } catch (Exception e) {
            out.onError(Errors.toException(e));
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    /** Waits for a metadata proposal; its failure carries the status to answer with. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (Exception e) {
            throw Errors.toException(e);
        }
    }

    @Override
    public void close() {
        acks.close();
    }
}
