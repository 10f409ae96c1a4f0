package lb.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Consumer}'s reactions to coordinator failures (wire-contract §3.15–3.16, behavior.md
 * §11.4–11.5) against a scripted broker on a real socket: a silent coordinator is reported, an
 * epoch that moved is re-read from FetchMetadata, an evicted member re-joins, close leaves.
 * Scripted because a single real broker cannot make its own coordinator disappear; the consumer
 * against a real broker is covered by lb-broker's ConsumerGroupTest.
 */
class ConsumerFailureTest {

    /** The scripted broker: one member, no partitions; every call is recorded. */
    final class Script extends APIGrpc.APIImplBase {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile long epoch;
        /** What FetchConsumerGroupAssignments answers: null = success. */
        volatile Status assignments;

        @Override
        public void fetchMetadata(Api.FetchMetadataRequest r, StreamObserver<Api.FetchMetadataResponse> o) {
            calls.add("metadata " + r.getGroupsList());
            Api.FetchMetadataResponse.Builder b = Api.FetchMetadataResponse.newBuilder()
                    .addBrokers(Api.Broker.newBuilder().setId("b1").setHost("127.0.0.1").setPort(server.getPort()));
            for (String g : r.getGroupsList()) {
                b.addGroupMetadata(Api.ConsumerGroupMetadata.newBuilder().setGroupId(g).setCoordinator("b1")
                        .setEpoch(epoch));
            }
            o.onNext(b.build());
            o.onCompleted();
        }

        @Override
        public void joinConsumerGroup(Api.JoinConsumerGroupRequest r, StreamObserver<Api.JoinConsumerGroupResponse> o) {
            calls.add("join " + r.getConsumerId());
            o.onNext(Api.JoinConsumerGroupResponse.newBuilder().setCoordinator("b1").setEpoch(epoch)
                    .setConsumerTimeout(Duration.ofMillis(250).toNanos())
                    .setCoordinatorTimeout(Duration.ofMillis(500).toNanos()).build());
            o.onCompleted();
        }

        @Override
        public void fetchConsumerGroupAssignments(Api.FetchConsumerGroupAssignmentsRequest r,
                                                  StreamObserver<Api.FetchConsumerGroupAssignmentsResponse> o) {
            calls.add("fetch " + r.getEpoch());
            Status s = assignments;
            if (s != null) {
                o.onError(s.asRuntimeException());
                return;
            }
            if (r.getEpoch() != epoch) {
                o.onError(Status.FAILED_PRECONDITION
                        .withDescription("client-provided group epoch differs from broker group epoch")
                        .asRuntimeException());
                return;
            }
            o.onNext(Api.FetchConsumerGroupAssignmentsResponse.newBuilder().setEpoch(epoch).build());
            o.onCompleted();
        }

        @Override
        public void reportConsumerGroupCoordinator(Api.ReportConsumerGroupCoordinatorRequest r,
                                                   StreamObserver<Api.ReportConsumerGroupCoordinatorResponse> o) {
            calls.add("report " + r.getCoordinator() + " " + r.getEpoch() + " by " + r.getConsumerId());
            o.onNext(Api.ReportConsumerGroupCoordinatorResponse.getDefaultInstance());
            o.onCompleted();
        }

        @Override
        public void leaveConsumerGroup(Api.LeaveConsumerGroupRequest r, StreamObserver<Api.LeaveConsumerGroupResponse> o) {
            calls.add("leave " + r.getConsumerId());
            o.onNext(Api.LeaveConsumerGroupResponse.getDefaultInstance());
            o.onCompleted();
        }
    }

    Server server;
    LiftbridgeClient client;
    final Script script = new Script();

    @AfterEach
    void tearDown() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    Consumer start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(script).build().start();
        client = LiftbridgeClient.connect("127.0.0.1:" + server.getPort());
        return Consumer.join(client, ConsumerOptions.create("g", "m").streams("s"));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aSilentCoordinatorIsReportedAfterTheCoordinatorTimeout() throws Exception {
        Consumer c = start();
        long t0 = System.nanoTime();
        script.assignments = Status.UNAVAILABLE.withDescription("coordinator down");
        await("a coordinator report", () -> script.calls.contains("report b1 0 by m"));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMs >= 400, "reported only after the 500 ms coordinator timeout, took " + tookMs);
        script.assignments = null;
        int before = script.calls.size();
        await("assignments again", () -> script.calls.subList(before, script.calls.size()).contains("fetch 0"));
        c.close();
        assertTrue(script.calls.contains("leave m"), script.calls.toString());
    }

    @Test
    void anEpochThatMovedIsReReadFromMetadata() throws Exception {
        Consumer c = start();
        script.epoch = 7;
        await("a fetch at the new epoch", () -> script.calls.contains("fetch 7"));
        assertTrue(script.calls.contains("metadata [g]"), script.calls.toString());
        assertEquals(7, c.epoch());
        c.close();
    }

    @Test
    void anEvictedMemberJoinsAgain() throws Exception {
        Consumer c = start();
        assertEquals(1, script.calls.stream().filter(s -> s.equals("join m")).count());
        script.assignments = Status.FAILED_PRECONDITION.withDescription("consumer is not a member of the consumer group");
        await("a second join", () -> script.calls.stream().filter(s -> s.equals("join m")).count() == 2);
        script.assignments = null;
        c.close();
    }
}
