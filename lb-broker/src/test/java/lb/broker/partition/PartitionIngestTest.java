package lb.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lb.broker.config.StreamSettings;
import lb.broker.log.SyncPolicy;
import lb.broker.metadata.LocalCommandLog;
import lb.broker.metadata.MetadataController;
import lb.broker.metadata.MetadataFsm;
import lb.broker.nats.EmbeddedNatsServer;
import lb.broker.nats.NatsServerOptions;
import lb.client.envelope.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition layer end to end on real parts: the embedded NATS server, jnats publishers,
 * the metadata FSM on its file log, and commit logs in a temp directory.
 */
class PartitionIngestTest {

    static final StreamSettings DEFAULTS = new StreamSettings(0, 0, Duration.ZERO,
            Duration.ofMinutes(5), 1L << 30, Duration.ZERO, false, 10, Duration.ZERO, false, 1,
            false, false);

    @TempDir
    Path dir;
    private EmbeddedNatsServer nats;
    private Connection nc;
    private Node node;

    /** One broker's worth of metadata and partitions over a NATS connection. */
    final class Node implements AutoCloseable {
        final LocalCommandLog log;
        final MetadataFsm fsm = new MetadataFsm();
        final MetadataController controller;
        final Partitions partitions;
        final Connection conn;
        final List<String> autoPauses = new ArrayList<>();

        final Dispatchers dispatchers;

        Node(int maxBytes) throws Exception {
            conn = Nats.connect(new Options.Builder().server(nats.clientUrl()).build());
            dispatchers = new Dispatchers(conn, 2);
            PartitionHost host = new PartitionHost() {
                @Override
                public io.nats.client.Dispatcher dispatcher(String stream, int id) {
                    return dispatchers.forPartition(stream, id);
                }

                @Override
                public String serverId() {
                    return "b1";
                }

                @Override
                public Connection nats() {
                    return conn;
                }

                @Override
                public int maxMessageBytes() {
                    return maxBytes;
                }

                @Override
                public Clock clock() {
                    return Clock.systemUTC();
                }

                @Override
                public void requestAutoPause(String stream, int partition) {
                    synchronized (autoPauses) {
                        autoPauses.add(stream + "/" + partition);
                    }
                    controller.pauseStream(stream, List.of(partition), false);
                }
            };
            partitions = new Partitions(dir.resolve("data"), host, DEFAULTS, SyncPolicy.ALWAYS);
            partitions.streamLookup(name -> fsm.view().stream(name));
            fsm.addListener(partitions);
            log = new LocalCommandLog(dir.resolve("meta"), "b1", 1000);
            log.start(fsm);
            controller = new MetadataController(log, fsm, () -> List.of("b1"), Clock.systemUTC());
        }

