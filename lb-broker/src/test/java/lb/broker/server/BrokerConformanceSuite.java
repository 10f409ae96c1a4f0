package lb.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lb.broker.config.BrokerConfig;
import lb.client.LiftbridgeClient;
import lb.client.MessageOptions;
import lb.client.StreamOptions;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import lb.client.envelope.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's conformance suite (wire-contract §3): every RPC and status code this broker
 * serves, over real gRPC sockets, with real NATS. Subclasses choose the NATS server: the
 * embedded one, and Debian's nats-server.
 */
abstract class BrokerConformanceSuite {

    @TempDir
    Path dir;
    BrokerServer broker;
    ManagedChannel channel;
    APIGrpc.APIBlockingStub api;
    LiftbridgeClient client;

    /** YAML selecting the NATS server for this run. */
    abstract String natsYaml() throws Exception;

    BrokerConfig config() throws Exception {
        return TestBroker.config(dir.resolve("data"), natsYaml(), "cursors.stream.partitions: 2\n"
                + "clustering.replication.max.bytes: 65536\nactivity.stream.enabled: true\n");
    }

    @BeforeEach
    void start() throws Exception {
        broker = BrokerServer.start(config());
        connect();
    }

    void connect() {
        channel = OkHttpChannelBuilder.forAddress("127.0.0.1", broker.port()).usePlaintext().build();
        api = APIGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        client = LiftbridgeClient.connect("127.0.0.1:" + broker.port());
    }

    void disconnect() throws InterruptedException {
        client.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        disconnect();
        broker.close();
        afterBroker();
    }

    /** Runs after the broker has stopped (e.g. to stop the NATS server it used). */
    void afterBroker() throws Exception {
    }

