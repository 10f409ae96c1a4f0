package lb.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PublishAsync correlation: the ring of generated ids (slot reuse, a slot still taken after a
 * lap, falling back to the map), the {@link AckHandler} API (exactly one outcome per publish,
 * whatever the broker sends twice or never), generated id format, and close. Against a scripted
 * broker on a real socket, whose answer depends on the value:
 * <ul>
 *   <li>a decimal number n: acked at once with offset n;</li>
 *   <li>"hold": acked only when "release" comes (offset 1000 + its position among the held);</li>
 *   <li>"err": an async error (READONLY); "drop": never answered; "dup": acked twice.</li>
 *   <li>anything with ack policy NONE: never answered; a value over 1,000 bytes: acked with
 *       its size as offset.</li>
 * </ul>
 */
class AsyncPublisherTest {

    private Server server;
    private LiftbridgeClient client;
    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final List<ByteString> values = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String start() throws Exception {
        return startPublishAsync(o -> {
            List<Api.PublishRequest> held = new ArrayList<>();
            return r -> {
                ids.add(r.getCorrelationId());
                values.add(r.getValue());
                String v = r.getValue().toStringUtf8();
                if (r.getAckPolicy() == Api.AckPolicy.NONE) {
                    return;
                }
                if (r.getValue().size() > 1000) {
                    o.onNext(ack(r, r.getValue().size()));
                    return;
                }
                switch (v) {
                    case "hold" -> held.add(r);
                    case "release" -> {
                        for (int i = 0; i < held.size(); i++) {
                            o.onNext(ack(held.get(i), 1000 + i));
                        }
                        held.clear();
                        o.onNext(ack(r, 999));
                    }
                    case "err" -> o.onNext(Api.PublishResponse.newBuilder()
                            .setCorrelationId(r.getCorrelationId())
                            .setAsyncError(Api.PublishAsyncError.newBuilder()
                                    .setCode(Api.PublishAsyncError.Code.READONLY)
                                    .setMessage("readonly partition: 0"))
                            .build());
                    case "drop" -> {
                    }
                    case "dup" -> {
                        o.onNext(ack(r, 7));
                        o.onNext(ack(r, 8));
                    }
                    default -> o.onNext(ack(r, Long.parseLong(v)));
                }
            };
        });
    }

    /**
     * Starts {@link #server} answering PublishAsync: each call's requests go to the handler
     * {@code perCall} makes for that call's response stream (so state such as held requests is
     * per call); the call completes when the client's side does. Returns its address.
     */
    private String startPublishAsync(java.util.function.Function<StreamObserver<Api.PublishResponse>,
            java.util.function.Consumer<Api.PublishRequest>> perCall) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new APIGrpc.APIImplBase() {
                    @Override
                    public StreamObserver<Api.PublishRequest> publishAsync(StreamObserver<Api.PublishResponse> o) {
                        java.util.function.Consumer<Api.PublishRequest> handler = perCall.apply(o);
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(Api.PublishRequest r) {
                                handler.accept(r);
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
                }).build().start();
        return "127.0.0.1:" + server.getPort();
    }

    private static Api.PublishResponse ack(Api.PublishRequest r, long offset) {
        return Api.PublishResponse.newBuilder().setAck(Api.Ack.newBuilder().setCorrelationId(r.getCorrelationId())
                .setStream(r.getStream()).setOffset(offset)).build();
    }

    private static final MessageOptions P0 = MessageOptions.create().partition(0);

    private CompletableFuture<Api.Ack> pub(String value) {
        return client.publishAsync("s", value.getBytes(StandardCharsets.UTF_8), P0);
    }

    @Test
    void ringSizesArePowersOfTwoOfAtLeastTwiceTheWindow() {
        assertEquals(2, AsyncPublisher.ring(1));
        assertEquals(8, AsyncPublisher.ring(3));
        assertEquals(8, AsyncPublisher.ring(4));
        assertEquals(2048, AsyncPublisher.ring(1024));
        assertEquals(1 << 20, AsyncPublisher.ring(1 << 20));
        assertEquals(1 << 20, AsyncPublisher.ring(Integer.MAX_VALUE));
    }

