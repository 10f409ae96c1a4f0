package lb.client;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * A Liftbridge client: stream administration, publishing (one at a time or pipelined),
 * subscriptions with flow control, metadata and cursors, against one or more seed brokers.
 *
 * <p>Routing: calls that any broker answers go to the first reachable broker; calls that need a
 * partition's leader (subscribe, partition metadata, cursors) go to the leader named by the
 * cached metadata and are retried, after refreshing it, when a broker answers FailedPrecondition
 * or is unavailable (up to {@value #LEADER_ATTEMPTS} attempts). Every call has a deadline.
 *
 * <p>Thread-safe: share one client per process. {@link #close()} releases its connections.
 */
public final class LiftbridgeClient implements AutoCloseable {

    /** Default deadline of every call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Attempts of a leader-bound call before giving up (the Go client's figure). */
    static final int LEADER_ATTEMPTS = 5;
    private static final String CURSORS_STREAM = "__cursors";
    /**
     * HTTP/2 receive window of each connection and stream (gRPC's default is 64 KiB): a catch-up
     * read then streams without waiting for a WINDOW_UPDATE every few dozen messages, and the
     * client sends far fewer of them.
     */
    static final int FLOW_CONTROL_WINDOW = 1 << 20;
    /**
     * Subscribe, answered with {@link MessageView}s: the transport thread only checks each
     * message's bytes and keeps them, instead of decoding every field (the headers map and the
     * strings were most of a catch-up read's client CPU); readers decode what they use.
     */
    private static final io.grpc.MethodDescriptor<Api.SubscribeRequest, MessageView> SUBSCRIBE_VIEWS =
            APIGrpc.getSubscribeMethod().toBuilder(APIGrpc.getSubscribeMethod().getRequestMarshaller(),
                    MessageView.MARSHALLER).build();

    private final List<String> seeds;
    private final Duration timeout;
    private final Duration ackTimeout;
    private final int maxInFlight;
    private final javax.net.ssl.SSLContext tls;
    private final List<io.grpc.ClientInterceptor> interceptors;
    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Object asyncLock = new Object();
    private volatile ClusterMetadata metadata;
    private volatile AsyncPublisher asyncPublisher; // replaced under asyncLock
    private volatile boolean closed;

    private LiftbridgeClient(Builder b) {
        this.seeds = List.copyOf(b.seeds);
        this.timeout = b.timeout;
        this.ackTimeout = b.ackTimeout;
        this.maxInFlight = b.maxInFlight;
        this.tls = b.tls;
        this.interceptors = List.copyOf(b.interceptors);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A client for {@code host:port} seeds with default settings. */
    public static LiftbridgeClient connect(String... seeds) {
        return builder().seeds(seeds).build();
    }

    // ------------------------------------------------------------------ administration

    /** Creates a stream on {@code subject}. */
    public void createStream(String subject, String name, StreamOptions options) {
        Api.CreateStreamRequest req = options.toRequest(subject, name);
        callAny(stub -> stub.createStream(req));
    }

    public void deleteStream(String name) {
        callAny(stub -> stub.deleteStream(Api.DeleteStreamRequest.newBuilder().setName(name).build()));
    }

    /** Pauses the listed partitions (all when none are listed). */
    public void pauseStream(String name, boolean resumeAll, int... partitions) {
        Api.PauseStreamRequest.Builder r = Api.PauseStreamRequest.newBuilder().setName(name)
                .setResumeAll(resumeAll);
        for (int p : partitions) {
            r.addPartitions(p);
        }
        callAny(stub -> stub.pauseStream(r.build()));
    }

    /** Sets or clears the read-only flag of the listed partitions (all when none are listed). */
    public void setStreamReadonly(String name, boolean readonly, int... partitions) {
        Api.SetStreamReadonlyRequest.Builder r = Api.SetStreamReadonlyRequest.newBuilder()
                .setName(name).setReadonly(readonly);
        for (int p : partitions) {
            r.addPartitions(p);
        }
        callAny(stub -> stub.setStreamReadonly(r.build()));
    }

    // ------------------------------------------------------------------ metadata

    /** Fetches the cluster's metadata (all streams) and caches it for routing. */
    public ClusterMetadata fetchMetadata() {
        Api.FetchMetadataResponse r = callAny(stub ->
                stub.fetchMetadata(Api.FetchMetadataRequest.getDefaultInstance()));
        ClusterMetadata m = new ClusterMetadata(r, Instant.now());
        metadata = m;
        return m;
    }

    /** Fetches metadata for the named streams and consumer groups only (not cached). */
    public Api.FetchMetadataResponse fetchMetadata(List<String> streams, List<String> groups) {
        Api.FetchMetadataRequest req = Api.FetchMetadataRequest.newBuilder()
                .addAllStreams(streams).addAllGroups(groups).build();
        return callAny(stub -> stub.fetchMetadata(req));
    }

    /** The cached metadata, fetching it first if there is none. */
    public ClusterMetadata metadata() {
        ClusterMetadata m = metadata;
        return m != null ? m : fetchMetadata();
    }

    /** The leader's view of one partition (high watermark, newest offset, flags). */
    public Api.PartitionMetadata fetchPartitionMetadata(String stream, int partition) {
        Api.FetchPartitionMetadataRequest req = Api.FetchPartitionMetadataRequest.newBuilder()
                .setStream(stream).setPartition(partition).build();
        return callLeader(stream, partition, stub -> stub.fetchPartitionMetadata(req)).getMetadata();
    }

    // ------------------------------------------------------------------ publishing

    /**
     * Publishes one message and waits for its ack. Returns null when the ack policy is NONE.
     *
     * <p>With an ack policy and no ack inbox of the caller's, the message goes over the client's
     * PublishAsync stream and this call waits for its ack, as go-liftbridge v2's Publish does:
     * one frame each way instead of a new HTTP/2 call per message (about four times the rate of
     * the unary RPC on a small machine). If that stream's broker cannot be reached, and with
     * AckPolicy NONE (whose refusals only the unary RPC reports) or an ack inbox (which
     * PublishAsync ignores), the unary Publish RPC is used, trying every known broker.
     */
    public Api.Ack publish(String stream, byte[] value, MessageOptions options) {
        if (options.ackPolicy != Api.AckPolicy.NONE && options.ackInbox.isEmpty() && !noPublishStream) {
            CompletableFuture<Api.Ack> ack = publishAsync(stream, value, options);
            try {
                // The stream's own sweeper fails the publish after the ack timeout; this bound
                // only guards against a sweeper that never ran.
                return ack.get(2 * ackTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                LiftbridgeException le = LiftbridgeException.from(e.getCause());
                if (le.code() == io.grpc.Status.Code.UNIMPLEMENTED) {
                    noPublishStream = true; // a broker older than Liftbridge 1.3: unary from now on
                } else if (le.kind() != LiftbridgeException.Kind.UNAVAILABLE) {
                    throw le;
                }
                // the stream's broker is unreachable: the unary call below tries every broker
            } catch (java.util.concurrent.TimeoutException e) {
                throw new LiftbridgeException(LiftbridgeException.Kind.ACK_TIMEOUT, null,
                        "no ack within " + ackTimeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LiftbridgeException(LiftbridgeException.Kind.CANCELLED, null,
                        "interrupted while waiting for an ack", e);
            }
        }
        Api.PublishRequest req = options.toRequest(stream, partitionFor(stream, value, options),
                ByteString.copyFrom(value)).build();
        Api.PublishResponse r = callAny(ackTimeout, stub -> stub.publish(req));
        return r.hasAck() ? r.getAck() : null;
    }

    /**
     * Publishes one message without waiting: the returned future completes with the ack (null for
     * ack policy NONE), or exceptionally with a {@link LiftbridgeException}. At most
     * {@code maxInFlight} publishes are outstanding; beyond that this call blocks until one ends.
     */
    public CompletableFuture<Api.Ack> publishAsync(String stream, byte[] value, MessageOptions options) {
        int partition = partitionFor(stream, value, options);
        return asyncPublisher().publish(stream, partition, ByteString.copyFrom(value), options);
    }

    /**
     * Publishes one message without waiting, the cheap way for callers that publish many:
     * {@code handler} receives the outcome exactly once (see {@link AckHandler} for its threads),
     * and neither a future nor a copy of the value is made. {@code value} is sent as it is; a
     * caller that wraps its own array with {@code UnsafeByteOperations.unsafeWrap} hands the array
     * over and must not change it until the handler ran. Blocks, like
     * {@link #publishAsync(String, byte[], MessageOptions)}, while {@code maxInFlight} publishes
     * are outstanding. Errors of the call itself (no such stream, client closed) are thrown, not
     * handed to {@code handler}.
     */
    public void publishAsync(String stream, ByteString value, MessageOptions options, AckHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        int partition = options.partition != null ? options.partition
                : partitionFor(stream, options.partitioner == null ? null : value.toByteArray(), options);
        asyncPublisher().publish(stream, partition, value, options, handler);
    }

    /** Publishes to a NATS subject (every stream on it stores the message) and waits for an ack. */
    public Api.Ack publishToSubject(String subject, byte[] value, MessageOptions options) {
        Api.PublishToSubjectRequest.Builder r = Api.PublishToSubjectRequest.newBuilder()
                .setSubject(subject)
                .setValue(com.google.protobuf.ByteString.copyFrom(value))
                .setAckPolicy(options.ackPolicy)
                .setAckInbox(options.ackInbox);
        if (options.key != null) {
            r.setKey(com.google.protobuf.ByteString.copyFrom(options.key));
        }
        options.headers.forEach((k, v) -> r.putHeaders(k, com.google.protobuf.ByteString.copyFrom(v)));
        if (options.correlationId != null) {
            r.setCorrelationId(options.correlationId);
        }
        Api.PublishToSubjectResponse resp = callAny(ackTimeout, stub -> stub.publishToSubject(r.build()));
        return resp.hasAck() ? resp.getAck() : null;
    }

    int partitionFor(String stream, byte[] value, MessageOptions o) {
        if (o.partition != null) {
            return o.partition;
        }
        if (o.partitioner == null) {
            return 0;
        }
        int count = metadata().partitionCount(stream);
        if (count == 0) {
            count = fetchMetadata().partitionCount(stream);
        }
        if (count == 0) {
            throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_STREAM,
                    "no such stream: " + stream);
        }
        return o.partitioner.partition(stream, o.key, value, count);
    }

    // ------------------------------------------------------------------ subscribing

    /**
     * Subscribes to one partition of {@code stream}; returns once the broker accepted the
     * subscription. Read it with {@link Subscription#poll} and close it when done.
     */
    public Subscription subscribe(String stream, SubscriptionOptions options) {
        Api.SubscribeRequest req = options.toRequest(stream);
        LiftbridgeException last = null;
        for (int attempt = 1; attempt <= LEADER_ATTEMPTS; attempt++) {
            ManagedChannel ch = channel(leaderAddress(stream, options.partition(), attempt > 1));
            // Direct executor: the listener only hands messages to the subscription's buffer
            // (never blocking), so it runs on the transport thread without a hop per batch.
            ClientCall<Api.SubscribeRequest, MessageView> call =
                    ch.newCall(SUBSCRIBE_VIEWS, CallOptions.DEFAULT.withExecutor(DirectExecutor.INSTANCE));
            Subscription s = new Subscription(call, options.window());
            try {
                s.start(req, timeout);
                return s;
            } catch (LiftbridgeException e) {
                if (!e.retriable()) {
                    throw e;
                }
                last = e;
                backOff(attempt);
            }
        }
        throw last;
    }

    // ------------------------------------------------------------------ cursors

    /** Stores {@code offset} as the position of cursor {@code cursorId} on a partition. */
    public void setCursor(String cursorId, String stream, int partition, long offset) {
        Api.SetCursorRequest req = Api.SetCursorRequest.newBuilder().setCursorId(cursorId)
                .setStream(stream).setPartition(partition).setOffset(offset).build();
        callLeader(CURSORS_STREAM, cursorPartition(cursorId, stream, partition), stub -> stub.setCursor(req));
    }

    /** The stored position of a cursor, or -1 when it has none. */
    public long fetchCursor(String cursorId, String stream, int partition) {
        Api.FetchCursorRequest req = Api.FetchCursorRequest.newBuilder().setCursorId(cursorId)
                .setStream(stream).setPartition(partition).build();
        return callLeader(CURSORS_STREAM, cursorPartition(cursorId, stream, partition),
                stub -> stub.fetchCursor(req)).getOffset();
    }

    /**
     * The {@code __cursors} partition owning a cursor: CRC-32 (IEEE) of
     * {@code "<cursorId>,<stream>,<partition>"}, unsigned, modulo its partition count
     * (wire-contract §3.12).
     */
    int cursorPartition(String cursorId, String stream, int partition) {
        int count = metadata().partitionCount(CURSORS_STREAM);
        if (count == 0) {
            count = fetchMetadata().partitionCount(CURSORS_STREAM);
        }
        if (count == 0) {
            throw new LiftbridgeException(LiftbridgeException.Kind.INTERNAL,
                    "the broker has no __cursors stream (cursors are disabled)");
        }
        return cursorPartition(cursorId, stream, partition, count);
    }

    static int cursorPartition(String cursorId, String stream, int partition, int partitions) {
        CRC32 crc = new CRC32();
        crc.update((cursorId + "," + stream + "," + partition).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    // ------------------------------------------------------------------ consumer groups

    /**
     * Joins (creating if absent) consumer group {@code groupId} as {@code consumerId}, consuming
     * {@code streams}; the answer names the coordinator, the group epoch and the timeouts (ns).
     * Most programs use {@link Consumer} instead.
     */
    public Api.JoinConsumerGroupResponse joinConsumerGroup(String groupId, String consumerId, List<String> streams) {
        Api.JoinConsumerGroupRequest req = Api.JoinConsumerGroupRequest.newBuilder().setGroupId(groupId)
                .setConsumerId(consumerId).addAllStreams(streams).build();
        return callAny(stub -> stub.joinConsumerGroup(req));
    }

    /** Leaves a consumer group; the group is deleted with its last member. */
    public void leaveConsumerGroup(String groupId, String consumerId) {
        Api.LeaveConsumerGroupRequest req = Api.LeaveConsumerGroupRequest.newBuilder().setGroupId(groupId)
                .setConsumerId(consumerId).build();
        callAny(stub -> stub.leaveConsumerGroup(req));
    }

    /**
     * Asks coordinator {@code coordinatorId} for the member's partitions at {@code epoch} (also the
     * member's heartbeat). No retry: the caller decides what a failure means (wire-contract §3.15).
     */
    public Api.FetchConsumerGroupAssignmentsResponse fetchConsumerGroupAssignments(String coordinatorId,
                                                                                   String groupId,
                                                                                   String consumerId, long epoch) {
        checkOpen();
        Api.FetchConsumerGroupAssignmentsRequest req = Api.FetchConsumerGroupAssignmentsRequest.newBuilder()
                .setGroupId(groupId).setConsumerId(consumerId).setEpoch(epoch).build();
        String address = brokerAddress(coordinatorId);
        try {
            return APIGrpc.newBlockingStub(channel(address)).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .fetchConsumerGroupAssignments(req);
        } catch (StatusRuntimeException e) {
            throw LiftbridgeException.from(e);
        }
    }

    /** Reports that {@code coordinatorId} at {@code epoch} has not answered this member (§3.16). */
    public void reportConsumerGroupCoordinator(String groupId, String consumerId, String coordinatorId, long epoch) {
        Api.ReportConsumerGroupCoordinatorRequest req = Api.ReportConsumerGroupCoordinatorRequest.newBuilder()
                .setGroupId(groupId).setConsumerId(consumerId).setCoordinator(coordinatorId).setEpoch(epoch).build();
        callAny(stub -> stub.reportConsumerGroupCoordinator(req));
    }

    /** The address of broker {@code id}, refreshing the metadata once when it is unknown. */
    private String brokerAddress(String id) {
        ClusterMetadata m = metadata();
        if (!m.brokers().containsKey(id)) {
            m = fetchMetadata();
        }
        if (!m.brokers().containsKey(id)) {
            throw new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE, "broker " + id + " is not known");
        }
        return m.address(id);
    }

    // ------------------------------------------------------------------ plumbing

    private <T> T callAny(Function<APIGrpc.APIBlockingStub, T> fn) {
        return callAny(timeout, fn);
    }

    /** Tries each known broker in turn until one answers with anything but Unavailable. */
    private <T> T callAny(Duration deadline, Function<APIGrpc.APIBlockingStub, T> fn) {
        checkOpen();
        StatusRuntimeException last = null;
        for (String address : candidates()) {
            try {
                return fn.apply(APIGrpc.newBlockingStub(channel(address))
                        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE) {
                    throw LiftbridgeException.from(e);
                }
                last = e;
            }
        }
        throw new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE,
                io.grpc.Status.Code.UNAVAILABLE, "no broker reachable at " + String.join(", ", candidates())
                        + (last == null ? "" : ": " + LiftbridgeException.describe(last.getStatus())), last);
    }

    /** Calls the partition's leader, refreshing metadata and retrying when it moved or is down. */
    private <T> T callLeader(String stream, int partition, Function<APIGrpc.APIBlockingStub, T> fn) {
        checkOpen();
        StatusRuntimeException last = null;
        for (int attempt = 1; attempt <= LEADER_ATTEMPTS; attempt++) {
            String address = leaderAddress(stream, partition, attempt > 1);
            try {
                return fn.apply(APIGrpc.newBlockingStub(channel(address))
                        .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                if (!LiftbridgeException.retriable(e)) {
                    throw LiftbridgeException.from(e);
                }
                last = e;
                backOff(attempt);
            }
        }
        throw LiftbridgeException.from(last);
    }

    private String leaderAddress(String stream, int partition, boolean refresh) {
        ClusterMetadata m = refresh ? fetchMetadata() : metadata();
        if (m.stream(stream) == null && !refresh) {
            m = fetchMetadata();
        }
        if (m.stream(stream) == null) {
            throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_STREAM,
                    "no such stream: " + stream);
        }
        if (m.partition(stream, partition) == null) {
            throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_PARTITION,
                    "no such partition: " + partition + " (stream \"" + stream + "\" has "
                            + m.partitionCount(stream) + ")");
        }
        String address = m.leaderAddress(stream, partition);
        if (address == null) {
            throw new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE,
                    "partition " + partition + " of stream \"" + stream + "\" has no leader");
        }
        return address;
    }

    /** Seeds first, then the brokers the metadata knows, without duplicates. */
    private List<String> candidates() {
        Set<String> all = new LinkedHashSet<>(seeds);
        ClusterMetadata m = metadata;
        if (m != null) {
            for (String id : m.brokers().keySet()) {
                all.add(m.address(id));
            }
        }
        return new ArrayList<>(all);
    }

    ManagedChannel channel(String address) {
        checkOpen();
        return channels.computeIfAbsent(address, a -> {
            int colon = a.lastIndexOf(':');
            String host = a.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(a.substring(colon + 1));
            OkHttpChannelBuilder cb = OkHttpChannelBuilder.forAddress(host, port)
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .flowControlWindow(FLOW_CONTROL_WINDOW);
            if (tls == null) {
                cb.usePlaintext();
            } else {
                cb.useTransportSecurity().sslSocketFactory(tls.getSocketFactory());
            }
            if (!interceptors.isEmpty()) {
                cb.intercept(interceptors);
            }
            return cb.build();
        });
    }

    /** Set when the broker has no PublishAsync (before Liftbridge 1.3): publish() stays unary. */
    private volatile boolean noPublishStream;

    private AsyncPublisher asyncPublisher() {
        AsyncPublisher p = asyncPublisher; // fast path: no lock per publish
        if (p != null && !p.isBroken() && !closed) {
            return p;
        }
        synchronized (asyncLock) {
            checkOpen();
            if (asyncPublisher == null || asyncPublisher.isBroken()) {
                asyncPublisher = new AsyncPublisher(channel(candidates().get(0)), ackTimeout, maxInFlight);
            }
            return asyncPublisher;
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(10 + 50L * attempt); // the Go client's schedule
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiftbridgeException(LiftbridgeException.Kind.CANCELLED, null, "interrupted", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new LiftbridgeException(LiftbridgeException.Kind.CANCELLED, "client is closed");
        }
    }

    /** Fails outstanding async publishes, then closes every connection. */
    @Override
    public void close() {
        closed = true;
        synchronized (asyncLock) {
            if (asyncPublisher != null) {
                asyncPublisher.close();
            }
        }
        for (ManagedChannel ch : channels.values()) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels.values()) {
            try {
                ch.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.clear();
    }

    /** Settings of a client. */
    public static final class Builder {
        private final List<String> seeds = new ArrayList<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration ackTimeout = DEFAULT_TIMEOUT;
        private int maxInFlight = 1024;
        private javax.net.ssl.SSLContext tls;
        private final List<io.grpc.ClientInterceptor> interceptors = new ArrayList<>();

        /** Broker addresses ({@code host:port}); at least one. */
        public Builder seeds(String... addresses) {
            for (String a : addresses) {
                String s = a.trim();
                if (s.isEmpty()) {
                    continue;
                }
                int colon = s.lastIndexOf(':');
                if (colon <= 0 || colon == s.length() - 1) {
                    throw new IllegalArgumentException("broker address '" + a + "' must be HOST:PORT");
                }
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("broker address '" + a + "' has no valid port (1-65535)", e);
                }
                seeds.add(s);
            }
            return this;
        }

        /** Deadline of every call (default 5 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long a publish waits for its ack (default 5 s). */
        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        /** Outstanding async publishes before {@code publishAsync} blocks (default 1024). */
        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, got " + n);
            }
            this.maxInFlight = n;
            return this;
        }

        /**
         * Connects over TLS, trusting the PEM certificates in {@code caFile} (null: the JDK's
         * trust store), presenting {@code certFile}/{@code keyFile} when the broker asks for a
         * client certificate (both null: none).
         */
        public Builder tls(java.nio.file.Path caFile, java.nio.file.Path certFile, java.nio.file.Path keyFile)
                throws java.io.IOException {
            this.tls = lb.client.tls.Pem.sslContext(caFile, certFile, keyFile);
            return this;
        }

        /**
         * Adds an interceptor to every call of the client (e.g. to log or time calls). Several run
         * as ManagedChannelBuilder.intercept runs them (the last added sees a call first), on
         * gRPC's threads: they must be thread-safe and must not block. The PublishAsync stream's
         * messages are not the generated classes but the client's own serialised forms (whose
         * {@code toString()} prints what the generated request and response would print).
         */
        public Builder interceptor(io.grpc.ClientInterceptor interceptor) {
            this.interceptors.add(java.util.Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        public LiftbridgeClient build() {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("at least one broker address (HOST:PORT) is needed");
            }
            return new LiftbridgeClient(this);
        }
    }
}