    static void assertStatus(Status.Code code, String message, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "status of: " + e.getStatus());
        assertEquals(message, e.getStatus().getDescription());
    }

    Api.CreateStreamRequest.Builder stream(String name) {
        return Api.CreateStreamRequest.newBuilder().setName(name).setSubject(name);
    }

    Api.PublishRequest.Builder publish(String stream, String value) {
        return Api.PublishRequest.newBuilder().setStream(stream).setValue(ByteString.copyFromUtf8(value))
                .setExpectedOffset(-1);
    }

    List<Api.Message> subscribe(Api.SubscribeRequest req, int count) {
        List<Api.Message> out = new ArrayList<>();
        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .subscribe(req);
        assertEquals(Api.Message.getDefaultInstance(), it.next(), "the handshake is an empty message");
        while (out.size() < count) {
            out.add(it.next());
        }
        return out;
    }

    // ------------------------------------------------------------------ CreateStream §3.2

    @Test
    void createStreamValidatesInUpstreamsOrder() {
        api.createStream(stream("orders").setPartitions(3).build());
        assertStatus(Status.Code.INVALID_ARGUMENT, "Name cannot be empty",
                () -> api.createStream(stream("").setSubject("x").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Subject is invalid",
                () -> api.createStream(stream("a").setSubject("a..b").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Subject is invalid",
                () -> api.createStream(stream("a").setSubject("has space").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved",
                () -> api.createStream(stream("__cursors").build()));
        assertStatus(Status.Code.ALREADY_EXISTS, "stream already exists",
                () -> api.createStream(stream("orders").setSubject("other").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Invalid replicationFactor 2, cluster size 1",
                () -> api.createStream(stream("rf").setReplicationFactor(2).build()));
        StatusRuntimeException neg = assertThrows(StatusRuntimeException.class,
                () -> api.createStream(stream("neg").setPartitions(-3).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, neg.getStatus().getCode(), "no crash on negative partitions");
        StatusRuntimeException enc = assertThrows(StatusRuntimeException.class, () -> api.createStream(
                stream("enc").setEncryption(Api.NullableBool.newBuilder().setValue(true)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, enc.getStatus().getCode());
        for (Api.CreateStreamRequest.Builder absurd : List.of(
                stream("a1").setRetentionMaxBytes(Api.NullableInt64.newBuilder().setValue(-5)),
                stream("a2").setSegmentMaxBytes(Api.NullableInt64.newBuilder().setValue(-1)),
                stream("a3").setRetentionMaxAge(Api.NullableInt64.newBuilder().setValue(-1000)),
                stream("a4").setMinIsr(Api.NullableInt32.newBuilder().setValue(-2)))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> api.createStream(absurd.build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), absurd.getName());
            assertTrue(e.getStatus().getDescription().startsWith("Invalid stream configuration: "),
                    e.getStatus().getDescription());
        }
        api.createStream(stream("all").setReplicationFactor(-1).build()); // -1 = cluster size
        Api.FetchMetadataResponse m = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder()
                .addStreams("orders").build());
        assertEquals(3, m.getStreamMetadata(0).getPartitionsCount());
        assertEquals("orders.2", "orders." + m.getStreamMetadata(0).getPartitionsMap().get(2).getId());
    }

    // ------------------------------------------------------------------ Delete / Pause / Readonly

    @Test
    void deletePauseAndReadonlyAnswerWithUpstreamsStatuses() {
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist",
                () -> api.deleteStream(Api.DeleteStreamRequest.newBuilder().setName("nope").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved",
                () -> api.deleteStream(Api.DeleteStreamRequest.newBuilder().setName("__cursors").build()));
        assertStatus(Status.Code.NOT_FOUND, "stream not found",
                () -> api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("nope").build()));
        api.createStream(stream("p").setPartitions(2).build());
        assertStatus(Status.Code.NOT_FOUND, "partition does not exist",
                () -> api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("p").addPartitions(7).build()));
        assertStatus(Status.Code.NOT_FOUND, "stream not found", () -> api.setStreamReadonly(
                Api.SetStreamReadonlyRequest.newBuilder().setName("nope").setReadonly(true).build()));
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("p").addPartitions(1).build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("p").addPartitions(1).build()); // idempotent
        Api.PartitionMetadata p1 = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder().addStreams("p").build())
                .getStreamMetadata(0).getPartitionsMap().get(1);
        assertTrue(p1.getPaused());
        assertTrue(p1.getPauseTimestamps().getFirstTimestamp() > 0);
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("__cursors").build()); // reserved: allowed
        api.deleteStream(Api.DeleteStreamRequest.newBuilder().setName("p").build());
        assertEquals(Api.StreamMetadata.Error.UNKNOWN_STREAM, api.fetchMetadata(Api.FetchMetadataRequest
                .newBuilder().addStreams("p").build()).getStreamMetadata(0).getError());
    }

    // ------------------------------------------------------------------ Publish §3.9

    @Test
    void publishValidatesAndReturnsTheAck() {
        api.createStream(stream("pub").setPartitions(2).build());
        Api.PublishResponse r = api.publish(publish("pub", "hello").setPartition(1).setCorrelationId("c1")
                .setAckPolicy(Api.AckPolicy.ALL).build());
        assertEquals(0, r.getAck().getOffset());
        assertEquals("pub", r.getAck().getStream());
        assertEquals("pub", r.getAck().getPartitionSubject(), "the base subject, as upstream");
        assertEquals("pub.1", r.getAck().getMsgSubject());
        assertEquals("c1", r.getAck().getCorrelationId());
        assertFalse(r.hasAsyncError());
        assertEquals(1, api.publish(publish("pub", "again").setPartition(1).build()).getAck().getOffset());
        assertFalse(api.publish(publish("pub", "none").setAckPolicy(Api.AckPolicy.NONE).build()).hasAck());

        assertStatus(Status.Code.INVALID_ARGUMENT, "no stream provided", () -> api.publish(publish("", "x").build()));
        assertStatus(Status.Code.NOT_FOUND, "no such stream: nope", () -> api.publish(publish("nope", "x").build()));
        assertStatus(Status.Code.NOT_FOUND, "no such partition: 5",
                () -> api.publish(publish("pub", "x").setPartition(5).build()));
        assertStatus(Status.Code.NOT_FOUND, "no such partition: -1",
                () -> api.publish(publish("pub", "x").setPartition(-1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "message exceeds max replication size",
                () -> api.publish(publish("pub", "x".repeat(70_000)).build()));
        api.setStreamReadonly(Api.SetStreamReadonlyRequest.newBuilder().setName("pub").addPartitions(0)
                .setReadonly(true).build());
        assertStatus(Status.Code.FAILED_PRECONDITION, "readonly partition: 0",
                () -> api.publish(publish("pub", "x").build()));
    }

    @Test
    void optimisticConcurrencyOnPublish() {
        api.createStream(stream("occ").setOptimisticConcurrencyControl(
                Api.NullableBool.newBuilder().setValue(true)).build());
        assertStatus(Status.Code.INVALID_ARGUMENT, "stream with concurrency control must have AckPolicy set",
                () -> api.publish(publish("occ", "x").setAckPolicy(Api.AckPolicy.NONE).build()));
        assertEquals(0, api.publish(publish("occ", "a").setExpectedOffset(0).build()).getAck().getOffset());
        assertStatus(Status.Code.UNKNOWN, "incorrect expected offset",
                () -> api.publish(publish("occ", "b").setExpectedOffset(0).build()));
        assertEquals(1, api.publish(publish("occ", "b").setExpectedOffset(1).build()).getAck().getOffset());
    }

    @Test
    void publishResumesAPausedPartitionAndHonoursResumeAll() {
        api.createStream(stream("r").setPartitions(3).build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("r").setResumeAll(true).build());
        api.publish(publish("r", "wake").setPartition(0).build());
        Map<Integer, Api.PartitionMetadata> parts = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder()
                .addStreams("r").build()).getStreamMetadata(0).getPartitionsMap();
        parts.values().forEach(p -> assertFalse(p.getPaused(), "resumeAll resumes every partition"));
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("r").setResumeAll(false).build());
        api.publish(publish("r", "wake").setPartition(1).build());
        parts = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder().addStreams("r").build())
                .getStreamMetadata(0).getPartitionsMap();
        assertTrue(parts.get(0).getPaused());
        assertFalse(parts.get(1).getPaused());
    }

    // ------------------------------------------------------------------ PublishAsync §3.10

    @Test
    void publishAsyncPipelinesAndAnswersErrorsWithAnEmptyAck() throws Exception {
        api.createStream(stream("async").build());
        int n = 2_000;
        Map<String, Api.PublishResponse> responses = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(n + 2);
        StreamObserver<Api.PublishRequest> requests = APIGrpc.newStub(channel).publishAsync(
                new StreamObserver<>() {
                    @Override
                    public void onNext(Api.PublishResponse r) {
                        responses.put(r.getCorrelationId(), r);
                        done.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        for (int i = 0; i < n; i++) {
            requests.onNext(publish("async", "m" + i).setCorrelationId("c" + i).build());
        }
        requests.onNext(publish("missing", "x").setCorrelationId("bad-stream").build());
        requests.onNext(publish("async", "x").setPartition(9).setCorrelationId("bad-partition").build());
        assertTrue(done.await(20, TimeUnit.SECONDS), "responses: " + responses.size());
        requests.onCompleted();
        java.util.Set<Long> offsets = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            Api.PublishResponse r = responses.get("c" + i);
            assertNotNull(r, "response c" + i);
            assertEquals("c" + i, r.getAck().getCorrelationId());
            offsets.add(r.getAck().getOffset());
        }
        assertEquals(n, offsets.size(), "every message got its own offset");
        Api.PublishResponse bad = responses.get("bad-stream");
        assertEquals(Api.PublishAsyncError.Code.NOT_FOUND, bad.getAsyncError().getCode());
        assertEquals("no such stream: missing", bad.getAsyncError().getMessage());
        assertTrue(bad.hasAck(), "an empty but present ack for pre-1.3 clients");
        assertEquals("no such partition: 9", responses.get("bad-partition").getAsyncError().getMessage());
    }

    /**
     * A PublishAsync call whose first message must resume a paused partition (which waits for
     * metadata) keeps every later message in order behind it.
     */
    @Test
    void publishAsyncToAPausedPartitionResumesItAndKeepsOrder() throws Exception {
        api.createStream(stream("asleep").build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("asleep").build());
        int n = 500;
        List<Api.PublishResponse> responses = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<Api.PublishRequest> requests = APIGrpc.newStub(channel).publishAsync(
                new StreamObserver<>() {
                    @Override
                    public void onNext(Api.PublishResponse r) {
                        responses.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        for (int i = 0; i < n; i++) {
            requests.onNext(publish("asleep", "m" + i).setCorrelationId("c" + i).build());
        }
        requests.onCompleted();
        assertTrue(done.await(20, TimeUnit.SECONDS), "the call ends after its acks");
        assertEquals(n, responses.size());
        for (int i = 0; i < n; i++) {
            assertFalse(responses.get(i).hasAsyncError(), () -> responses.get(0).getAsyncError().getMessage());
            assertEquals("c" + i, responses.get(i).getCorrelationId());
            assertEquals(i, responses.get(i).getAck().getOffset(), "acked in publish order");
        }
        assertEquals(List.of("m0", "m1"), values(subscribe(Api.SubscribeRequest.newBuilder().setStream("asleep")
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 2)));
    }

    // ------------------------------------------------------------------ PublishToSubject §3.11

    @Test
    void publishToSubjectReachesEveryStreamOnTheSubject() {
        api.createStream(stream("s1").setSubject("shared").build());
        api.createStream(stream("s2").setSubject("shared").build());
        Api.PublishToSubjectResponse r = api.publishToSubject(Api.PublishToSubjectRequest.newBuilder()
                .setSubject("shared").setValue(ByteString.copyFromUtf8("v")).build());
        assertTrue(r.getAck().getStream().equals("s1") || r.getAck().getStream().equals("s2"));
        assertEquals(1, subscribe(Api.SubscribeRequest.newBuilder().setStream("s1")
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 1).size());
        assertEquals(1, subscribe(Api.SubscribeRequest.newBuilder().setStream("s2")
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 1).size());
    }

    /**
     * Publish to a partition led here takes the in-process path; what upstream's NATS round trip
     * made observable still holds: another stream on the subject stores the message too (and
     * the target stores it once, not again from its NATS echo), and a client's own ack inbox
     * gets the ack on NATS.
     */
    @Test
    void publishReachesOtherStreamsOnTheSubjectAndTheClientsOwnInbox() throws Exception {
        api.createStream(stream("t1").setSubject("orders").build());
        api.createStream(stream("t2").setSubject("orders").build());
        api.createStream(stream("t3").setSubject("orders.*").build());
        try (Connection nc = Nats.connect(broker.natsUrls().get(0))) {
            io.nats.client.Subscription inbox = nc.subscribe("client.inbox");
            nc.flush(Duration.ofSeconds(2));
            Api.PublishResponse r = api.publish(publish("t1", "first").setAckInbox("client.inbox")
                    .setCorrelationId("c").build());
            assertEquals("t1", r.getAck().getStream());
            io.nats.client.Message onNats = inbox.nextMessage(Duration.ofSeconds(5));
            assertNotNull(onNats, "the client's inbox gets the ack on NATS as well");
            Api.Ack a = Envelope.decodeAck(onNats.getData());
            assertTrue(a.getStream().equals("t1") || a.getStream().equals("t2"), a.getStream());
        }
        api.publish(publish("t1", "second").putHeaders("subject", ByteString.copyFromUtf8("fake"))
                .putHeaders("trace", ByteString.copyFromUtf8("t")).build());
        api.createStream(stream("t4").setSubject("lonely").build());
        api.publish(publish("t4", "only").build());
        Api.SubscribeRequest.Builder earliest = Api.SubscribeRequest.newBuilder()
                .setStartPosition(Api.StartPosition.EARLIEST);
        assertEquals(List.of("first", "second"), values(subscribe(earliest.setStream("t2").build(), 2)));
        // t1 holds each message once: its NATS echo was skipped. A third message proves no
        // duplicate sits between them (the subscription would return it in place of "third").
        api.publish(publish("t1", "third").build());
        List<Api.Message> t1 = subscribe(earliest.setStream("t1").build(), 3);
        assertEquals(List.of("first", "second", "third"), values(t1));
        Map<String, ByteString> h = t1.get(1).getHeadersMap();
        assertEquals("orders", h.get("subject").toStringUtf8(), "the broker's subject header wins");
        assertEquals("", h.get("reply").toStringUtf8());
        assertEquals("t", h.get("trace").toStringUtf8());
        assertEquals(2, api.fetchPartitionMetadata(Api.FetchPartitionMetadataRequest.newBuilder()
                .setStream("t1").build()).getMetadata().getNewestOffset());
        assertEquals(-1, api.fetchPartitionMetadata(Api.FetchPartitionMetadataRequest.newBuilder()
                .setStream("t3").build()).getMetadata().getNewestOffset(), "orders.* does not match orders");
        assertEquals(0, api.fetchPartitionMetadata(Api.FetchPartitionMetadataRequest.newBuilder()
                .setStream("t4").build()).getMetadata().getNewestOffset());
    }

    private static List<String> values(List<Api.Message> messages) {
        return messages.stream().map(m -> m.getValue().toStringUtf8()).toList();
    }

    // ------------------------------------------------------------------ Subscribe §3.6

    @Test
    void subscribeDeliversCommittedMessagesAndEndsWithUpstreamsStatuses() {
        api.createStream(stream("sub").build());
        assertStatus(Status.Code.RESOURCE_EXHAUSTED, "Stream is empty", () -> subscribe(Api.SubscribeRequest
                .newBuilder().setStream("sub").setStopPosition(Api.StopPosition.STOP_LATEST).build(), 1));
        for (int i = 0; i < 10; i++) {
            api.publish(publish("sub", "m" + i).putHeaders("h", ByteString.copyFromUtf8("v")).build());
        }
        List<Api.Message> m = subscribe(Api.SubscribeRequest.newBuilder().setStream("sub")
                .setStartPosition(Api.StartPosition.OFFSET).setStartOffset(3).build(), 2);
        assertEquals(3, m.get(0).getOffset());
        assertEquals("m3", m.get(0).getValue().toStringUtf8());
        assertEquals("sub", m.get(0).getStream());
        assertEquals("sub", m.get(0).getSubject());
        assertEquals("v", m.get(0).getHeadersMap().get("h").toStringUtf8());
        assertEquals("sub", m.get(0).getHeadersMap().get("subject").toStringUtf8());
        assertTrue(m.get(0).getTimestamp() > 0);
        assertEquals("", m.get(0).getAckInbox());

        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .subscribe(Api.SubscribeRequest.newBuilder().setStream("sub")
                        .setStartPosition(Api.StartPosition.EARLIEST)
                        .setStopPosition(Api.StopPosition.STOP_OFFSET).setStopOffset(4).build());
        it.next();
        for (int i = 0; i <= 4; i++) {
            assertEquals(i, it.next().getOffset());
        }
        assertStatus(Status.Code.RESOURCE_EXHAUSTED, "Stop offset reached", it::next);

        assertStatus(Status.Code.NOT_FOUND, "No such partition", () -> subscribe(Api.SubscribeRequest
                .newBuilder().setStream("sub").setPartition(3).build(), 1));
        assertStatus(Status.Code.NOT_FOUND, "No such partition", () -> subscribe(Api.SubscribeRequest
                .newBuilder().setStream("nope").build(), 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Consumer id cannot be empty when group id is provided",
                () -> subscribe(Api.SubscribeRequest.newBuilder().setStream("sub")
                        .setConsumer(Api.Consumer.newBuilder().setGroupId("g")).build(), 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stop offset is before start offset: 2 < 5",
                () -> subscribe(Api.SubscribeRequest.newBuilder().setStream("sub")
                        .setStartPosition(Api.StartPosition.OFFSET).setStartOffset(5)
                        .setStopPosition(Api.StopPosition.STOP_OFFSET).setStopOffset(2).build(), 1));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Unknown StartPosition 42", () -> subscribe(
                Api.SubscribeRequest.newBuilder().setStream("sub").setStartPositionValue(42).build(), 1));
    }

    @Test
    void subscribeToAPausedPartitionEndsOrResumesIt() {
        api.createStream(stream("zz").build());
        api.publish(publish("zz", "a").build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("zz").build());
        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .subscribe(Api.SubscribeRequest.newBuilder().setStream("zz").build());
        assertEquals(Api.Message.getDefaultInstance(), it.next());
        assertStatus(Status.Code.FAILED_PRECONDITION, "commit log was closed", it::next);
        List<Api.Message> m = subscribe(Api.SubscribeRequest.newBuilder().setStream("zz").setResume(true)
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 1);
        assertEquals("a", m.get(0).getValue().toStringUtf8());
    }

    @Test
    void readonlyPartitionsEndSubscriptionsAtTheNewestOffset() {
        api.createStream(stream("ro").build());
        api.publish(publish("ro", "a").build());
        api.setStreamReadonly(Api.SetStreamReadonlyRequest.newBuilder().setName("ro").setReadonly(true).build());
        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .subscribe(Api.SubscribeRequest.newBuilder().setStream("ro")
                        .setStartPosition(Api.StartPosition.EARLIEST).build());
        it.next();
        assertEquals(0, it.next().getOffset());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::next);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    }

    // ------------------------------------------------------------------ Metadata §3.7–3.8

    @Test
    void metadataDescribesBrokersStreamsPartitionsAndUnknownNames() {
        api.createStream(stream("meta").setPartitions(2).build());
        api.publish(publish("meta", "a").build());
        Api.FetchMetadataResponse all = api.fetchMetadata(Api.FetchMetadataRequest.getDefaultInstance());
        assertEquals(1, all.getBrokersCount());
        assertEquals("b1", all.getBrokers(0).getId());
        assertEquals(broker.port(), all.getBrokers(0).getPort());
        assertEquals("127.0.0.1", all.getBrokers(0).getHost());
        List<String> names = all.getStreamMetadataList().stream().map(Api.StreamMetadata::getName).toList();
        assertTrue(names.containsAll(List.of("meta", "__cursors")), names.toString());
        Api.FetchMetadataResponse some = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder()
                .addStreams("meta").addStreams("ghost").addGroups("g").build());
        Api.StreamMetadata meta = some.getStreamMetadata(0);
        assertTrue(meta.getCreationTimestamp() > 0);
        Api.PartitionMetadata p0 = meta.getPartitionsMap().get(0);
        assertEquals("b1", p0.getLeader());
        assertEquals(List.of("b1"), p0.getIsrList());
        assertEquals(0, p0.getHighWatermark());
        assertEquals(0, p0.getNewestOffset());
        assertTrue(p0.getMessagesReceivedTimestamps().getLatestTimestamp() > 0);
        assertEquals(-1, meta.getPartitionsMap().get(1).getNewestOffset());
        assertTrue(meta.getPartitionsMap().get(1).hasPauseTimestamps(), "timestamps always present");
        assertEquals(Api.StreamMetadata.Error.UNKNOWN_STREAM, some.getStreamMetadata(1).getError());
        assertEquals(Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP, some.getGroupMetadata(0).getError());

        Api.PartitionMetadata pm = api.fetchPartitionMetadata(Api.FetchPartitionMetadataRequest.newBuilder()
                .setStream("meta").setPartition(0).build()).getMetadata();
        assertEquals(0, pm.getHighWatermark());
        assertStatus(Status.Code.NOT_FOUND, "partition not found", () -> api.fetchPartitionMetadata(
                Api.FetchPartitionMetadataRequest.newBuilder().setStream("meta").setPartition(5).build()));
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("meta").addPartitions(1).build());
        assertStatus(Status.Code.FAILED_PRECONDITION, "The request should be sent to partition leader",
                () -> api.fetchPartitionMetadata(Api.FetchPartitionMetadataRequest.newBuilder()
                        .setStream("meta").setPartition(1).build()));
    }

    // ------------------------------------------------------------------ Cursors §3.12

    @Test
    void cursorsStoreAndFetchPositions() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "No stream provided", () -> api.setCursor(
                Api.SetCursorRequest.newBuilder().setCursorId("c").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No cursorId provided", () -> api.fetchCursor(
                Api.FetchCursorRequest.newBuilder().setStream("s").build()));
        assertEquals(-1, client.fetchCursor("c1", "orders", 0), "unknown cursor");
        client.setCursor("c1", "orders", 0, 42);
        client.setCursor("c1", "orders", 1, 7);
        assertEquals(42, client.fetchCursor("c1", "orders", 0));
        client.setCursor("c1", "orders", 0, 10); // moved backwards: the latest value wins
        assertEquals(10, client.fetchCursor("c1", "orders", 0));
        assertEquals(7, client.fetchCursor("c1", "orders", 1));
    }

    // ------------------------------------------------------------------ activity stream §12

    @Test
    void theActivityStreamRecordsOperationsInOrder() throws Exception {
        api.createStream(stream("act").setPartitions(2).build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("act").addPartitions(1).setResumeAll(true).build());
        api.publish(publish("act", "wake").build()); // resumes partition 1 (resumeAll)
        api.setStreamReadonly(Api.SetStreamReadonlyRequest.newBuilder().setName("act").setReadonly(true).build());
        api.deleteStream(Api.DeleteStreamRequest.newBuilder().setName("act").build());
        List<Api.ActivityStreamEvent> events = new ArrayList<>();
        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .subscribe(Api.SubscribeRequest.newBuilder().setStream("__activity")
                        .setStartPosition(Api.StartPosition.EARLIEST).build());
        it.next();
        while (events.isEmpty() || events.get(events.size() - 1).getOp() != Api.ActivityStreamOp.DELETE_STREAM) {
            events.add(Api.ActivityStreamEvent.parseFrom(it.next().getValue()));
        }
        List<String> ops = new ArrayList<>();
        long lastId = 0;
        for (Api.ActivityStreamEvent e : events) {
            assertTrue(e.getId() > lastId, "ids strictly increase");
            lastId = e.getId();
            switch (e.getOp()) {
                case CREATE_STREAM -> ops.add("create " + e.getCreateStreamOp().getStream() + " "
                        + e.getCreateStreamOp().getPartitionsList());
                case PAUSE_STREAM -> ops.add("pause " + e.getPauseStreamOp().getStream() + " "
                        + e.getPauseStreamOp().getPartitionsList() + " " + e.getPauseStreamOp().getResumeAll());
                case RESUME_STREAM -> ops.add("resume " + e.getResumeStreamOp().getStream() + " "
                        + e.getResumeStreamOp().getPartitionsList());
                case SET_STREAM_READONLY -> ops.add("readonly " + e.getSetStreamReadonlyOp().getStream() + " "
                        + e.getSetStreamReadonlyOp().getReadonly());
                case DELETE_STREAM -> ops.add("delete " + e.getDeleteStreamOp().getStream());
                default -> ops.add(e.getOp().toString());
            }
        }
        assertTrue(ops.contains("create __cursors [0, 1]"), ops.toString());
        int at = ops.indexOf("create act [0, 1]");
        assertTrue(at >= 0, ops.toString());
        assertEquals(List.of("create act [0, 1]", "pause act [1] true", "resume act [1]", "readonly act true",
                "delete act"), ops.subList(at, ops.size()));
    }

    // ------------------------------------------------------------------ NATS publishers, health

    @Test
    void plainNatsPublishersAreRecordedAndEnvelopePublishersAcked() throws Exception {
        api.createStream(stream("nats").build());
        try (Connection nc = Nats.connect(broker.natsUrls().get(0))) {
            nc.publish("nats", "plain".getBytes(StandardCharsets.UTF_8));
            io.nats.client.Subscription acks = nc.subscribe("my.inbox");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("nats", Envelope.encodePublish(Api.Message.newBuilder().setValue(
                    ByteString.copyFromUtf8("env")).setAckInbox("my.inbox").setOffset(-1).build()));
            io.nats.client.Message ack = acks.nextMessage(Duration.ofSeconds(5));
            assertNotNull(ack, "ack on the inbox");
            assertEquals(1, Envelope.decodeAck(ack.getData()).getOffset());
        }
        List<Api.Message> m = subscribe(Api.SubscribeRequest.newBuilder().setStream("nats")
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 2);
        assertEquals("plain", m.get(0).getValue().toStringUtf8());
        assertTrue(m.get(0).getKey().isEmpty());
        assertEquals("env", m.get(1).getValue().toStringUtf8());
    }

    @Test
    void healthServiceReportsServing() {
        HealthCheckResponse h = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("proto.API").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
    }

    // ------------------------------------------------------------------ the Java client, restart

    @Test
    void theJavaClientPublishesAndSubscribesThroughTheBroker() throws Exception {
        client.createStream("jc", "jc", StreamOptions.defaults().partitions(2));
        List<java.util.concurrent.CompletableFuture<Api.Ack>> acks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            acks.add(client.publishAsync("jc", ("v" + i).getBytes(StandardCharsets.UTF_8),
                    MessageOptions.create().key(("k" + (i % 5)).getBytes(StandardCharsets.UTF_8))
                            .partitioner(lb.client.Partitioner.byKey())));
        }
        for (var f : acks) {
            Api.Ack a = f.get(10, TimeUnit.SECONDS);
            int expected = lb.client.Partitioner.byKey().partition("jc", ("k" + (acks.indexOf(f) % 5))
                    .getBytes(StandardCharsets.UTF_8), null, 2);
            assertEquals(expected == 0 ? "jc" : "jc." + expected, a.getMsgSubject(), "routed by key");
        }
        Api.Ack last = client.publish("jc", "sync".getBytes(StandardCharsets.UTF_8), MessageOptions.create());
        assertNotNull(last);
        int total = 0;
        for (int p = 0; p < 2; p++) {
            try (Subscription s = client.subscribe("jc", SubscriptionOptions.create().partition(p)
                    .startAtEarliest().stopAtLatest())) {
                while (s.poll(Duration.ofSeconds(5)) != null) {
                    total++;
                }
                assertEquals(Subscription.End.STOP_REACHED, s.end());
            }
        }
        assertEquals(101, total);
    }

    @Test
    void aRestartRecoversStreamsMessagesAndFlags() throws Exception {
        api.createStream(stream("keep").setPartitions(2).build());
        for (int i = 0; i < 50; i++) {
            api.publish(publish("keep", "m" + i).build());
        }
        api.setStreamReadonly(Api.SetStreamReadonlyRequest.newBuilder().setName("keep").addPartitions(1)
                .setReadonly(true).build());
        api.pauseStream(Api.PauseStreamRequest.newBuilder().setName("keep").addPartitions(1).build());
        disconnect();
        broker.close();
        broker = BrokerServer.start(config());
        connect();
        Map<Integer, Api.PartitionMetadata> parts = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder()
                .addStreams("keep").build()).getStreamMetadata(0).getPartitionsMap();
        assertEquals(49, parts.get(0).getNewestOffset());
        assertTrue(parts.get(1).getReadonly());
        assertTrue(parts.get(1).getPaused());
        List<Api.Message> m = subscribe(Api.SubscribeRequest.newBuilder().setStream("keep")
                .setStartPosition(Api.StartPosition.EARLIEST).build(), 50);
        assertEquals("m49", m.get(49).getValue().toStringUtf8());
        assertEquals(50, api.publish(publish("keep", "more").build()).getAck().getOffset());
    }
}
