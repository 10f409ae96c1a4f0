package lb.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's routing, retries, flow control and async correlation, against a scripted broker
 * on a real socket. Scripted because these are faults a real broker cannot be made to produce
 * on cue (a leader that moves between two calls, acks in reverse order, an ack that never comes);
 * the client's behaviour against the real broker is covered by the broker's conformance suite.
 */
class ClientRoutingTest {

    private Server server;
    private LiftbridgeClient client;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String start(APIGrpc.APIImplBase impl) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(impl).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    /** Metadata naming this server as broker "b1" and leader of stream "s" partitions 0..n-1. */
    private static Api.FetchMetadataResponse metadata(int port, int partitions) {
        Api.StreamMetadata.Builder s = Api.StreamMetadata.newBuilder().setName("s").setSubject("s");
        for (int p = 0; p < partitions; p++) {
            s.putPartitions(p, Api.PartitionMetadata.newBuilder().setId(p).setLeader("b1")
                    .addReplicas("b1").addIsr("b1").build());
        }
        return Api.FetchMetadataResponse.newBuilder()
                .addBrokers(Api.Broker.newBuilder().setId("b1").setHost("127.0.0.1").setPort(port))
                .addStreamMetadata(s).build();
    }

    @Test
    void retriesALeaderCallAfterFailedPreconditionWithFreshMetadata() throws Exception {
        AtomicInteger metadataCalls = new AtomicInteger();
        AtomicInteger partitionCalls = new AtomicInteger();
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                metadataCalls.incrementAndGet();
                o.onNext(metadata(server.getPort(), 2));
                o.onCompleted();
            }