        @Override
        public void close() throws Exception {
            log.close();
            partitions.close();
            dispatchers.close();
            conn.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        nats = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).build());
        nc = Nats.connect(new Options.Builder().server(nats.clientUrl()).build());
        node = new Node(1024);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        nc.close();
        nats.close();
    }

    private void create(String name, int partitions, Api.CreateStreamRequest.Builder extra) throws Exception {
        node.controller.createStream(extra.setSubject(name).setName(name).setPartitions(partitions).build())
                .get(5, TimeUnit.SECONDS);
    }

    private Partition partition(String stream, int id) {
        Partition p = node.partitions.get(stream, id);
        assertNotNull(p, stream + "/" + id);
        return p;
    }

    private static List<Api.Message> read(Partition p, long from, int count) throws InterruptedException {
        List<Api.Message> out = new ArrayList<>();
        try (PartitionReader r = p.newReader(from, -1)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (out.size() < count && System.nanoTime() < deadline) {
                PartitionReader.Batch b = r.next(count - out.size(), 200);
                assertNull(b.end(), () -> "reader ended: " + b.end());
                out.addAll(b.messages());
            }
        }
        assertEquals(count, out.size(), "messages read");
        return out;
    }

    private static byte[] envelope(String value, String inbox, Api.AckPolicy policy, long expected) {
        return Envelope.encodePublish(Api.Message.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFromUtf8(value)).setAckInbox(inbox).setCorrelationId("c-" + value)
                .setAckPolicy(policy).setOffset(expected).putHeaders("h", ByteString.copyFromUtf8("x"))
                .build());
    }

    private Api.Ack nextAck(io.nats.client.Subscription acks) throws Exception {
        io.nats.client.Message m = acks.nextMessage(Duration.ofSeconds(5));
        assertNotNull(m, "ack");
        return Envelope.decodeAck(m.getData());
    }

    private void waitLeading(String stream, int id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!partition(stream, id).isLeading()) {
            assertTrue(System.nanoTime() < deadline, "partition never started leading");
            Thread.sleep(5);
        }
        nc.flush(Duration.ofSeconds(2));
        node.conn.flush(Duration.ofSeconds(2));
    }

    @Test
    void storesPlainNatsMessagesWithSubjectAndReplyHeaders() throws Exception {
        create("orders", 2, Api.CreateStreamRequest.newBuilder());
        waitLeading("orders", 0);
        waitLeading("orders", 1);
        nc.publish("orders", "reply.here", "hello".getBytes(StandardCharsets.UTF_8));
        nc.publish("orders.1", "p1".getBytes(StandardCharsets.UTF_8));
        List<Api.Message> m = read(partition("orders", 0), 0, 1);
        assertEquals(0, m.get(0).getOffset());
        assertEquals("hello", m.get(0).getValue().toStringUtf8());
        assertTrue(m.get(0).getKey().isEmpty());
        assertEquals("orders", m.get(0).getSubject());
        assertEquals("reply.here", m.get(0).getReplySubject());
        assertEquals("orders", m.get(0).getHeadersMap().get("subject").toStringUtf8());
        assertEquals("reply.here", m.get(0).getHeadersMap().get("reply").toStringUtf8());
        assertEquals("orders", m.get(0).getStream());
        assertTrue(m.get(0).getTimestamp() > 0);
        assertEquals("p1", read(partition("orders", 1), 0, 1).get(0).getValue().toStringUtf8());
    }

    @Test
    void envelopesAreStoredWithKeysAndHeadersAndAckedAfterTheAppend() throws Exception {
        create("s", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("s", 0);
        io.nats.client.Subscription acks = nc.subscribe("acks.1");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("s", envelope("a", "acks.1", Api.AckPolicy.LEADER, -1));
        nc.publish("s", envelope("b", "acks.1", Api.AckPolicy.ALL, -1));
        nc.publish("s", envelope("c", "acks.1", Api.AckPolicy.NONE, -1));
        Api.Ack a = nextAck(acks);
        Api.Ack b = nextAck(acks);
        assertEquals(0, a.getOffset());
        assertEquals("c-a", a.getCorrelationId());
        assertEquals("s", a.getStream());
        assertEquals("s", a.getPartitionSubject());
        assertEquals("s", a.getMsgSubject());
        assertEquals("acks.1", a.getAckInbox());
        assertEquals(Api.Ack.Error.OK, a.getAckError());
        assertTrue(a.getCommitTimestamp() >= a.getReceptionTimestamp() && a.getReceptionTimestamp() > 0);
        assertEquals(1, b.getOffset());
        assertEquals(Api.AckPolicy.ALL, b.getAckPolicy());
        assertNull(acks.nextMessage(Duration.ofMillis(200)), "policy NONE is never acked");
        List<Api.Message> m = read(partition("s", 0), 0, 3);
        assertEquals("k", m.get(1).getKey().toStringUtf8());
        assertEquals("x", m.get(1).getHeadersMap().get("h").toStringUtf8());
        assertEquals("", m.get(1).getAckInbox(), "ack fields are never delivered");
    }

    @Test
    void garbledEnvelopesAreStoredAsPlainDataAndThePartitionKeepsServing() throws Exception {
        create("g", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("g", 0);
        byte[] bad = envelope("x", "i", Api.AckPolicy.LEADER, -1);
        bad[5] = (byte) 200; // header length beyond the message
        nc.publish("g", bad);
        nc.publish("g", new byte[] {(byte) 0xB9, 0x0E, 0x43});
        nc.publish("g", new byte[0]);
        List<Api.Message> m = read(partition("g", 0), 0, 3);
        assertEquals(ByteString.copyFrom(bad), m.get(0).getValue());
        assertEquals(3, m.get(1).getValue().size());
        assertEquals(0, m.get(2).getValue().size());
    }

    @Test
    void tooLargeMessagesGetATooLargeAckWhateverTheirPolicyAndAreNotStored() throws Exception {
        create("big", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("big", 0);
        io.nats.client.Subscription acks = nc.subscribe("acks.big");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("big", envelope("x".repeat(2000), "acks.big", Api.AckPolicy.NONE, -1));
        nc.publish("big", envelope("small", "acks.big", Api.AckPolicy.LEADER, -1));
        Api.Ack tooLarge = nextAck(acks);
        assertEquals(Api.Ack.Error.TOO_LARGE, tooLarge.getAckError());
        assertEquals(0, tooLarge.getOffset());
        assertEquals(0, tooLarge.getCommitTimestamp());
        Api.Ack ok = nextAck(acks);
        assertEquals(0, ok.getOffset(), "the small message got offset 0: the large one was not stored");
    }

    @Test
    void optimisticConcurrencyRejectsWrongExpectedOffsets() throws Exception {
        create("occ", 1, Api.CreateStreamRequest.newBuilder().setOptimisticConcurrencyControl(
                Api.NullableBool.newBuilder().setValue(true)));
        waitLeading("occ", 0);
        io.nats.client.Subscription acks = nc.subscribe("acks.occ");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("occ", envelope("a", "acks.occ", Api.AckPolicy.LEADER, 0));
        nc.publish("occ", envelope("b", "acks.occ", Api.AckPolicy.LEADER, 0));
        nc.publish("occ", envelope("c", "acks.occ", Api.AckPolicy.LEADER, 1));
        nc.publish("occ", envelope("d", "acks.occ", Api.AckPolicy.LEADER, -1));
        assertEquals(0, nextAck(acks).getOffset());
        Api.Ack rejected = nextAck(acks);
        assertEquals(Api.Ack.Error.INCORRECT_OFFSET, rejected.getAckError());
        assertEquals("c-b", rejected.getCorrelationId());
        assertEquals(1, nextAck(acks).getOffset());
        assertEquals(2, nextAck(acks).getOffset(), "-1 disables the check");
    }

    @Test
    void readonlyDropsWithoutAckAndReadersEndAtTheNewestOffset() throws Exception {
        create("ro", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("ro", 0);
        io.nats.client.Subscription acks = nc.subscribe("acks.ro");
        nc.flush(Duration.ofSeconds(2));
        nc.publish("ro", envelope("a", "acks.ro", Api.AckPolicy.LEADER, -1));
        assertEquals(0, nextAck(acks).getOffset());
        node.controller.setStreamReadonly("ro", List.of(), true).get(5, TimeUnit.SECONDS);
        assertTrue(partition("ro", 0).isReadonly());
        nc.publish("ro", envelope("b", "acks.ro", Api.AckPolicy.LEADER, -1));
        assertNull(acks.nextMessage(Duration.ofMillis(300)), "read-only drops without an ack");
        try (PartitionReader r = partition("ro", 0).newReader(0, -1)) {
            PartitionReader.Batch b = r.next(10, 1000);
            assertEquals(1, b.messages().size());
            PartitionReader.Batch end = r.next(10, 1000);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, end.end().getCode());
            assertEquals("End of readonly partition", end.end().getDescription());
        }
        node.controller.setStreamReadonly("ro", List.of(), false).get(5, TimeUnit.SECONDS);
        nc.publish("ro", envelope("c", "acks.ro", Api.AckPolicy.LEADER, -1));
        assertEquals(1, nextAck(acks).getOffset(), "writable again");
    }

    /** What an in-process publisher (the gRPC handlers) hears back, in order. */
    static final class Outcomes implements LocalPublish.AckListener {
        final java.util.concurrent.LinkedBlockingQueue<Object> got = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void onAck(Api.Ack ack) {
            got.add(ack);
        }

        @Override
        public void onFailure(Status status) {
            got.add(status);
        }

        Object next() throws InterruptedException {
            Object o = got.poll(5, TimeUnit.SECONDS);
            assertNotNull(o, "an outcome");
            return o;
        }
    }

    private static LocalPublish local(String value, int size, long expected, LocalPublish.AckListener l) {
        return new LocalPublish("loc", ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8(value + "x".repeat(size)),
                java.util.Map.of("h", ByteString.copyFromUtf8("v")), "inbox.loc", false, "c-" + value,
                Api.AckPolicy.LEADER_VALUE, expected, l);
    }

    /**
     * In-process publishes get the checks, records and acks of envelopes, through their listener:
     * stored and acked in order, refused when too large or at the wrong expected offset, failed
     * when read-only, and turned away (false) once the partition stops leading.
     */
    @Test
    void inProcessPublishesAreCheckedStoredAndAnsweredLikeEnvelopes() throws Exception {
        create("loc", 1, Api.CreateStreamRequest.newBuilder().setOptimisticConcurrencyControl(
                Api.NullableBool.newBuilder().setValue(true)));
        waitLeading("loc", 0);
        Partition p = partition("loc", 0);
        Outcomes out = new Outcomes();
        assertEquals(Partition.Offer.QUEUED, p.offer(local("a", 0, -1, out), true));
        assertEquals(Partition.Offer.QUEUED, p.offer(local("b", 2000, -1, out), true));
        assertEquals(Partition.Offer.QUEUED, p.offer(local("c", 0, 5, out), true));
        assertEquals(Partition.Offer.QUEUED, p.offer(local("d", 0, 1, out), true));
        Api.Ack a = (Api.Ack) out.next();
        assertEquals(Api.Ack.Error.OK, a.getAckError());
        assertEquals(0, a.getOffset());
        assertEquals("c-a", a.getCorrelationId());
        assertEquals("inbox.loc", a.getAckInbox());
        assertEquals("loc", a.getMsgSubject());
        assertTrue(a.getCommitTimestamp() > 0);
        assertEquals(Api.Ack.Error.TOO_LARGE, ((Api.Ack) out.next()).getAckError());
        assertEquals(Api.Ack.Error.INCORRECT_OFFSET, ((Api.Ack) out.next()).getAckError());
        Api.Ack d = (Api.Ack) out.next();
        assertEquals(1, d.getOffset(), "only a and d were stored");
        List<Api.Message> stored = read(p, 0, 2);
        assertEquals("a", stored.get(0).getValue().toStringUtf8());
        assertEquals("v", stored.get(0).getHeadersMap().get("h").toStringUtf8());
        assertEquals("loc", stored.get(0).getHeadersMap().get("subject").toStringUtf8());
        assertEquals("", stored.get(0).getHeadersMap().get("reply").toStringUtf8());

        node.controller.setStreamReadonly("loc", List.of(), true).get(5, TimeUnit.SECONDS);
        assertEquals(Partition.Offer.QUEUED, p.offer(local("e", 0, -1, out), true));
        Status ro = (Status) out.next();
        assertEquals(Status.Code.FAILED_PRECONDITION, ro.getCode());
        assertEquals("readonly partition: 0", ro.getDescription());

        node.controller.pauseStream("loc", List.of(), false).get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.isLeading()) {
            assertTrue(System.nanoTime() < deadline, "the paused partition kept leading");
            Thread.sleep(5);
        }
        assertEquals(Partition.Offer.NOT_HERE, p.offer(local("f", 0, -1, out), true),
                "a paused partition does not take in-process publishes");
    }

    /**
     * A full writer queue turns a non-waiting in-process publish away (FULL: a gRPC transport
     * thread must not block) and makes a waiting one wait; nothing turned away is stored, and
     * everything queued is, in order, once the writer moves again.
     */
    @Test
    void aFullQueueTurnsAwayPublishersThatMayNotWait() throws Exception {
        create("full", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("full", 0);
        Partition p = partition("full", 0);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
        Outcomes out = new Outcomes();
        LocalPublish.AckListener stall = new LocalPublish.AckListener() {
            @Override
            public void onAck(Api.Ack ack) {
                stalled.countDown();
                try {
                    release.await(); // the writer thread: holds every later message in the queue
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onFailure(Status status) {
                out.onFailure(status);
            }
        };
        assertEquals(Partition.Offer.QUEUED, p.offer(local("first", 0, -1, stall), false));
        assertTrue(stalled.await(5, TimeUnit.SECONDS));
        int queued = 0;
        Partition.Offer o;
        while ((o = p.offer(local("q" + queued, 0, -1, out), false)) == Partition.Offer.QUEUED) {
            queued++;
            assertTrue(queued <= PartitionWriter.QUEUE_CAPACITY, "the queue is bounded");
        }
        assertEquals(Partition.Offer.FULL, o);
        assertEquals(PartitionWriter.QUEUE_CAPACITY, queued, "turned away only when full");
        java.util.concurrent.CompletableFuture<Partition.Offer> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return p.offer(local("last", 0, -1, out), true);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Thread.sleep(100); // give it the chance to get in wrongly; it must still be waiting
        assertFalse(waiting.isDone(), "a waiting publisher waits for room");
        release.countDown();
        assertEquals(Partition.Offer.QUEUED, waiting.get(10, TimeUnit.SECONDS));
        for (int i = 0; i < queued; i++) {
            Api.Ack a = (Api.Ack) out.next();
            assertEquals(i + 1, a.getOffset());
            assertEquals("c-q" + i, a.getCorrelationId());
        }
        Api.Ack last = (Api.Ack) out.next();
        assertEquals("c-last", last.getCorrelationId());
        assertEquals(queued + 1, last.getOffset(), "the turned-away message was not stored");
    }

    /** Subscribe's encoded messages are byte for byte the protobuf encoding of the messages. */
    @Test
    void encodedReadsAreExactlyTheProtobufEncodingOfTheMessages() throws Exception {
        create("enc", 2, Api.CreateStreamRequest.newBuilder());
        waitLeading("enc", 1);
        Partition p = partition("enc", 1);
        java.util.Random rnd = new java.util.Random(7);
        Outcomes out = new Outcomes();
        int n = 300;
        for (int i = 0; i < n; i++) {
            switch (i % 3) {
                case 0 -> nc.publish("enc.1", "r" + i, ("plain-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                case 1 -> {
                    Api.Message.Builder m = Api.Message.newBuilder().setOffset(-1)
                            .setValue(ByteString.copyFrom(new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(400)]));
                    if (rnd.nextBoolean()) {
                        m.setKey(ByteString.copyFromUtf8("ké" + i));
                    }
                    for (int h = rnd.nextInt(4); h > 0; h--) {
                        m.putHeaders("h" + h, h == 2 ? ByteString.EMPTY : ByteString.copyFromUtf8("v" + i));
                    }
                    nc.publish("enc.1", Envelope.encodePublish(m.build()));
                }
                default -> assertEquals(Partition.Offer.QUEUED, p.offer(new LocalPublish("enc.1", ByteString.EMPTY,
                        ByteString.copyFromUtf8("l" + i), java.util.Map.of(), "", false, "",
                        Api.AckPolicy.LEADER_VALUE, -1, out), true));
            }
        }
        List<Api.Message> messages = read(p, 0, n);
        List<byte[]> encoded = new ArrayList<>();
        try (PartitionReader r = p.newReader(0, -1)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (encoded.size() < n && System.nanoTime() < deadline) {
                encoded.addAll(r.nextEncoded(n - encoded.size(), 200).messages());
            }
        }
        assertEquals(n, encoded.size());
        for (int i = 0; i < n; i++) {
            assertEquals(java.util.HexFormat.of().formatHex(messages.get(i).toByteArray()),
                    java.util.HexFormat.of().formatHex(encoded.get(i)), "message " + i);
        }
        for (int i = 0; i < n / 3; i++) {
            assertEquals(Api.Ack.Error.OK, ((Api.Ack) out.next()).getAckError(), "in-process publish " + i);
        }
        assertEquals(0, out.got.size(), "one outcome per in-process publish");
    }

    @Test
    void pauseEndsReadersAndResumeReopensTheLog() throws Exception {
        create("p", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("p", 0);
        nc.publish("p", "one".getBytes(StandardCharsets.UTF_8));
        read(partition("p", 0), 0, 1);
        PartitionReader r = partition("p", 0).newReader(1, -1);
        node.controller.pauseStream("p", List.of(), false).get(5, TimeUnit.SECONDS);
        PartitionReader.Batch b = r.next(10, 2000);
        assertEquals(Status.Code.FAILED_PRECONDITION, b.end().getCode());
        assertEquals("commit log was closed", b.end().getDescription());
        r.close();
        nc.publish("p", "lost".getBytes(StandardCharsets.UTF_8)); // nobody stores it while paused
        assertFalse(partition("p", 0).isLeading());
        node.controller.resumePartitions("p", List.of(0)).get(5, TimeUnit.SECONDS);
        waitLeading("p", 0);
        nc.publish("p", "two".getBytes(StandardCharsets.UTF_8));
        List<Api.Message> m = read(partition("p", 0), 0, 2);
        assertEquals("one", m.get(0).getValue().toStringUtf8());
        assertEquals("two", m.get(1).getValue().toStringUtf8());
        assertEquals(1, m.get(1).getOffset());
    }

    @Test
    void autoPausesAnIdlePartition() throws Exception {
        create("idle", 1, Api.CreateStreamRequest.newBuilder().setAutoPauseTime(
                Api.NullableInt64.newBuilder().setValue(200)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!node.fsm.view().partition("idle", 0).paused()) {
            assertTrue(System.nanoTime() < deadline, "never auto-paused");
            Thread.sleep(20);
        }
        assertEquals(List.of("idle/0"), node.autoPauses);
    }

    @Test
    void autoPauseWaitsWhileTheLeaderHasSubscribersWhenAskedTo() throws Exception {
        create("busy", 1, Api.CreateStreamRequest.newBuilder()
                .setAutoPauseTime(Api.NullableInt64.newBuilder().setValue(200))
                .setAutoPauseDisableIfSubscribers(Api.NullableBool.newBuilder().setValue(true)));
        PartitionReader reader = partition("busy", 0).newReader(0, -1);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800); // four idle periods
        while (System.nanoTime() < until) {
            assertFalse(node.fsm.view().partition("busy", 0).paused(), "paused despite a subscriber");
            Thread.sleep(20);
        }
        reader.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!node.fsm.view().partition("busy", 0).paused()) {
            assertTrue(System.nanoTime() < deadline, "never paused after the subscriber left");
            Thread.sleep(20);
        }
    }

    @Test
    void deleteEndsReadersWithNotFoundAndRemovesTheFiles() throws Exception {
        create("d", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("d", 0);
        Path files = node.partitions.dir("d", 0);
        assertTrue(Files.isDirectory(files));
        PartitionReader r = partition("d", 0).newReader(0, -1);
        node.controller.deleteStream("d").get(5, TimeUnit.SECONDS);
        PartitionReader.Batch b = r.next(10, 2000);
        assertEquals(Status.Code.NOT_FOUND, b.end().getCode());
        assertEquals("commit log was deleted", b.end().getDescription());
        assertNull(node.partitions.get("d", 0));
        assertFalse(Files.exists(files.resolve("00000000000000000000.log")));
    }

    @Test
    void aRestartRecoversStreamsMessagesAndFlags() throws Exception {
        create("r", 2, Api.CreateStreamRequest.newBuilder());
        waitLeading("r", 0);
        for (int i = 0; i < 100; i++) {
            nc.publish("r", ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        read(partition("r", 0), 0, 100);
        node.controller.setStreamReadonly("r", List.of(1), true).get(5, TimeUnit.SECONDS);
        node.close();
        node = new Node(1024);
        Partition p0 = partition("r", 0);
        assertEquals(99, p0.newestOffset());
        assertEquals(99, p0.highWatermark());
        assertTrue(partition("r", 1).isReadonly());
        waitLeading("r", 0);
        nc.publish("r", "after".getBytes(StandardCharsets.UTF_8));
        assertEquals(100, read(p0, 100, 1).get(0).getOffset());
    }

    @Test
    void resolvesStartAndStopPositionsWithUpstreamsStatuses() throws Exception {
        create("pos", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("pos", 0);
        Partition p = partition("pos", 0);
        Api.SubscribeRequest.Builder base = Api.SubscribeRequest.newBuilder().setStream("pos");
        PartitionException empty = assertThrows(PartitionException.class, () -> SubscribeRange.resolve(p,
                base.clone().setStopPosition(Api.StopPosition.STOP_LATEST).build()));
        assertEquals("Stream is empty", empty.getMessage());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, empty.status().getCode());
        for (int i = 0; i < 10; i++) {
            nc.publish("pos", ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        read(p, 0, 10);
        assertEquals(new SubscribeRange(10, -1), SubscribeRange.resolve(p, base.build()));
        assertEquals(new SubscribeRange(0, 9), SubscribeRange.resolve(p, base.clone()
                .setStartPosition(Api.StartPosition.EARLIEST).setStopPosition(Api.StopPosition.STOP_LATEST).build()));
        assertEquals(new SubscribeRange(9, -1), SubscribeRange.resolve(p, base.clone()
                .setStartPosition(Api.StartPosition.LATEST).build()));
        assertEquals(new SubscribeRange(0, 3), SubscribeRange.resolve(p, base.clone()
                .setStartPosition(Api.StartPosition.OFFSET).setStartOffset(-5)
                .setStopPosition(Api.StopPosition.STOP_OFFSET).setStopOffset(3).build()));
        assertEquals(new SubscribeRange(0, -1), SubscribeRange.resolve(p, base.clone()
                .setStartPosition(Api.StartPosition.TIMESTAMP).setStartTimestamp(1).build()));
        assertEquals(new SubscribeRange(10, -1), SubscribeRange.resolve(p, base.clone()
                .setStartPosition(Api.StartPosition.TIMESTAMP).setStartTimestamp(Long.MAX_VALUE).build()));
        PartitionException before = assertThrows(PartitionException.class, () -> SubscribeRange.resolve(p,
                base.clone().setStartPosition(Api.StartPosition.OFFSET).setStartOffset(5)
                        .setStopPosition(Api.StopPosition.STOP_OFFSET).setStopOffset(2).build()));
        assertEquals("Stop offset is before start offset: 2 < 5", before.getMessage());
        PartitionException ts = assertThrows(PartitionException.class, () -> SubscribeRange.resolve(p,
                base.clone().setStopPosition(Api.StopPosition.STOP_TIMESTAMP).setStopTimestamp(1).build()));
        assertTrue(ts.getMessage().startsWith("Failed to lookup offset for timestamp: "), ts.getMessage());
        assertEquals("Unknown StartPosition 9", assertThrows(PartitionException.class,
                () -> SubscribeRange.resolve(p, base.clone().setStartPositionValue(9).build())).getMessage());
        assertEquals("Unknown StopPosition 7", assertThrows(PartitionException.class,
                () -> SubscribeRange.resolve(p, base.clone().setStopPositionValue(7).build())).getMessage());

        // A stop offset ends the reader after that message with "Stop offset reached".
        try (PartitionReader r = p.newReader(2, 4)) {
            PartitionReader.Batch b = r.next(100, 1000);
            assertEquals(3, b.messages().size());
            assertEquals("Stop offset reached", b.end().getDescription());
        }
    }

    @Test
    void aReaderWaitsForTheHighWatermarkWithoutPolling() throws Exception {
        create("w", 1, Api.CreateStreamRequest.newBuilder());
        waitLeading("w", 0);
        try (PartitionReader r = partition("w", 0).newReader(0, -1)) {
            long t0 = System.nanoTime();
            PartitionReader.Batch none = r.next(10, 150);
            assertTrue(none.messages().isEmpty() && none.end() == null);
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100), "waited");
            Thread publisher = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                nc.publish("w", "late".getBytes(StandardCharsets.UTF_8));
            });
            PartitionReader.Batch b = r.next(10, 5000);
            assertEquals(1, b.messages().size(), "woken by the append");
            publisher.join();
        }
    }

}