    @Test
    void generatedIdsCountUpInDecimalAfterOnePrefix() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        for (int i = 1; i <= 112; i++) {
            assertEquals(i, pub(Integer.toString(i)).get(5, TimeUnit.SECONDS).getOffset());
        }
        String first = ids.get(0);
        assertTrue(first.matches("lb-\\d+-\\d+-1"), first);
        String prefix = first.substring(0, first.length() - 1);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(prefix + (i + 1), ids.get(i));
        }
    }

    @Test
    void aSlotStillTakenAfterALapFallsBackToTheMapAndEveryAckFindsItsPublish() throws Exception {
        // maxInFlight 4: a ring of 8 slots; "hold" (id 1) keeps slot 1 while ids 2..60 go round.
        client = LiftbridgeClient.builder().seeds(start()).maxInFlight(4).build();
        CompletableFuture<Api.Ack> held = pub("hold");
        for (int i = 2; i <= 60; i++) {
            assertEquals(i, pub(Integer.toString(i)).get(5, TimeUnit.SECONDS).getOffset(), "publish " + i);
        }
        // A second holder, then a release: both held acks come back out of order with the rest.
        CompletableFuture<Api.Ack> held2 = pub("hold");
        CompletableFuture<Api.Ack> release = pub("release");
        assertEquals(1000, held.get(5, TimeUnit.SECONDS).getOffset());
        assertEquals(1001, held2.get(5, TimeUnit.SECONDS).getOffset());
        assertEquals(999, release.get(5, TimeUnit.SECONDS).getOffset());
        // No permit leaked: a full window outstanding at once still goes through.
        List<CompletableFuture<Api.Ack>> window = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            window.add(pub("hold"));
        }
        window.add(pub("release"));
        for (CompletableFuture<Api.Ack> f : window) {
            assertNotNull(f.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anAckHandlerGetsExactlyOneOutcomePerPublish() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).ackTimeout(Duration.ofMillis(300)).build();
        Map<String, List<Object>> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(6);
        for (String v : List.of("5", "err", "drop", "dup", "6")) {
            client.publishAsync("s", ByteString.copyFromUtf8(v), P0, (ack, error) -> {
                outcomes.computeIfAbsent(v, k -> new CopyOnWriteArrayList<>()).add(error != null ? error : ack.ack());
                done.countDown();
            });
        }
        client.publishAsync("s", ByteString.copyFromUtf8("x"),
                MessageOptions.create().partition(0).ackPolicy(Api.AckPolicy.NONE), (ack, error) -> {
                    outcomes.computeIfAbsent("none", k -> new CopyOnWriteArrayList<>()).add(
                            error != null ? error : "no ack");
                    done.countDown();
                });
        assertTrue(done.await(5, TimeUnit.SECONDS), "outcomes so far: " + outcomes);
        // "6" was answered after both acks of "dup" (the stream keeps order): the second was seen.
        assertEquals(5, ((Api.Ack) outcomes.get("5").get(0)).getOffset());
        assertEquals(6, ((Api.Ack) outcomes.get("6").get(0)).getOffset());
        assertEquals(List.of(7L), outcomes.get("dup").stream().map(a -> ((Api.Ack) a).getOffset()).toList());
        assertEquals(LiftbridgeException.Kind.READONLY_PARTITION,
                ((LiftbridgeException) outcomes.get("err").get(0)).kind());
        assertEquals(LiftbridgeException.Kind.ACK_TIMEOUT,
                ((LiftbridgeException) outcomes.get("drop").get(0)).kind());
        assertEquals(List.of("no ack"), outcomes.get("none"));
        for (Map.Entry<String, List<Object>> e : outcomes.entrySet()) {
            assertEquals(1, e.getValue().size(), e.getKey() + ": " + e.getValue());
        }
    }

    @Test
    void anOwnedValueIsSentAsGiven() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        byte[] owned = "42".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Api.Ack> f = new CompletableFuture<>();
        client.publishAsync("s", UnsafeByteOperations.unsafeWrap(owned), P0, (ack, error) -> {
            if (error != null) {
                f.completeExceptionally(error);
            } else {
                f.complete(ack.ack());
                assertEquals(42, ack.offset());
            }
        });
        assertEquals(42, f.get(5, TimeUnit.SECONDS).getOffset());
        assertEquals(ByteString.copyFromUtf8("42"), values.get(0));
    }

    @Test
    void aValueLargerThanTheFlowControlWindowArrivesWhole() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        byte[] big = new byte[3 * LiftbridgeClient.FLOW_CONTROL_WINDOW / 2];
        new java.util.Random(1).nextBytes(big);
        Api.Ack ack = client.publishAsync("s", big, MessageOptions.create().partition(0)
                .key("k".getBytes(StandardCharsets.UTF_8)).header("h", new byte[] {1})).get(10, TimeUnit.SECONDS);
        assertEquals(big.length, ack.getOffset());
        assertEquals(ByteString.copyFrom(big), values.get(0));
    }

    @Test
    void aHandlerThatThrowsDoesNotBreakTheStream() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        AtomicInteger calls = new AtomicInteger();
        client.publishAsync("s", ByteString.copyFromUtf8("1"), P0, (ack, error) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("a faulty callback");
        });
        assertEquals(2, pub("2").get(5, TimeUnit.SECONDS).getOffset());
        assertEquals(1, calls.get());
    }

    @Test
    void aCallerIdInTheGeneratedFormIsRefusedAndOtherIdsStillWork() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        assertEquals(1, pub("1").get(5, TimeUnit.SECONDS).getOffset());
        String generated = ids.get(0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.publishAsync("s",
                "3".getBytes(StandardCharsets.UTF_8), MessageOptions.create().partition(0)
                        .correlationId(generated.substring(0, generated.length() - 1) + "77"))
                .get(5, TimeUnit.SECONDS));
        assertEquals(LiftbridgeException.Kind.INVALID_ARGUMENT, ((LiftbridgeException) e.getCause()).kind());
        Api.Ack mine = client.publishAsync("s", "4".getBytes(StandardCharsets.UTF_8),
                MessageOptions.create().partition(0).correlationId("lb-not-a-number")).get(5, TimeUnit.SECONDS);
        assertEquals("lb-not-a-number", mine.getCorrelationId());
        assertEquals(4, mine.getOffset());
    }

    @Test
    void closeFailsEveryOutstandingPublishOnce() throws Exception {
        client = LiftbridgeClient.builder().seeds(start()).build();
        CompletableFuture<Api.Ack> a = pub("hold");
        CompletableFuture<Api.Ack> b = client.publishAsync("s", "hold".getBytes(StandardCharsets.UTF_8),
                MessageOptions.create().partition(0).correlationId("given"));
        AtomicInteger handlerCalls = new AtomicInteger();
        CompletableFuture<LiftbridgeException> c = new CompletableFuture<>();
        client.publishAsync("s", ByteString.copyFromUtf8("hold"), P0, (ack, error) -> {
            handlerCalls.incrementAndGet();
            c.complete(error);
        });
        assertEquals(3, awaitIds(3));
        client.close();
        for (CompletableFuture<Api.Ack> f : List.of(a, b)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertEquals(LiftbridgeException.Kind.CANCELLED, ((LiftbridgeException) e.getCause()).kind());
        }
        assertEquals(LiftbridgeException.Kind.CANCELLED, c.get(5, TimeUnit.SECONDS).kind());
        assertEquals(1, handlerCalls.get());
        LiftbridgeException closed = assertThrows(LiftbridgeException.class,
                () -> client.publishAsync("s", ByteString.copyFromUtf8("1"), P0, (ack, error) -> { }));
        assertEquals(LiftbridgeException.Kind.CANCELLED, closed.kind());
    }

    /**
     * A model check under concurrency: 4 threads publish 1,500 messages each through a window of
     * 16 (a ring of 32 slots, so slots are reused ~190 times and often found taken) to a broker
     * that acks most at once, holds every 7th until three are held and then acks them in reverse
     * order, acks every 11th twice and never acks every 97th, with a 300 ms ack timeout racing
     * the late ones. Every publish must get exactly one outcome, every ack must be its own, and
     * only unanswered publishes may time out.
     */
    @Test
    void concurrentPublishersGetExactlyTheirOwnOutcome() throws Exception {
        String address = startPublishAsync(o -> {
            List<Api.PublishRequest> held = new ArrayList<>();
            return r -> {
                long v = Long.parseLong(r.getValue().toStringUtf8());
                if (v % 97 == 0) {
                    return;
                }
                if (v % 7 == 0) {
                    held.add(r);
                    if (held.size() == 3) {
                        for (int i = held.size() - 1; i >= 0; i--) {
                            Api.PublishRequest h = held.get(i);
                            o.onNext(ack(h, Long.parseLong(h.getValue().toStringUtf8())));
                        }
                        held.clear();
                    }
                    return;
                }
                o.onNext(ack(r, v));
                if (v % 11 == 0) {
                    o.onNext(ack(r, -v)); // a second ack must be ignored
                }
            };
        });
        client = LiftbridgeClient.builder().seeds(address).maxInFlight(16)
                .ackTimeout(Duration.ofMillis(300)).build();
        int threads = 4;
        int each = 1500;
        Map<Long, List<Object>> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(threads * each);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            workers.add(Thread.ofPlatform().name("publisher-" + t).start(() -> {
                for (long v = base + 1; v <= base + each; v++) {
                    long value = v;
                    client.publishAsync("s", ByteString.copyFromUtf8(Long.toString(v)), P0, (ack, error) -> {
                        outcomes.computeIfAbsent(value, k -> new CopyOnWriteArrayList<>())
                                .add(error != null ? error.kind() : ack.offset());
                        done.countDown();
                    });
                }
            }));
        }
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "outcomes: " + outcomes.size() + " of " + threads * each);
        int acked = 0;
        for (long v = 1; v <= (long) threads * each; v++) {
            List<Object> got = outcomes.get(v);
            assertNotNull(got, "publish " + v + " got no outcome");
            assertEquals(1, got.size(), "publish " + v + ": " + got);
            Object outcome = got.get(0);
            if (v % 97 == 0) {
                assertEquals(LiftbridgeException.Kind.ACK_TIMEOUT, outcome, "publish " + v);
            } else if (outcome instanceof Long offset) {
                assertEquals(v, offset, "publish " + v + " got another publish's ack");
                acked++;
            } else {
                // Only a held publish may time out (the last ones wait for company that never comes,
                // or were released after their timeout).
                assertEquals(LiftbridgeException.Kind.ACK_TIMEOUT, outcome, "publish " + v);
                assertEquals(0, v % 7, "publish " + v + " was answered at once, yet timed out");
            }
        }
        assertTrue(acked > threads * each * 3 / 4, "acked " + acked);
        // Every permit came back: a full window still goes through.
        List<CompletableFuture<Api.Ack>> window = new ArrayList<>();
        for (int v = 100_000; window.size() < 16; v++) {
            if (v % 7 != 0 && v % 97 != 0) { // answered at once
                window.add(client.publishAsync("s", Integer.toString(v).getBytes(StandardCharsets.UTF_8), P0));
            }
        }
        for (CompletableFuture<Api.Ack> f : window) {
            assertNotNull(f.get(5, TimeUnit.SECONDS));
        }
    }

    /** Waits until the broker saw {@code n} publishes (up to 5 s); returns how many it saw. */
    private int awaitIds(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ids.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return ids.size();
    }
}