            @Override
            public void fetchPartitionMetadata(Api.FetchPartitionMetadataRequest r,
                                               StreamObserver<Api.FetchPartitionMetadataResponse> o) {
                if (partitionCalls.incrementAndGet() == 1) {
                    o.onError(Status.FAILED_PRECONDITION
                            .withDescription("The request should be sent to partition leader").asException());
                    return;
                }
                o.onNext(Api.FetchPartitionMetadataResponse.newBuilder().setMetadata(
                        Api.PartitionMetadata.newBuilder().setId(r.getPartition()).setHighWatermark(41)).build());
                o.onCompleted();
            }
        });
        client = LiftbridgeClient.connect(addr);
        assertEquals(41, client.fetchPartitionMetadata("s", 1).getHighWatermark());
        assertEquals(2, partitionCalls.get());
        assertEquals(2, metadataCalls.get(), "one initial fetch, one refresh before the retry");

        LiftbridgeException e = assertThrows(LiftbridgeException.class,
                () -> client.fetchPartitionMetadata("s", 9));
        assertEquals(LiftbridgeException.Kind.NO_SUCH_PARTITION, e.kind());
        assertEquals("no such partition: 9 (stream \"s\" has 2)", e.getMessage());
        e = assertThrows(LiftbridgeException.class, () -> client.fetchPartitionMetadata("nope", 0));
        assertEquals(LiftbridgeException.Kind.NO_SUCH_STREAM, e.kind());
    }

    @Test
    void mapsBrokerStatusesToKinds() throws Exception {
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public void createStream(Api.CreateStreamRequest r, StreamObserver<Api.CreateStreamResponse> o) {
                o.onError(Status.ALREADY_EXISTS.withDescription("stream already exists").asException());
            }

            @Override
            public void deleteStream(Api.DeleteStreamRequest r, StreamObserver<Api.DeleteStreamResponse> o) {
                o.onError(Status.NOT_FOUND.withDescription("stream does not exist").asException());
            }

            @Override
            public void publish(Api.PublishRequest r, StreamObserver<Api.PublishResponse> o) {
                o.onError(Status.UNKNOWN.withDescription("incorrect expected offset").asException());
            }
        });
        client = LiftbridgeClient.connect(addr);
        LiftbridgeException e = assertThrows(LiftbridgeException.class,
                () -> client.createStream("a", "a", StreamOptions.defaults()));
        assertEquals(LiftbridgeException.Kind.STREAM_EXISTS, e.kind());
        assertEquals("stream already exists", e.getMessage());
        assertEquals(LiftbridgeException.Kind.NO_SUCH_STREAM,
                assertThrows(LiftbridgeException.class, () -> client.deleteStream("a")).kind());
        assertEquals(LiftbridgeException.Kind.INCORRECT_OFFSET, assertThrows(LiftbridgeException.class,
                () -> client.publish("s", new byte[1], MessageOptions.create().partition(0))).kind());
    }

    /**
     * A sync publish goes over the PublishAsync stream (this broker has no unary Publish) and
     * returns its ack; with AckPolicy NONE it takes the unary RPC, whose refusals only it reports.
     */
    @Test
    void syncPublishGoesOverThePublishStream() throws Exception {
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public StreamObserver<Api.PublishRequest> publishAsync(StreamObserver<Api.PublishResponse> out) {
                return new StreamObserver<>() {
                    private long offset;

                    @Override
                    public void onNext(Api.PublishRequest r) {
                        out.onNext(Api.PublishResponse.newBuilder().setCorrelationId(r.getCorrelationId())
                                .setAck(Api.Ack.newBuilder().setStream(r.getStream()).setOffset(offset++)
                                        .setCorrelationId(r.getCorrelationId())).build());
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }
        });
        client = LiftbridgeClient.connect(addr);
        for (int i = 0; i < 3; i++) {
            Api.Ack ack = client.publish("s", new byte[] {(byte) i}, MessageOptions.create().partition(0));
            assertEquals(i, ack.getOffset());
            assertEquals("s", ack.getStream());
        }
        LiftbridgeException none = assertThrows(LiftbridgeException.class, () -> client.publish("s", new byte[1],
                MessageOptions.create().partition(0).ackPolicy(Api.AckPolicy.NONE)));
        assertEquals(Status.Code.UNIMPLEMENTED, none.code(), "NONE went through the unary RPC");
    }

    @Test
    void anUnreachableSeedIsSkippedAndNoneReachableIsUnavailable() throws Exception {
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                o.onNext(metadata(server.getPort(), 1));
                o.onCompleted();
            }
        });
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        client = LiftbridgeClient.builder().seeds("127.0.0.1:" + deadPort, addr).build();
        assertEquals(1, client.fetchMetadata().partitionCount("s"));
        client.close();
        client = LiftbridgeClient.connect("127.0.0.1:" + deadPort);
        LiftbridgeException e = assertThrows(LiftbridgeException.class, () -> client.fetchMetadata());
        assertEquals(LiftbridgeException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().startsWith("no broker reachable at 127.0.0.1:" + deadPort), e.getMessage());
        assertTrue(!e.getMessage().endsWith("null") && e.getMessage().toLowerCase(java.util.Locale.ROOT)
                .contains("refused"), "says why: " + e.getMessage());
    }

    /** Burst reads return every message in order, then the end; a failure comes after the messages before it. */
    @Test
    void burstPollsReturnEveryMessageThenTheEndOrTheFailure() throws Exception {
        for (Status last : List.of(Status.RESOURCE_EXHAUSTED.withDescription("Stop offset reached"),
                Status.INTERNAL.withDescription("disk on fire"))) {
            int total = 5_000;
            String addr = start(new APIGrpc.APIImplBase() {
                @Override
                public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                    o.onNext(metadata(server.getPort(), 1));
                    o.onCompleted();
                }

                @Override
                public void subscribe(Api.SubscribeRequest r, StreamObserver<Api.Message> o) {
                    o.onNext(Api.Message.getDefaultInstance()); // handshake
                    for (int n = 0; n < total; n++) {
                        o.onNext(Api.Message.newBuilder().setOffset(n).build());
                    }
                    o.onError(last.asException());
                }
            });
            try (LiftbridgeClient c = LiftbridgeClient.connect(addr)) {
                Subscription sub = c.subscribe("s", SubscriptionOptions.create().startAtEarliest().window(128));
                List<Api.Message> got = new java.util.ArrayList<>();
                LiftbridgeException failure = null;
                try {
                    while (sub.poll(got, 100, Duration.ofSeconds(5)) > 0) {
                        assertTrue(got.size() <= total);
                    }
                } catch (LiftbridgeException e) {
                    failure = e;
                }
                assertEquals(total, got.size(), "every message before the end");
                for (int i = 0; i < total; i++) {
                    assertEquals(i, got.get(i).getOffset());
                }
                if (last.isOk() || last.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    assertEquals(null, failure);
                    assertEquals(Subscription.End.STOP_REACHED, sub.end());
                } else {
                    assertTrue(failure != null && failure.getMessage().contains("disk on fire"), String.valueOf(failure));
                }
            }
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Views carry every field the broker sent, in order, across credit refills; mixing view and
     * message polls on one subscription loses nothing; a message the client cannot read fails
     * the subscription after the ones before it, as the generated parser did.
     */
    @Test
    void viewPollsReturnEveryFieldThenFailOnAMalformedMessage() throws Exception {
        int total = 3_000;
        java.util.function.IntFunction<Api.Message> msg = n -> Api.Message.newBuilder().setOffset(n)
                .setStream("s").setSubject("s").setPartition(0).setTimestamp(1_000L + n)
                .setKey(ByteString.copyFromUtf8("k" + n)).setValue(ByteString.copyFromUtf8("v" + n))
                .putHeaders("subject", ByteString.copyFromUtf8("s"))
                .putHeaders("n", ByteString.copyFromUtf8(Integer.toString(n))).build();
        // Subscribe answers raw bytes here, so that it can send what no encoder would.
        io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
            @Override
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(java.io.InputStream in) {
                try {
                    return in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        io.grpc.ServerServiceDefinition api = new APIGrpc.APIImplBase() {
            @Override
            public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                o.onNext(metadata(server.getPort(), 1));
                o.onCompleted();
            }
        }.bindService();
        io.grpc.MethodDescriptor<byte[], byte[]> rawSubscribe = APIGrpc.getSubscribeMethod().toBuilder(raw, raw).build();
        io.grpc.ServerServiceDefinition.Builder def = io.grpc.ServerServiceDefinition.builder(APIGrpc.SERVICE_NAME)
                .addMethod(api.getMethod(APIGrpc.getFetchMetadataMethod().getFullMethodName()))
                .addMethod(rawSubscribe, io.grpc.stub.ServerCalls.asyncServerStreamingCall((byte[] req, StreamObserver<byte[]> o) -> {
                    o.onNext(new byte[0]); // handshake
                    for (int n = 0; n < total; n++) {
                        o.onNext(msg.apply(n).toByteArray());
                    }
                    // Then one the client cannot read: its stream name is not UTF-8.
                    o.onNext(new byte[] {0x08, 0x01, 0x2A, 0x02, (byte) 0xC3, 0x28});
                    o.onCompleted();
                }));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(def.build()).build().start();
        String addr = "127.0.0.1:" + server.getPort();
        client = LiftbridgeClient.connect(addr);
        Subscription sub = client.subscribe("s", SubscriptionOptions.create().startAtEarliest().window(100));
        List<MessageView> got = new ArrayList<>();
        assertEquals(msg.apply(0), sub.poll(Duration.ofSeconds(5)), "a message poll first");
        MessageView second = sub.pollView(Duration.ofSeconds(5));
        assertEquals(1, second.offset());
        List<Api.Message> decoded = new ArrayList<>();
        assertTrue(sub.poll(decoded, 3, Duration.ofSeconds(5)) > 0);
        for (Api.Message m : decoded) {
            got.add(MessageView.of(m));
        }
        LiftbridgeException failure = null;
        try {
            while (sub.pollViews(got, 64, Duration.ofSeconds(5)) > 0) {
                assertTrue(got.size() <= total);
            }
        } catch (LiftbridgeException e) {
            failure = e;
        }
        assertTrue(failure != null, "the malformed message failed the subscription");
        assertEquals(null, sub.end());
        assertThrows(LiftbridgeException.class, () -> sub.pollView(Duration.ofMillis(10)), "and it stays failed");
        assertEquals(total - 2, got.size());
        for (int i = 0; i < got.size(); i++) {
            int n = i + 2;
            MessageView v = got.get(i);
            assertEquals(n, v.offset());
            assertEquals(1_000L + n, v.timestamp());
            assertEquals("k" + n, v.key().toStringUtf8());
            assertEquals("v" + n, v.value().toStringUtf8());
            assertEquals("s", v.stream());
            assertEquals(ByteString.copyFromUtf8(Integer.toString(n)), v.header("n"));
            assertEquals(msg.apply(n), v.toMessage());
        }
    }

    @Test
    void subscribeConsumesTheHandshakeAndTheBrokerNeverRunsAheadOfTheWindow() throws Exception {
        int total = 50_000;
        AtomicInteger sent = new AtomicInteger();
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                o.onNext(metadata(server.getPort(), 1));
                o.onCompleted();
            }

            @Override
            public void subscribe(Api.SubscribeRequest r, StreamObserver<Api.Message> o) {
                ServerCallStreamObserver<Api.Message> so = (ServerCallStreamObserver<Api.Message>) o;
                so.onNext(Api.Message.getDefaultInstance()); // handshake
                so.setOnReadyHandler(() -> {
                    while (so.isReady() && sent.get() < total) {
                        int n = sent.getAndIncrement();
                        so.onNext(Api.Message.newBuilder().setOffset(n).setStream("s")
                                .setValue(ByteString.copyFrom(new byte[256])).build());
                        if (n == total - 1) {
                            so.onError(Status.RESOURCE_EXHAUSTED.withDescription("Stop offset reached")
                                    .asException());
                        }
                    }
                });
            }
        });
        client = LiftbridgeClient.connect(addr);
        Subscription sub = client.subscribe("s", SubscriptionOptions.create().startAtEarliest().window(64));
        Api.Message first = sub.poll(Duration.ofSeconds(5));
        assertEquals(0, first.getOffset(), "the empty handshake message is not delivered");
        // While the reader waits, the broker can only fill the window and the transport's buffer
        // (64 KiB of HTTP/2 flow control by default), not the whole partition.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(sent.get() < 5_000, "broker ran ahead of a reader that did not read: " + sent.get());
        long expected = 1;
        for (Api.Message m; (m = sub.poll(Duration.ofSeconds(5))) != null; expected++) {
            assertEquals(expected, m.getOffset());
        }
        assertEquals(total, expected);
        assertEquals(Subscription.End.STOP_REACHED, sub.end());
    }

    @Test
    void subscribeErrorsBeforeTheHandshakeFailTheCall() throws Exception {
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
                o.onNext(metadata(server.getPort(), 1));
                o.onCompleted();
            }

            @Override
            public void subscribe(Api.SubscribeRequest r, StreamObserver<Api.Message> o) {
                o.onError(Status.INVALID_ARGUMENT.withDescription("Stop offset is before start offset: 1 < 5")
                        .asException());
            }
        });
        client = LiftbridgeClient.connect(addr);
        LiftbridgeException e = assertThrows(LiftbridgeException.class,
                () -> client.subscribe("s", SubscriptionOptions.create().startAtOffset(5).stopAtOffset(1)));
        assertEquals(LiftbridgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals("Stop offset is before start offset: 1 < 5", e.getMessage());
    }

    @Test
    void asyncPublishesMatchAcksByCorrelationIdInAnyOrderAndTimeOut() throws Exception {
        String addr = start(new APIGrpc.APIImplBase() {
            @Override
            public StreamObserver<Api.PublishRequest> publishAsync(StreamObserver<Api.PublishResponse> o) {
                List<Api.PublishRequest> batch = new ArrayList<>();
                return new StreamObserver<>() {
                    @Override
                    public void onNext(Api.PublishRequest r) {
                        if (r.getValue().toStringUtf8().equals("drop")) {
                            return; // never acked
                        }
                        batch.add(r);
                        if (batch.size() == 3) { // answer in reverse order
                            for (int i = batch.size() - 1; i >= 0; i--) {
                                Api.PublishRequest q = batch.get(i);
                                if (q.getValue().toStringUtf8().equals("bad")) {
                                    o.onNext(Api.PublishResponse.newBuilder()
                                            .setCorrelationId(q.getCorrelationId())
                                            .setAck(Api.Ack.getDefaultInstance())
                                            .setAsyncError(Api.PublishAsyncError.newBuilder()
                                                    .setCode(Api.PublishAsyncError.Code.READONLY)
                                                    .setMessage("readonly partition: 0"))
                                            .build());
                                } else {
                                    o.onNext(Api.PublishResponse.newBuilder().setAck(Api.Ack.newBuilder()
                                            .setCorrelationId(q.getCorrelationId()).setOffset(i)
                                            .setStream(q.getStream())).build());
                                }
                            }
                            batch.clear();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        o.onCompleted();
                    }
                };
            }
        });
        client = LiftbridgeClient.builder().seeds(addr).ackTimeout(Duration.ofMillis(300)).build();
        CompletableFuture<Api.Ack> a = client.publishAsync("s", "a".getBytes(), MessageOptions.create().partition(0));
        CompletableFuture<Api.Ack> b = client.publishAsync("s", "bad".getBytes(), MessageOptions.create().partition(0));
        CompletableFuture<Api.Ack> c = client.publishAsync("s", "c".getBytes(),
                MessageOptions.create().partition(0).correlationId("mine"));
        CompletableFuture<Api.Ack> d = client.publishAsync("s", "drop".getBytes(), MessageOptions.create().partition(0));
        CompletableFuture<Api.Ack> none = client.publishAsync("s", "x".getBytes(),
                MessageOptions.create().partition(0).ackPolicy(Api.AckPolicy.NONE));
        assertEquals(0, a.get(5, TimeUnit.SECONDS).getOffset());
        assertEquals("mine", c.get(5, TimeUnit.SECONDS).getCorrelationId());
        assertEquals(2, c.get().getOffset());
        ExecutionException e = assertThrows(ExecutionException.class, () -> b.get(5, TimeUnit.SECONDS));
        assertEquals(LiftbridgeException.Kind.READONLY_PARTITION, ((LiftbridgeException) e.getCause()).kind());
        e = assertThrows(ExecutionException.class, () -> d.get(5, TimeUnit.SECONDS));
        assertEquals(LiftbridgeException.Kind.ACK_TIMEOUT, ((LiftbridgeException) e.getCause()).kind());
        assertNull(none.get(1, TimeUnit.SECONDS), "ack policy NONE completes at once with no ack");
    }
}
