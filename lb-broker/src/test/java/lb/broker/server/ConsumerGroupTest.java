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
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import lb.client.Consumer;
import lb.client.ConsumerOptions;
import lb.client.LiftbridgeClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups over real gRPC sockets and real NATS (wire-contract §3.13–3.16, behavior.md
 * §11–12): RPC validation and statuses, balanced assignment, eviction of a silent member, epoch
 * fencing of subscriptions, and the Java {@link Consumer} losing nothing across member failure,
 * restart and leave. Tests tagged {@value #SHORT} run the broker with a 1 s consumer timeout so
 * that eviction takes about a second; the others with 60 s, so that members that never heartbeat
 * are not removed in the middle of a check on a loaded machine.
 */
class ConsumerGroupTest {

    /** The consumer timeout of tests tagged {@value #SHORT}: eviction within about a second. */
    static final Duration CONSUMER_TIMEOUT = Duration.ofSeconds(1);
    /** Everyone else's: long enough that members of RPC-level tests, which never heartbeat, stay. */
    static final Duration LONG_TIMEOUT = Duration.ofSeconds(60);
    static final String SHORT = "short-consumer-timeout";

    @TempDir
    Path dir;
    BrokerServer broker;
    ManagedChannel channel;
    APIGrpc.APIBlockingStub api;
    final List<LiftbridgeClient> clients = new ArrayList<>();

    lb.broker.config.BrokerConfig config;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        Duration timeout = test.getTags().contains(SHORT) ? CONSUMER_TIMEOUT : LONG_TIMEOUT;
        config = TestBroker.config(dir.resolve("data"), TestBroker.embeddedNats(),
                "cursors.stream.partitions: 2\nactivity.stream.enabled: true\n"
                        + "groups.consumer.timeout: " + timeout.toMillis() + "ms\ngroups.coordinator.timeout: 2s\n");
        broker = BrokerServer.start(config);
        connect();
    }

    void connect() {
        channel = OkHttpChannelBuilder.forAddress("127.0.0.1", broker.port()).usePlaintext().build();
        api = APIGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        for (LiftbridgeClient c : clients) {
            c.close();
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
    }

    LiftbridgeClient client() {
        LiftbridgeClient c = LiftbridgeClient.connect("127.0.0.1:" + broker.port());
        clients.add(c);
        return c;
    }

    static void assertStatus(Status.Code code, String message, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), () -> "status of: " + e.getStatus());
        assertEquals(message, e.getStatus().getDescription());
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    void createStream(String name, int partitions) {
        api.createStream(Api.CreateStreamRequest.newBuilder().setName(name).setSubject(name)
                .setPartitions(partitions).build());
    }

    Api.JoinConsumerGroupResponse join(String group, String consumer, String... streams) {
        return api.joinConsumerGroup(Api.JoinConsumerGroupRequest.newBuilder().setGroupId(group)
                .setConsumerId(consumer).addAllStreams(List.of(streams)).build());
    }

    Api.FetchConsumerGroupAssignmentsResponse fetch(String group, String consumer, long epoch) {
        return api.fetchConsumerGroupAssignments(Api.FetchConsumerGroupAssignmentsRequest.newBuilder()
                .setGroupId(group).setConsumerId(consumer).setEpoch(epoch).build());
    }

    long groupEpoch(String group) {
        Api.ConsumerGroupMetadata g = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder().addGroups(group)
                .build()).getGroupMetadata(0);
        assertEquals(Api.ConsumerGroupMetadata.Error.OK, g.getError(), () -> "group " + group + ": " + g);
        return g.getEpoch();
    }

    /**
     * One heartbeat of {@code member} at {@code epoch[0]}: its partitions, or none when the epoch
     * moved meanwhile (then {@code epoch[0]} is re-read from FetchMetadata, as a client does).
     */
    Set<String> heartbeat(String group, String member, long[] epoch) {
        try {
            return partitions(fetch(group, member, epoch[0]));
        } catch (StatusRuntimeException e) {
            assertEquals("client-provided group epoch differs from broker group epoch", e.getStatus().getDescription());
            epoch[0] = groupEpoch(group);
            return Set.of();
        }
    }

    /** stream/partition keys of a member's assignment. */
    static Set<String> partitions(Api.FetchConsumerGroupAssignmentsResponse r) {
        Set<String> out = new TreeSet<>();
        for (Api.PartitionAssignment a : r.getAssignmentsList()) {
            for (int p : a.getPartitionsList()) {
                out.add(a.getStream() + "/" + p);
            }
        }
        return out;
    }

    void publish(String stream, int partition, String value) {
        api.publish(Api.PublishRequest.newBuilder().setStream(stream).setPartition(partition)
                .setValue(ByteString.copyFromUtf8(value)).setExpectedOffset(-1)
                .setAckPolicy(Api.AckPolicy.LEADER).build());
    }

    // ------------------------------------------------------------------ RPC contract

    @Test
    void joinAnswersCoordinatorEpochAndTimeoutsInNanoseconds() {
        createStream("orders", 2);
        Api.JoinConsumerGroupResponse first = join("g", "a", "orders");
        assertEquals("b1", first.getCoordinator());
        assertEquals(0, first.getEpoch(), "a new group starts at epoch 0");
        assertEquals(LONG_TIMEOUT.toNanos(), first.getConsumerTimeout());
        assertEquals(Duration.ofSeconds(2).toNanos(), first.getCoordinatorTimeout());
        Api.JoinConsumerGroupResponse second = join("g", "b", "orders");
        assertTrue(second.getEpoch() > 0, "a join moves the epoch to its log index");
        assertEquals(second.getEpoch(), groupEpoch("g"));

        Api.FetchMetadataResponse m = api.fetchMetadata(Api.FetchMetadataRequest.newBuilder()
                .addGroups("g").addGroups("nope").build());
        assertEquals(2, m.getGroupMetadataCount());
        assertEquals("b1", m.getGroupMetadata(0).getCoordinator());
        assertEquals(Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP, m.getGroupMetadata(1).getError());
        assertEquals(0, api.fetchMetadata(Api.FetchMetadataRequest.getDefaultInstance()).getGroupMetadataCount());
    }

    @Test
    void badRequestsGetTheSpecifiedStatus() {
        createStream("orders", 2);
        // Join §3.13
        assertStatus(Status.Code.INVALID_ARGUMENT, "No groupId provided", () -> join("", "a", "orders"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No consumerId provided", () -> join("g", "", "orders"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No streams provided", () -> join("g", "a"));
        assertStatus(Status.Code.FAILED_PRECONDITION, "stream does not exist", () -> join("g", "a", "missing"));
        long epoch = join("g", "a", "orders").getEpoch();
        assertStatus(Status.Code.FAILED_PRECONDITION, "consumer is already a member of the consumer group",
                () -> join("g", "a", "orders"));
        assertStatus(Status.Code.FAILED_PRECONDITION, "stream does not exist",
                () -> join("g", "b", "orders", "missing"));
        // Leave §3.14
        assertStatus(Status.Code.INVALID_ARGUMENT, "No groupId provided", () -> api.leaveConsumerGroup(
                Api.LeaveConsumerGroupRequest.newBuilder().setConsumerId("a").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No consumerId provided", () -> api.leaveConsumerGroup(
                Api.LeaveConsumerGroupRequest.newBuilder().setGroupId("g").build()));
        assertStatus(Status.Code.NOT_FOUND, "consumer group does not exist", () -> api.leaveConsumerGroup(
                Api.LeaveConsumerGroupRequest.newBuilder().setGroupId("nope").setConsumerId("a").build()));
        assertStatus(Status.Code.FAILED_PRECONDITION, "consumer is not a member of the consumer group",
                () -> api.leaveConsumerGroup(Api.LeaveConsumerGroupRequest.newBuilder().setGroupId("g")
                        .setConsumerId("zz").build()));
        // Assignments §3.15
        assertStatus(Status.Code.INVALID_ARGUMENT, "No groupId provided", () -> fetch("", "a", 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No consumerId provided", () -> fetch("g", "", 0));
        assertStatus(Status.Code.NOT_FOUND, "consumer group does not exist", () -> fetch("nope", "a", 0));
        assertStatus(Status.Code.FAILED_PRECONDITION, "client-provided group epoch differs from broker group epoch",
                () -> fetch("g", "a", epoch + 7));
        assertStatus(Status.Code.FAILED_PRECONDITION, "consumer is not a member of the consumer group",
                () -> fetch("g", "zz", epoch));
        // Coordinator reports §3.16
        Api.ReportConsumerGroupCoordinatorRequest.Builder report = Api.ReportConsumerGroupCoordinatorRequest
                .newBuilder().setGroupId("g").setConsumerId("a").setCoordinator("b1").setEpoch(epoch);
        assertStatus(Status.Code.INVALID_ARGUMENT, "No groupId provided",
                () -> api.reportConsumerGroupCoordinator(report.clone().setGroupId("").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No consumerId provided",
                () -> api.reportConsumerGroupCoordinator(report.clone().setConsumerId("").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "No coordinator provided",
                () -> api.reportConsumerGroupCoordinator(report.clone().setCoordinator("").build()));
        assertStatus(Status.Code.FAILED_PRECONDITION, "No such consumer group nope",
                () -> api.reportConsumerGroupCoordinator(report.clone().setGroupId("nope").build()));
        assertStatus(Status.Code.FAILED_PRECONDITION, "Coordinator generation mismatch, current coordinator: b1 epoch: "
                        + epoch + ", got coordinator: b9 epoch: " + epoch,
                () -> api.reportConsumerGroupCoordinator(report.clone().setCoordinator("b9").build()));
        assertStatus(Status.Code.FAILED_PRECONDITION, "Consumer zz is not a member of consumer group g",
                () -> api.reportConsumerGroupCoordinator(report.clone().setConsumerId("zz").build()));
        // A single member is a quorum; a single server has no other candidate.
        assertStatus(Status.Code.FAILED_PRECONDITION, "No group coordinator candidates",
                () -> api.reportConsumerGroupCoordinator(report.build()));
        // Subscribe §3.6 row 1
        assertStatus(Status.Code.INVALID_ARGUMENT, "Consumer id cannot be empty when group id is provided",
                () -> api.subscribe(Api.SubscribeRequest.newBuilder().setStream("orders")
                        .setConsumer(Api.Consumer.newBuilder().setGroupId("g")).build()).next());
    }

    @Test
    void threeMembersGetDisjointCoveringBalancedAssignments() {
        createStream("six", 6);
        join("g", "c", "six");
        join("g", "a", "six");
        long epoch = join("g", "b", "six").getEpoch();
        Set<String> all = new HashSet<>();
        for (String member : List.of("a", "b", "c")) {
            Set<String> mine = partitions(fetch("g", member, epoch));
            assertEquals(2, mine.size(), () -> member + " holds " + mine);
            for (String p : mine) {
                assertTrue(all.add(p), () -> p + " is assigned twice");
            }
        }
        assertEquals(6, all.size(), "every partition is assigned");
    }

    @Test
    void leaveRebalancesAtOnceAndTheLastLeaveDeletesTheGroup() {
        createStream("six", 6);
        join("g", "a", "six");
        join("g", "b", "six");
        long before = groupEpoch("g");
        api.leaveConsumerGroup(Api.LeaveConsumerGroupRequest.newBuilder().setGroupId("g").setConsumerId("b").build());
        long after = groupEpoch("g");
        assertTrue(after > before, "the leave moved the epoch");
        assertEquals(6, partitions(fetch("g", "a", after)).size(), "the remaining member holds everything");
        api.leaveConsumerGroup(Api.LeaveConsumerGroupRequest.newBuilder().setGroupId("g").setConsumerId("a").build());
        assertEquals(Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP, api.fetchMetadata(
                Api.FetchMetadataRequest.newBuilder().addGroups("g").build()).getGroupMetadata(0).getError());
    }

    @Test
    @Tag(SHORT)
    void aSilentMemberIsRemovedWithinTheConsumerTimeout() throws Exception {
        createStream("six", 6);
        long t0 = System.nanoTime(); // the quiet member's deadline is set after this
        join("g", "quiet", "six");
        long epoch = join("g", "alive", "six").getEpoch();
        assertEquals(3, partitions(fetch("g", "alive", epoch)).size());
        long[] seen = {epoch};
        // "alive" heartbeats; "quiet" never does.
        await("the silent member's removal", CONSUMER_TIMEOUT.multipliedBy(5),
                () -> heartbeat("g", "alive", seen).size() == 6);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs >= CONSUMER_TIMEOUT.toMillis(), "removed only after the timeout, took " + tookMs);
        assertStatus(Status.Code.FAILED_PRECONDITION, "consumer is not a member of the consumer group",
                () -> fetch("g", "quiet", seen[0]));
        // The activity stream shows the joins and the expiry.
        List<String> ops = new ArrayList<>();
        Iterator<Api.Message> it = APIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .subscribe(Api.SubscribeRequest.newBuilder().setStream("__activity")
                        .setStartPosition(Api.StartPosition.EARLIEST).build());
        it.next();
        while (!ops.contains("leave g quiet true")) {
            Api.ActivityStreamEvent e = Api.ActivityStreamEvent.parseFrom(it.next().getValue());
            switch (e.getOp()) {
                case JOIN_CONSUMER_GROUP -> ops.add("join " + e.getJoinConsumerGroupOp().getGroupId() + " "
                        + e.getJoinConsumerGroupOp().getConsumerId() + " " + e.getJoinConsumerGroupOp().getStreamsList());
                case LEAVE_CONSUMER_GROUP -> ops.add("leave " + e.getLeaveConsumerGroupOp().getGroupId() + " "
                        + e.getLeaveConsumerGroupOp().getConsumerId() + " " + e.getLeaveConsumerGroupOp().getExpired());
                default -> {
                }
            }
        }
        assertEquals(List.of("join g quiet [six]", "join g alive [six]", "leave g quiet true"), ops);
    }

    @Test
    void aStaleEpochIsFencedAndANewerOneTakesOver() throws Exception {
        createStream("s", 1);
        publish("s", 0, "m0");
        Api.SubscribeRequest.Builder req = Api.SubscribeRequest.newBuilder().setStream("s")
                .setStartPosition(Api.StartPosition.EARLIEST);
        Iterator<Api.Message> holder = APIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .subscribe(req.clone().setConsumer(Api.Consumer.newBuilder().setGroupId("g").setConsumerId("a")
                        .setGroupEpoch(5)).build());
        holder.next();
        assertEquals("m0", holder.next().getValue().toStringUtf8());
        assertStatus(Status.Code.FAILED_PRECONDITION, "Consumer is not currently assigned this partition",
                () -> api.subscribe(req.clone().setConsumer(Api.Consumer.newBuilder().setGroupId("g")
                        .setConsumerId("b").setGroupEpoch(4)).build()).next());
        // Another group is independent.
        Iterator<Api.Message> other = APIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .subscribe(req.clone().setConsumer(Api.Consumer.newBuilder().setGroupId("h").setConsumerId("x")
                        .setGroupEpoch(0)).build());
        other.next();
        // Equal or higher epoch replaces the holder, whose stream ends with OK.
        Iterator<Api.Message> newer = APIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .subscribe(req.clone().setConsumer(Api.Consumer.newBuilder().setGroupId("g").setConsumerId("b")
                        .setGroupEpoch(5)).build());
        newer.next();
        assertEquals("m0", newer.next().getValue().toStringUtf8());
        assertFalse(holder.hasNext(), "the replaced subscription ended normally");
    }

    @Test
    @Tag(SHORT)
    void groupsSurviveARestartAndTheirTimersStartAgain() throws Exception {
        createStream("six", 6);
        join("g", "a", "six");
        long epoch = join("g", "b", "six").getEpoch();
        Set<String> before = partitions(fetch("g", "a", epoch));
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
        broker = BrokerServer.start(config);
        connect();
        assertEquals(epoch, groupEpoch("g"), "the group and its epoch were recovered");
        assertEquals(before, partitions(fetch("g", "a", epoch)), "and the same assignment");
        // Only a heartbeats after the restart: b's timer restarted at recovery and expires.
        long[] seen = {epoch};
        await("b's removal after the restart", CONSUMER_TIMEOUT.multipliedBy(5),
                () -> heartbeat("g", "a", seen).size() == 6);
    }

    // ------------------------------------------------------------------ the Java Consumer

    ConsumerOptions options(String consumer) {
        return ConsumerOptions.create("g", consumer).streams("six")
                .autoOffset(ConsumerOptions.AutoOffset.EARLIEST).checkpointInterval(Duration.ofMillis(200));
    }

    /** Polls until {@code want} distinct values arrived or the time is up; records value → times seen. */
    static void drain(Consumer c, Map<String, Integer> seen, int want, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (seen.size() < want && System.nanoTime() < deadline) {
            Api.Message m = c.poll(Duration.ofMillis(50));
            if (m != null) {
                seen.merge(m.getValue().toStringUtf8(), 1, Integer::sum);
            }
        }
    }

    @Test
    @Tag(SHORT)
    void aDeadMembersPartitionsMoveAndNothingIsLost() throws Exception {
        createStream("six", 6);
        Set<String> published = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            publish("six", i % 6, "v" + i);
            published.add("v" + i);
        }
        LiftbridgeClient doomedClient = client();
        Consumer doomed = Consumer.join(doomedClient, options("doomed"));
        Consumer a = Consumer.join(client(), options("a"));
        Consumer b = Consumer.join(client(), options("b"));
        try {
            await("a balanced group", Duration.ofSeconds(10), () -> sizes(doomed, a, b).equals(List.of(2, 2, 2)));
            Map<String, Integer> seen = new TreeMap<>();
            // The doomed member processes some of its messages and checkpoints them, then its
            // connection dies: it neither leaves nor heartbeats any more.
            Map<String, Integer> doomedSeen = new TreeMap<>();
            drain(doomed, doomedSeen, 5, Duration.ofSeconds(10));
            doomed.commit();
            doomedClient.close();
            seen.putAll(doomedSeen);
            for (int i = 60; i < 90; i++) {
                publish("six", i % 6, "v" + i);
                published.add("v" + i);
            }
            long t0 = System.nanoTime();
            while (seen.size() < published.size() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
                for (Consumer c : List.of(a, b)) {
                    Api.Message m = c.poll(Duration.ofMillis(20));
                    if (m != null) {
                        seen.merge(m.getValue().toStringUtf8(), 1, Integer::sum);
                    }
                }
            }
            assertEquals(published, seen.keySet(), "every message was delivered at least once");
            await("the dead member's partitions moved", Duration.ofSeconds(10),
                    () -> sizes(a, b).equals(List.of(3, 3)));
            // What the dead member checkpointed was not delivered again.
            for (String v : doomedSeen.keySet()) {
                assertEquals(1, seen.get(v), () -> v + " was checkpointed by the dead member but redelivered");
            }
        } finally {
            a.close();
            b.close();
            doomed.close();
        }
    }

    static List<Integer> sizes(Consumer... cs) {
        List<Integer> out = new ArrayList<>();
        for (Consumer c : cs) {
            out.add(c.assignment().values().stream().mapToInt(List::size).sum());
        }
        return out;
    }

    @Test
    void aRestartedMemberResumesWhereItCommitted() throws Exception {
        createStream("six", 6);
        for (int i = 0; i < 12; i++) {
            publish("six", i % 6, "v" + i);
        }
        Map<String, Integer> first = new TreeMap<>();
        Consumer c = Consumer.join(client(), options("same").checkpointInterval(Duration.ZERO));
        drain(c, first, 12, Duration.ofSeconds(10));
        assertEquals(12, first.size());
        c.close(); // checkpoints and leaves (the group is deleted; the cursors stay)
        for (int i = 12; i < 18; i++) {
            publish("six", i % 6, "v" + i);
        }
        Map<String, Integer> second = new TreeMap<>();
        Consumer again = Consumer.join(client(), options("same"));
        try {
            drain(again, second, 6, Duration.ofSeconds(10));
            Api.Message extra = again.poll(Duration.ofMillis(300));
            assertEquals(null, extra, "nothing beyond the new messages");
        } finally {
            again.close();
        }
        Set<String> expected = new TreeSet<>();
        for (int i = 12; i < 18; i++) {
            expected.add("v" + i);
        }
        assertEquals(expected, second.keySet(), "resumed after the committed positions");
    }

    @Test
    @Tag(SHORT)
    void aMemberThatCrashedAndRestartsBeforeRemovalCarriesOn() throws Exception {
        createStream("six", 6);
        for (int i = 0; i < 6; i++) {
            publish("six", i, "v" + i);
        }
        LiftbridgeClient crashing = client();
        Consumer c = Consumer.join(crashing, options("x"));
        Map<String, Integer> first = new TreeMap<>();
        drain(c, first, 6, Duration.ofSeconds(10));
        c.commit();
        crashing.close(); // no leave
        c.close();
        Consumer again = Consumer.join(client(), options("x"));
        try {
            assertEquals(6, sizes(again).get(0), "still the only member, holding everything");
            publish("six", 0, "late");
            Map<String, Integer> second = new TreeMap<>();
            drain(again, second, 1, Duration.ofSeconds(10));
            assertEquals(Set.of("late"), second.keySet());
        } finally {
            again.close();
        }
        assertNotNull(broker);
    }
}
