package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataControllerTest {
    private InMemoryCommandLog log;
    private MetadataFsm fsm;
    private TestClock clock;
    private List<String> servers;
    private MetadataController controller;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void setUp() {
        log = new InMemoryCommandLog();
        fsm = new MetadataFsm();
        log.start(fsm);
        clock = new TestClock(1_700_000_000L);
        servers = new ArrayList<>(List.of("n1"));
        controller = new MetadataController(log, fsm, () -> servers, clock);
        fsm.addListener(new MetadataListener() {
            @Override
            public void onStreamCreated(StreamInfo s, long index) {
                events.add("created " + s.name() + "@" + index);
            }

            @Override
            public void onStreamDeleted(StreamInfo s, long index) {
                events.add("deleted " + s.name() + "@" + index);
            }

            @Override
            public void onPartitionAdded(PartitionInfo p, long index) {
                events.add("added " + p.stream() + "/" + p.id());
            }

            @Override
            public void onPartitionRemoved(PartitionInfo p, long index) {
                events.add("removed " + p.stream() + "/" + p.id());
            }

            @Override
            public void onPartitionPaused(PartitionInfo p, boolean resumeAll, long index) {
                events.add("paused " + p.stream() + "/" + p.id() + " resumeAll=" + resumeAll);
            }

            @Override
            public void onPartitionResumed(PartitionInfo p, long index) {
                events.add("resumed " + p.stream() + "/" + p.id());
            }

            @Override
            public void onPartitionReadonlyChanged(PartitionInfo p, long index) {
                events.add("readonly " + p.stream() + "/" + p.id() + "=" + p.readonly());
            }

            @Override
            public void onPartitionLeaderChanged(PartitionInfo p, String previous, long index) {
                events.add("leader " + p.stream() + "/" + p.id() + " " + previous + "->" + p.leader());
            }

            @Override
            public void onPartitionIsrChanged(PartitionInfo p, long index) {
                events.add("isr " + p.stream() + "/" + p.id() + " " + p.isr());
            }
        });
    }

    private static Api.CreateStreamRequest.Builder req(String name, String subject) {
        return Api.CreateStreamRequest.newBuilder().setName(name).setSubject(subject);
    }

    /** The status a failed future carries; fails the test when it did not fail with a MetadataException. */
    private static Status statusOf(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return assertInstanceOf(MetadataException.class, e.getCause()).status();
    }

    private static void assertStatus(Status.Code code, String message, CompletableFuture<?> f) {
        Status s = statusOf(f);
        assertEquals(code, s.getCode(), s.toString());
        assertEquals(message, s.getDescription());
    }

    @Test
    void createsStreamWithDefaultsOnOneNode() throws Exception {
        clock.advanceMs(5);
        StreamInfo s = controller.createStream(req("orders", "orders.in").build()).get();
        assertEquals("orders", s.name());
        assertEquals(1, s.partitions().size());
        assertEquals(1, s.replicationFactor());
        PartitionInfo p = s.partition(0);
        assertEquals("orders.in", p.subject());
        assertEquals(List.of("n1"), p.replicas());
        assertEquals(List.of("n1"), p.isr());
        assertEquals("n1", p.leader());
        assertEquals(1, p.leaderEpoch());
        assertEquals(1, p.epoch());
        assertEquals(clock.nowNs(), s.creationTimestampNs());
        assertFalse(p.paused());
        assertFalse(p.readonly());
        assertEquals(EventTimestamps.NEVER, p.pauseTimestamps());
        assertSame(s, fsm.view().stream("orders"));
        assertEquals(List.of("created orders@1", "added orders/0"), events);
    }

    @Test
    void partitionSubjectsAppendTheirNumber() throws Exception {
        StreamInfo s = controller.createStream(req("w", "foo.*").setPartitions(3).setGroup("g").build()).get();
        assertEquals(List.of("foo.*", "foo.*.1", "foo.*.2"),
                s.partitions().values().stream().map(PartitionInfo::subject).toList());
        assertEquals("g", s.partition(2).group());
    }

    @Test
    void createValidationOrderAndTexts() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "Name cannot be empty",
                controller.createStream(req("", "").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Subject is invalid",
                controller.createStream(req("__activity", "a b").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved",
                controller.createStream(req("__activity", "a").setPartitions(-1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved",
                controller.createStream(req("__cursors", "a").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Invalid partitions -3",
                controller.createStream(req("s", "a").setPartitions(-3).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                "Invalid stream configuration: retentionMaxBytes -5 is negative (use 0 for no limit)",
                controller.createStream(req("s", "a")
                        .setRetentionMaxBytes(Api.NullableInt64.newBuilder().setValue(-5)).build()));
        assertStatus(Status.Code.FAILED_PRECONDITION,
                "Failed on preconditions for stream's encryption handler: encryption at rest is not supported "
                        + "by this broker yet; create the stream without encryption",
                controller.createStream(req("s", "a").setEncryption(Api.NullableBool.newBuilder().setValue(true)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Invalid replicationFactor -2",
                controller.createStream(req("s", "a").setReplicationFactor(-2).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Invalid replicationFactor 3, cluster size 1",
                controller.createStream(req("s", "a").setReplicationFactor(3).build()));
        assertTrue(log.entries.isEmpty(), "nothing invalid reaches the log");
        assertTrue(fsm.view().streams().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "a\tb", "a\rb", "a\nb", ".a", "a.", "a..b", "."})
    void invalidSubjectsAreRefused(String subject) {
        assertStatus(Status.Code.INVALID_ARGUMENT, "Subject is invalid", controller.createStream(req("s", subject).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.b.c", "foo.*", "foo.>", ">", "*.x", "ünï.cødé"})
    void validSubjectsAreAccepted(String subject) throws Exception {
        assertEquals(subject, controller.createStream(req("s", subject).build()).get().subject());
    }

    @Test
    void replicationFactorMinusOneMeansEveryServer() throws Exception {
        servers.addAll(List.of("n2", "n3"));
        StreamInfo s = controller.createStream(req("s", "a").setReplicationFactor(-1).build()).get();
        assertEquals(3, s.replicationFactor());
        assertEquals(List.of("n1", "n2", "n3"), s.partition(0).replicas());
    }

    @Test
    void existingNameIsRefusedWhateverTheSubject() throws Exception {
        controller.createStream(req("s", "a").build()).get();
        assertStatus(Status.Code.ALREADY_EXISTS, "stream already exists", controller.createStream(req("s", "b").build()));
    }

    @Test
    void fsmRejectsADuplicateThatRacedPastThePrecheck() {
        byte[] cmd = MetadataCommands.createStream(new StreamSpec("s", "a", "", 1, 1, lb.broker.config.StreamOverrides.NONE),
                1, ReplicaPlacer.place(List.of("n1"), MetadataView.EMPTY, 1, 1), false, 1);
        assertInstanceOf(StreamInfo.class, fsm.apply(1, cmd));
        Object second = fsm.apply(2, cmd);
        MetadataException e = assertInstanceOf(MetadataException.class, second);
        assertEquals("stream already exists", e.getMessage());
        assertEquals(2, fsm.view().lastAppliedIndex(), "a rejected entry still counts as applied");
    }

    @Test
    void notLeaderFailsWithTheKnownLeader() {
        log.leader = false;
        log.leaderId = "n7";
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> controller.createStream(req("s", "a").build()).get());
        assertEquals("n7", assertInstanceOf(NotLeaderException.class, e.getCause()).leaderId());
    }

    /** Upstream checks some things on the receiving server and the rest on the controller (wire-contract §3.2-3.5). */
    @Test
    void receivingServerChecksComeBeforeForwarding() {
        log.leader = false;
        assertStatus(Status.Code.INVALID_ARGUMENT, "Name cannot be empty", controller.createStream(req("", "a").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved", controller.deleteStream("__cursors"));
        assertStatus(Status.Code.NOT_FOUND, "stream not found", controller.pauseStream("nope", List.of(), false));
        assertStatus(Status.Code.NOT_FOUND, "stream not found", controller.setStreamReadonly("nope", List.of(), true));
        for (CompletableFuture<?> f : List.of(
                controller.createStream(req("s", "a").setReplicationFactor(5).build()),
                controller.deleteStream("nope"),
                controller.pauseStream("nope", List.of(1), false),
                controller.resumePartitions("nope", List.of(1)),
                controller.setStreamReadonly("nope", List.of(1), true),
                controller.electLeader("nope", 0),
                controller.shrinkIsr("nope", 0, "a", "b", 1),
                controller.recordActivity(1))) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(NotLeaderException.class, e.getCause(), "controller checks run on the controller");
        }
    }

    @Test
    void logFailureIsInternalWithUpstreamPrefix() {
        log.failWith = new IllegalStateException("metadata log closed");
        assertStatus(Status.Code.INTERNAL, "Failed to replicate partition: metadata log closed",
                controller.createStream(req("s", "a").build()));
    }

    @Test
    void everyOperationReportsLogFailuresAsInternalWithItsOwnPrefix() throws Exception {
        servers.add("n2");
        controller.createStream(req("s", "a").setReplicationFactor(2).build()).get();
        log.failWith = new java.io.UncheckedIOException(new java.io.IOException("disk on fire"));
        assertStatus(Status.Code.INTERNAL, "Failed to delete stream: java.io.IOException: disk on fire", controller.deleteStream("s"));
        assertStatus(Status.Code.INTERNAL, "Failed to pause stream: java.io.IOException: disk on fire",
                controller.pauseStream("s", List.of(), false));
        assertStatus(Status.Code.INTERNAL, "Failed to resume stream: java.io.IOException: disk on fire",
                controller.resumePartitions("s", List.of()));
        assertStatus(Status.Code.INTERNAL, "Failed to set stream readonly: java.io.IOException: disk on fire",
                controller.setStreamReadonly("s", List.of(), true));
        assertStatus(Status.Code.INTERNAL, "Failed to change partition leader: java.io.IOException: disk on fire",
                controller.electLeader("s", 0));
        assertStatus(Status.Code.INTERNAL, "Failed to change ISR: java.io.IOException: disk on fire",
                controller.shrinkIsr("s", 0, "n2", "n1", 1));
        assertStatus(Status.Code.INTERNAL, "Failed to change ISR: java.io.IOException: disk on fire",
                controller.expandIsr("s", 0, "n2", "n1", 1));
        assertStatus(Status.Code.INTERNAL, "Failed to record published activity: java.io.IOException: disk on fire",
                controller.recordActivity(1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> controller.deleteStream("s").get());
        assertInstanceOf(java.io.UncheckedIOException.class, e.getCause().getCause(), "the cause stays attached");
    }

    @Test
    void aProposalThatNeverCompletesTimesOutAsInternal() {
        InMemoryCommandLog stuck = new InMemoryCommandLog();
        stuck.hang = true;
        MetadataController c = new MetadataController(stuck, fsm, () -> servers, clock, Duration.ofMillis(50));
        assertStatus(Status.Code.INTERNAL, "Failed to replicate partition: timed out after 50 ms; the change may still be applied",
                c.createStream(req("s", "a").build()));
        assertThrows(IllegalArgumentException.class,
                () -> new MetadataController(stuck, fsm, () -> servers, clock, Duration.ZERO));
    }

    @Test
    void catalogEntriesAreComplete() {
        for (MetadataError error : MetadataError.values()) {
            assertFalse(error.template().isBlank(), error.name());
            assertNotEquals(Status.Code.OK, error.code(), error.name());
        }
        assertEquals(Status.Code.INTERNAL, MetadataException.of(MetadataError.NO_KNOWN_LEADER).status().getCode());
        assertEquals("no known metadata leader", MetadataException.of(MetadataError.NO_KNOWN_LEADER).status().getDescription());
    }

    @Test
    void deleteStreamValidationAndEvents() throws Exception {
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved", controller.deleteStream("__activity"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "Stream is reserved", controller.deleteStream("__cursors"));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.deleteStream("nope"));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.deleteStream(""));
        controller.createStream(req("s", "a").setPartitions(2).build()).get();
        events.clear();
        controller.deleteStream("s").get();
        assertNull(fsm.view().stream("s"));
        assertEquals(List.of("removed s/0", "removed s/1", "deleted s@2"), events);
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.deleteStream("s"));
        // The name can be used again, and the new stream starts at its own epoch.
        assertEquals(3, controller.createStream(req("s", "b").build()).get().partition(0).leaderEpoch());
    }

    @Test
    void pauseValidationTexts() throws Exception {
        assertStatus(Status.Code.NOT_FOUND, "stream not found", controller.pauseStream("nope", List.of(), false));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.pauseStream("nope", List.of(0), false));
        controller.createStream(req("s", "a").setPartitions(2).build()).get();
        assertStatus(Status.Code.NOT_FOUND, "partition does not exist", controller.pauseStream("s", List.of(0, 2), false));
        assertStatus(Status.Code.NOT_FOUND, "partition does not exist", controller.pauseStream("s", List.of(-1), false));
        assertFalse(fsm.view().partition("s", 0).paused(), "a refused pause changes nothing");
    }

    @Test
    void pauseAndResumeKeepFlagsTimestampsAndResumeAll() throws Exception {
        controller.createStream(req("s", "a").setPartitions(3).build()).get();
        events.clear();
        clock.advanceMs(1000);
        long t1 = clock.nowNs();
        StreamInfo s = controller.pauseStream("s", List.of(), true).get();
        assertTrue(s.resumeAll());
        for (PartitionInfo p : s.partitions().values()) {
            assertTrue(p.paused());
            assertEquals(new EventTimestamps(t1, t1), p.pauseTimestamps());
        }
        assertEquals(0, fsm.view().partitionLoad("n1"), "paused partitions carry no load");
        clock.advanceMs(1000);
        s = controller.pauseStream("s", List.of(1), false).get(); // already paused: succeeds, flag overwritten
        assertFalse(s.resumeAll());
        assertEquals(t1, s.partition(1).pauseTimestamps().latestNs(), "re-pausing is not a new pause");
        clock.advanceMs(1000);
        long t3 = clock.nowNs();
        s = controller.resumePartitions("s", List.of(1)).get();
        assertFalse(s.partition(1).paused(), "resume clears the persisted flag (upstream bug 23 fixed)");
        assertEquals(new EventTimestamps(t1, t3), s.partition(1).pauseTimestamps());
        assertTrue(s.partition(0).paused());
        s = controller.resumePartitions("s", List.of()).get();
        assertTrue(s.partitions().values().stream().noneMatch(PartitionInfo::paused));
        assertEquals(List.of("paused s/0 resumeAll=true", "paused s/1 resumeAll=true", "paused s/2 resumeAll=true",
                "resumed s/1", "resumed s/0", "resumed s/2"), events);
        assertStatus(Status.Code.NOT_FOUND, "partition does not exist", controller.resumePartitions("s", List.of(9)));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.resumePartitions("x", List.of(0)));
    }

    @Test
    void readonlyValidationAndTimestamps() throws Exception {
        assertStatus(Status.Code.NOT_FOUND, "stream not found", controller.setStreamReadonly("nope", List.of(), true));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.setStreamReadonly("nope", List.of(1), true));
        controller.createStream(req("s", "a").setPartitions(2).build()).get();
        assertStatus(Status.Code.NOT_FOUND, "partition does not exist", controller.setStreamReadonly("s", List.of(5), true));
        events.clear();
        clock.advanceMs(10);
        long t = clock.nowNs();
        StreamInfo s = controller.setStreamReadonly("s", List.of(1), true).get();
        assertTrue(s.partition(1).readonly());
        assertFalse(s.partition(0).readonly());
        assertEquals(new EventTimestamps(t, t), s.partition(1).readonlyTimestamps());
        controller.setStreamReadonly("s", List.of(), false).get();
        assertFalse(fsm.view().partition("s", 1).readonly());
        assertEquals(List.of("readonly s/1=true", "readonly s/1=false"), events);
    }

    @Test
    void reservedStreamsMayBePausedAndSetReadonly() throws Exception {
        controller.ensureInternalStream(InternalStreams.activity("ns")).get();
        controller.ensureInternalStream(InternalStreams.cursors("ns", 2, -1, Duration.ofMinutes(1))).get();
        controller.pauseStream("__activity", List.of(), false).get();
        controller.setStreamReadonly("__cursors", List.of(1), true).get();
        assertTrue(fsm.view().partition("__activity", 0).paused());
        assertTrue(fsm.view().partition("__cursors", 1).readonly());
    }

    @Test
    void internalStreamsFollowTheirDefinitions() throws Exception {
        servers.addAll(List.of("n2", "n3"));
        StreamInfo a = controller.ensureInternalStream(InternalStreams.activity("lbns")).get();
        assertEquals("lbns.activity", a.subject());
        assertEquals(1, a.partitions().size());
        assertEquals(3, a.replicationFactor());
        assertTrue(a.internal());
        StreamInfo c = controller.ensureInternalStream(InternalStreams.cursors("lbns", 4, 2, Duration.ofSeconds(60))).get();
        assertEquals("lbns.cursors", c.subject());
        assertEquals(4, c.partitions().size());
        assertEquals(2, c.replicationFactor());
        assertEquals(Boolean.TRUE, c.overrides().compactEnabled());
        assertEquals(60_000L, c.overrides().autoPauseTimeMs());
        assertEquals(Boolean.TRUE, c.overrides().autoPauseDisableIfSubscribers());
        int entries = log.entries.size();
        assertSame(c, controller.ensureInternalStream(InternalStreams.cursors("lbns", 4, 2, Duration.ofSeconds(60))).get());
        assertEquals(entries, log.entries.size(), "an existing internal stream is not created again");
    }

    @Test
    void leaderAndIsrChangesMoveEpochsAndCheckTheLeaderEpoch() throws Exception {
        servers.addAll(List.of("n2", "n3"));
        PartitionInfo p = controller.createStream(req("s", "a").setReplicationFactor(3).build()).get().partition(0);
        assertEquals("n1", p.leader());
        assertEquals(1, p.leaderEpoch());
        events.clear();

        assertStatus(Status.Code.FAILED_PRECONDITION,
                "Leader or leader epoch does not match: request has n1 at epoch 7, partition has n1 at epoch 1",
                controller.shrinkIsr("s", 0, "n3", "n1", 7));
        assertStatus(Status.Code.FAILED_PRECONDITION,
                "Leader or leader epoch does not match: request has n2 at epoch 1, partition has n1 at epoch 1",
                controller.shrinkIsr("s", 0, "n3", "n2", 1));
        assertStatus(Status.Code.FAILED_PRECONDITION, "cannot remove the leader n1 from the ISR",
                controller.shrinkIsr("s", 0, "n1", "n1", 1));
        p = controller.shrinkIsr("s", 0, "n3", "n1", 1).get();
        assertEquals(List.of("n1", "n2"), p.isr());
        long shrinkIndex = p.epoch();
        assertEquals(1, p.leaderEpoch(), "an ISR change does not move the leader epoch");
        assertTrue(shrinkIndex > 1);

        assertStatus(Status.Code.FAILED_PRECONDITION, "n9 is not a replica of the partition",
                controller.expandIsr("s", 0, "n9", "n1", 1));
        assertStatus(Status.Code.FAILED_PRECONDITION, "n3 is not in the ISR of the partition",
                controller.changeLeader("s", 0, "n3"));

        p = controller.electLeader("s", 0).get();
        assertEquals("n2", p.leader());
        assertEquals(p.epoch(), p.leaderEpoch());
        assertTrue(p.leaderEpoch() > shrinkIndex);
        p = controller.expandIsr("s", 0, "n3", "n2", p.leaderEpoch()).get();
        assertEquals(List.of("n1", "n2", "n3"), p.isr(), "ISR kept in replica order");
        assertEquals(List.of("isr s/0 [n1, n2]", "leader s/0 n1->n2", "isr s/0 [n1, n2, n3]"), events);

        assertStatus(Status.Code.NOT_FOUND, "partition does not exist", controller.shrinkIsr("s", 4, "n3", "n2", 1));
        assertStatus(Status.Code.NOT_FOUND, "stream does not exist", controller.electLeader("x", 0));
    }

    @Test
    void singleReplicaHasNoElectionCandidates() throws Exception {
        controller.createStream(req("s", "a").build()).get();
        assertStatus(Status.Code.FAILED_PRECONDITION, "No ISR candidates", controller.electLeader("s", 0));
    }

    @Test
    void overridesAreStoredWithTheStream() throws Exception {
        StreamInfo s = controller.createStream(req("s", "a")
                .setRetentionMaxAge(Api.NullableInt64.newBuilder().setValue(0))
                .setMinIsr(Api.NullableInt32.newBuilder().setValue(2))
                .setOptimisticConcurrencyControl(Api.NullableBool.newBuilder().setValue(true)).build()).get();
        assertEquals(0L, s.overrides().retentionMaxAgeMs(), "a present zero is an override");
        assertEquals(2, s.overrides().minIsr());
        assertEquals(Boolean.TRUE, s.overrides().optimisticConcurrencyControl());
        assertNull(s.overrides().retentionMaxBytes());
        var defaults = lb.broker.config.BrokerConfig.defaults(java.util.Map.of("HOME", "/h")).streamDefaults();
        var settings = s.settings(defaults);
        assertEquals(Duration.ZERO, settings.retentionMaxAge());
        assertEquals(2, settings.minIsr());
        assertEquals(defaults.segmentMaxBytes(), settings.segmentMaxBytes());
    }

    @Test
    void everyAcceptedCommandIsReportedOnceInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        fsm.addListener(new MetadataListener() {
            @Override
            public void onCommandApplied(long index, lb.broker.metadata.proto.Command command) {
                seen.add(index + " " + command.getOpCase());
            }
        });
        controller.createStream(req("s", "a").setPartitions(2).build()).get();
        controller.pauseStream("s", List.of(0), true).get();
        controller.pauseStream("s", List.of(0), false).get(); // already paused: no partition event, still a command
        statusOf(controller.createStream(req("s", "b").build()));
        assertInstanceOf(MetadataException.class, log.propose(MetadataCommands.deleteStream("nope", 0)).get()); // rejected by the FSM
        controller.deleteStream("s").get();
        assertEquals(List.of("1 CREATE_STREAM", "2 PAUSE_STREAM", "3 PAUSE_STREAM", "5 DELETE_STREAM"), seen);
    }

    @Test
    void activityIndexIsRecorded() throws Exception {
        controller.createStream(req("s", "a").build()).get();
        controller.recordActivity(1).get();
        assertEquals(1, fsm.view().lastActivityIndex());
        assertEquals(2, fsm.view().lastAppliedIndex());
    }

    @Test
    void malformedCommandIsRejectedDeterministically() {
        Object r = fsm.apply(1, new byte[] {(byte) 0xff, 0x01, 0x02});
        assertEquals(MetadataError.MALFORMED_COMMAND, assertInstanceOf(MetadataException.class, r).error());
        Object empty = fsm.apply(2, new byte[0]);
        assertEquals(MetadataError.MALFORMED_COMMAND, assertInstanceOf(MetadataException.class, empty).error());
        assertEquals(2, fsm.view().lastAppliedIndex());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        fsm.addListener(new MetadataListener() {
            @Override
            public void onStreamCreated(StreamInfo stream, long index) {
                throw new IllegalStateException("boom");
            }
        });
        List<String> seen = new ArrayList<>();
        fsm.addListener(new MetadataListener() {
            @Override
            public void onStreamCreated(StreamInfo stream, long index) {
                seen.add(stream.name());
            }
        });
        controller.createStream(req("s", "a").build()).get();
        assertEquals(List.of("s"), seen);
    }
}
