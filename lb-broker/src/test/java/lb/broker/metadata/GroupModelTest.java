package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Consumer groups in the metadata FSM against a model (behavior.md §11): random joins, leaves,
 * stream creations and deletions and coordinator reports through {@link MetadataController};
 * after every step the outcome and the membership must match the model, every consumed stream's
 * partitions must be assigned exactly once among the members that consume it, single-stream
 * groups must be balanced (sizes differ by at most one), and epochs must follow §1.3. Finally
 * the recorded log replayed into a fresh FSM, and a snapshot restored mid-way plus the rest of
 * the log, must both reproduce the same state (assignment is computed identically everywhere).
 * A failure prints the seed; replay it with {@link #replay}.
 */
class GroupModelTest {
    private static final List<String> SERVERS = List.of("n1", "n2", "n3");
    private static final List<String> STREAMS = List.of("s1", "s2", "s3");
    private static final List<String> GROUPS = List.of("g1", "g2");
    private static final List<String> MEMBERS = List.of("a", "b", "c", "d", "e", "f", "g");

    @Test
    void randomGroupOperationsMatchTheModel() {
        long base = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            long seed = base + i;
            try {
                replay(seed, 200);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay with replay(" + seed + "L, 200)): "
                        + e.getMessage(), e);
            }
        }
    }

    static void replay(long seed, int steps) {
        Random rnd = new Random(seed);
        InMemoryCommandLog log = new InMemoryCommandLog();
        MetadataFsm fsm = new MetadataFsm();
        log.start(fsm);
        TestClock clock = new TestClock(1_700_000_000L);
        MetadataController c = new MetadataController(log, fsm, () -> SERVERS, clock);
        Map<String, Integer> streams = new TreeMap<>();
        Map<String, Map<String, Set<String>>> groups = new TreeMap<>();
        byte[] midSnapshot = null;
        int midEntries = 0;

        for (int step = 0; step < steps; step++) {
            clock.advanceMs(1 + rnd.nextInt(100));
            String stream = STREAMS.get(rnd.nextInt(STREAMS.size()));
            String group = GROUPS.get(rnd.nextInt(GROUPS.size()));
            String member = MEMBERS.get(rnd.nextInt(MEMBERS.size()));
            Map<String, Set<String>> g = groups.get(group);
            long epochBefore = g == null ? -1 : fsm.view().group(group).epoch();
            switch (rnd.nextInt(10)) {
                case 0 -> { // create a stream
                    int partitions = 1 + rnd.nextInt(7);
                    String err = outcome(c.createStream(Api.CreateStreamRequest.newBuilder().setName(stream)
                            .setSubject(stream).setPartitions(partitions).build()));
                    if (streams.containsKey(stream)) {
                        assertEquals("stream already exists", err);
                    } else {
                        assertNull(err);
                        streams.put(stream, partitions);
                    }
                }
                case 1 -> { // delete a stream: groups drop it
                    String err = outcome(c.deleteStream(stream));
                    if (!streams.containsKey(stream)) {
                        assertEquals("stream does not exist", err);
                    } else {
                        assertNull(err);
                        streams.remove(stream);
                        for (var e : groups.entrySet()) {
                            boolean consumed = false;
                            for (Set<String> ss : e.getValue().values()) {
                                consumed |= ss.remove(stream);
                            }
                            if (consumed) {
                                assertEquals(fsm.view().lastAppliedIndex(), fsm.view().group(e.getKey()).epoch(),
                                        "deleting a consumed stream moves the epoch");
                            }
                        }
                    }
                }
                case 2, 3, 4, 5 -> { // join with 1..3 streams (maybe unknown)
                    List<String> wanted = new ArrayList<>();
                    for (String s : STREAMS) {
                        if (rnd.nextInt(3) == 0) {
                            wanted.add(s);
                        }
                    }
                    if (wanted.isEmpty()) {
                        wanted.add(stream);
                    }
                    String err = outcome(c.joinConsumerGroup(group, member, wanted));
                    if (!streams.keySet().containsAll(wanted)) {
                        assertEquals("stream does not exist", err);
                    } else if (g != null && g.containsKey(member)) {
                        assertEquals("consumer is already a member of the consumer group", err);
                    } else {
                        assertNull(err);
                        groups.computeIfAbsent(group, k -> new TreeMap<>()).put(member, new TreeSet<>(wanted));
                        long expected = g == null ? 0 : fsm.view().lastAppliedIndex();
                        assertEquals(expected, fsm.view().group(group).epoch(), "join epoch");
                    }
                }
                case 6, 7, 8 -> { // leave
                    String err = outcome(c.leaveConsumerGroup(group, member, rnd.nextBoolean()));
                    if (g == null) {
                        assertEquals("consumer group does not exist", err);
                    } else if (!g.containsKey(member)) {
                        assertEquals("consumer is not a member of the consumer group", err);
                    } else {
                        assertNull(err);
                        g.remove(member);
                        if (g.isEmpty()) {
                            groups.remove(group);
                        } else {
                            assertEquals(fsm.view().lastAppliedIndex(), fsm.view().group(group).epoch(), "leave epoch");
                        }
                    }
                }
                default -> { // coordinator reports by every member: moves the group
                    if (g == null) {
                        assertEquals("No such consumer group " + group,
                                outcome(c.reportGroupCoordinator(group, member, "n1", 0)));
                        break;
                    }
                    GroupInfo before = fsm.view().group(group);
                    String err = null;
                    for (String m : g.keySet()) {
                        err = outcome(c.reportGroupCoordinator(group, m, before.coordinator(), before.epoch()));
                        if (fsm.view().group(group).epoch() != before.epoch()) {
                            break;
                        }
                    }
                    assertNull(err);
                    GroupInfo after = fsm.view().group(group);
                    assertTrue(!after.coordinator().equals(before.coordinator()), "coordinator moved");
                    assertEquals(fsm.view().lastAppliedIndex(), after.epoch(), "coordinator change epoch");
                    assertEquals(before.members(), after.members(), "a coordinator change keeps the assignment");
                }
            }
            if (groups.containsKey(group) && epochBefore >= 0 && fsm.view().group(group).epoch() < epochBefore) {
                throw new AssertionError("epoch went backwards");
            }
            check(fsm.view(), streams, groups);
            if (step == steps / 2) {
                midSnapshot = fsm.snapshot();
                midEntries = log.entries.size();
            }
        }
        // Replay from scratch, and from the mid-way snapshot: same state.
        MetadataFsm again = new MetadataFsm();
        for (int i = 0; i < log.entries.size(); i++) {
            again.apply(i + 1, log.entries.get(i));
        }
        assertEquals(fsm.view(), again.view(), "replaying the log reproduces the groups");
        MetadataFsm restored = new MetadataFsm();
        restored.restore(midSnapshot);
        for (int i = midEntries; i < log.entries.size(); i++) {
            restored.apply(i + 1, log.entries.get(i));
        }
        assertEquals(fsm.view(), restored.view(), "snapshot + rest of the log reproduces the groups");
    }

    /** Invariants of the assignment against the model's membership. */
    static void check(MetadataView v, Map<String, Integer> streams, Map<String, Map<String, Set<String>>> groups) {
        assertEquals(groups.keySet(), v.groups().keySet(), "groups");
        for (var ge : groups.entrySet()) {
            GroupInfo g = v.group(ge.getKey());
            assertEquals(ge.getValue().keySet(), g.members().keySet(), "members of " + g.id());
            Map<String, Set<Integer>> covered = new TreeMap<>();
            for (var me : ge.getValue().entrySet()) {
                GroupInfo.Member m = g.member(me.getKey());
                assertEquals(List.copyOf(me.getValue()), m.streams(), "streams of " + me.getKey());
                for (var a : m.assignments().entrySet()) {
                    assertTrue(me.getValue().contains(a.getKey()), me.getKey() + " holds " + a.getKey()
                            + " it does not consume");
                    for (int p : a.getValue()) {
                        assertTrue(covered.computeIfAbsent(a.getKey(), k -> new TreeSet<>()).add(p),
                                a.getKey() + "/" + p + " assigned twice in " + g.id());
                    }
                }
            }
            Set<String> consumed = new TreeSet<>();
            ge.getValue().values().forEach(consumed::addAll);
            for (String s : consumed) {
                Set<Integer> all = new TreeSet<>();
                for (int p = 0; p < streams.get(s); p++) {
                    all.add(p);
                }
                assertEquals(all, covered.getOrDefault(s, Set.of()), "partitions of " + s + " in " + g.id());
            }
            if (consumed.size() == 1) { // one stream: its consumers' sizes differ by at most one
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (GroupInfo.Member m : g.members().values()) {
                    if (m.streams().isEmpty()) {
                        continue; // its stream was deleted: it consumes nothing
                    }
                    min = Math.min(min, m.load());
                    max = Math.max(max, m.load());
                }
                assertTrue(max - min <= 1, "unbalanced " + g);
            }
        }
    }

    /** The failure text of a proposal, or null when it succeeded. */
    static String outcome(CompletableFuture<?> f) {
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void assignmentIsTheSpecifiedHeapOrder() throws Exception {
        InMemoryCommandLog log = new InMemoryCommandLog();
        MetadataFsm fsm = new MetadataFsm();
        log.start(fsm);
        MetadataController c = new MetadataController(log, fsm, () -> SERVERS, new TestClock(1));
        c.createStream(Api.CreateStreamRequest.newBuilder().setName("x").setSubject("x").setPartitions(4).build()).get();
        c.createStream(Api.CreateStreamRequest.newBuilder().setName("y").setSubject("y").setPartitions(3).build()).get();
        c.joinConsumerGroup("g", "b", List.of("x")).get();
        // a joins x and y: x is rebalanced first (a: 0 held, b: 0 held after clearing → a wins the tie by id),
        // then y goes entirely to a (b does not consume y).
        GroupInfo g = c.joinConsumerGroup("g", "a", List.of("y", "x")).get();
        assertEquals(Map.of("x", List.of(0, 2), "y", List.of(0, 1, 2)), g.member("a").assignments());
        assertEquals(Map.of("x", List.of(1, 3)), g.member("b").assignments());
        // c joins x only: x is rebalanced among a (3 partitions of y), b (0) and c (0): b, c, b, c.
        g = c.joinConsumerGroup("g", "c", List.of("x")).get();
        assertEquals(Map.of("y", List.of(0, 1, 2)), g.member("a").assignments());
        assertEquals(Map.of("x", List.of(0, 2)), g.member("b").assignments());
        assertEquals(Map.of("x", List.of(1, 3)), g.member("c").assignments());
        assertEquals("n1", g.coordinator());
        // A second group goes to the least loaded coordinator.
        assertEquals("n2", c.joinConsumerGroup("h", "a", List.of("x")).get().coordinator());
    }
}
