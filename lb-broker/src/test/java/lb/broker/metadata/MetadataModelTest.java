package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
 * Random operations through {@link MetadataController} compared, after every step, with a
 * plain model of what the outcome and the state must be; then snapshot/restore equivalence
 * over the recorded log. A failure prints the seed; replay it with {@link #replay}.
 */
class MetadataModelTest {
    private static final List<String> SERVERS = List.of("n1", "n2", "n3");
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "__activity", "__cursors", "");

    /** The model of one stream. */
    private static final class M {
        final int partitions;
        final int rf;
        final Set<Integer> paused = new TreeSet<>();
        final Set<Integer> readonly = new TreeSet<>();
        boolean resumeAll;
        final Map<Integer, List<String>> isr = new TreeMap<>();
        final Map<Integer, String> leader = new TreeMap<>();

        M(int partitions, int rf) {
            this.partitions = partitions;
            this.rf = rf;
        }
    }

    @Test
    void randomOperationsMatchTheModel() {
        long base = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            long seed = base + i;
            try {
                replay(seed, 150);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay with replay(" + seed + "L, 150)): " + e.getMessage(), e);
            }
        }
    }

    /** One seeded run of {@code steps} operations. */
    static void replay(long seed, int steps) {
        Random rnd = new Random(seed);
        InMemoryCommandLog log = new InMemoryCommandLog();
        MetadataFsm fsm = new MetadataFsm();
        log.start(fsm);
        TestClock clock = new TestClock(1_700_000_000L);
        MetadataController c = new MetadataController(log, fsm, () -> SERVERS, clock);
        Map<String, M> model = new TreeMap<>();

        for (int step = 0; step < steps; step++) {
            clock.advanceMs(1 + rnd.nextInt(1000));
            String name = NAMES.get(rnd.nextInt(NAMES.size()));
            M m = model.get(name);
            switch (rnd.nextInt(8)) {
                case 0, 1 -> {
                    int partitions = rnd.nextInt(5) - 1; // -1..3; 0 means 1
                    int rf = rnd.nextInt(6) - 2; // -2..3; 0 means 1, -1 means all
                    boolean badSubject = rnd.nextInt(10) == 0;
                    String expected;
                    int effPartitions = partitions == 0 ? 1 : partitions;
                    int effRf = rf == 0 ? 1 : rf == -1 ? SERVERS.size() : rf;
                    if (name.isEmpty()) expected = "Name cannot be empty";
                    else if (badSubject) expected = "Subject is invalid";
                    else if (name.startsWith("__")) expected = "Stream is reserved";
                    else if (effPartitions < 0) expected = "Invalid partitions " + effPartitions;
                    else if (effRf <= 0) expected = "Invalid replicationFactor " + effRf;
                    else if (effRf > SERVERS.size()) expected = "Invalid replicationFactor " + effRf + ", cluster size 3";
                    else if (m != null) expected = "stream already exists";
                    else expected = null;
                    var f = c.createStream(Api.CreateStreamRequest.newBuilder().setName(name)
                            .setSubject(badSubject ? "x..y" : "subj." + name).setPartitions(partitions)
                            .setReplicationFactor(rf).build());
                    check(expected, f);
                    if (expected == null) {
                        M n = new M(effPartitions, effRf);
                        StreamInfo s = fsm.view().stream(name);
                        for (int p = 0; p < effPartitions; p++) {
                            n.isr.put(p, s.partition(p).replicas());
                            n.leader.put(p, s.partition(p).leader());
                        }
                        model.put(name, n);
                    }
                }
                case 2 -> {
                    String expected = name.startsWith("__") ? "Stream is reserved" : m == null ? "stream does not exist" : null;
                    check(expected, c.deleteStream(name));
                    if (expected == null) {
                        model.remove(name);
                    }
                }
                case 3, 4, 5 -> {
                    List<Integer> ids = randomIds(rnd);
                    int kind = rnd.nextInt(3);
                    boolean flag = rnd.nextBoolean();
                    String expected = null;
                    if (ids.isEmpty() && m == null) expected = "stream not found";
                    else if (m == null) expected = "stream does not exist";
                    else if (ids.stream().anyMatch(id -> id < 0 || id >= m.partitions)) expected = "partition does not exist";
                    CompletableFuture<StreamInfo> f = switch (kind) {
                        case 0 -> c.pauseStream(name, ids, flag);
                        case 1 -> c.resumePartitions(name, ids);
                        default -> c.setStreamReadonly(name, ids, flag);
                    };
                    check(expected, f);
                    if (expected == null) {
                        List<Integer> all = ids.isEmpty() ? range(m.partitions) : ids;
                        switch (kind) {
                            case 0 -> {
                                m.paused.addAll(all);
                                m.resumeAll = flag;
                            }
                            case 1 -> all.forEach(m.paused::remove);
                            default -> {
                                if (flag) m.readonly.addAll(all); else all.forEach(m.readonly::remove);
                            }
                        }
                    }
                }
                default -> {
                    if (m == null) {
                        check("stream does not exist", c.electLeader(name, 0));
                        continue;
                    }
                    int p = rnd.nextInt(m.partitions);
                    PartitionInfo cur = fsm.view().partition(name, p);
                    List<String> isr = m.isr.get(p);
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            String replica = SERVERS.get(rnd.nextInt(3));
                            boolean stale = rnd.nextInt(4) == 0;
                            String expected;
                            if (stale) expected = "Leader or leader epoch does not match: request has " + cur.leader()
                                    + " at epoch " + (cur.leaderEpoch() + 1) + ", partition has " + cur.leader()
                                    + " at epoch " + cur.leaderEpoch();
                            else if (replica.equals(m.leader.get(p))) expected = "cannot remove the leader " + replica + " from the ISR";
                            else expected = null;
                            check(expected, c.shrinkIsr(name, p, replica, cur.leader(), cur.leaderEpoch() + (stale ? 1 : 0)));
                            if (expected == null) {
                                List<String> next = new ArrayList<>(isr);
                                next.remove(replica);
                                m.isr.put(p, next);
                            }
                        }
                        case 1 -> {
                            String replica = SERVERS.get(rnd.nextInt(3));
                            List<String> replicas = cur.replicas();
                            String expected = replicas.contains(replica) ? null : replica + " is not a replica of the partition";
                            check(expected, c.expandIsr(name, p, replica, cur.leader(), cur.leaderEpoch()));
                            if (expected == null) {
                                List<String> next = new ArrayList<>();
                                for (String r : replicas) {
                                    if (isr.contains(r) || r.equals(replica)) next.add(r);
                                }
                                m.isr.put(p, next);
                            }
                        }
                        default -> {
                            boolean candidates = isr.size() > 1;
                            check(candidates ? null : "No ISR candidates", c.electLeader(name, p));
                            if (candidates) {
                                String newLeader = fsm.view().partition(name, p).leader();
                                assertTrue(isr.contains(newLeader) && !newLeader.equals(m.leader.get(p)));
                                m.leader.put(p, newLeader);
                            }
                        }
                    }
                }
            }
            compare(model, fsm.view());
        }
        snapshotRestoreEquivalence(log.entries, rnd);
    }

    private static List<Integer> randomIds(Random rnd) {
        int n = rnd.nextInt(3);
        Set<Integer> ids = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(rnd.nextInt(6) - 1);
        }
        return new ArrayList<>(ids);
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(i);
        return l;
    }

    private static void check(String expectedMessage, CompletableFuture<?> f) {
        try {
            f.get();
            if (expectedMessage != null) {
                throw new AssertionError("expected failure \"" + expectedMessage + "\" but it succeeded");
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof MetadataException me)) {
                throw new AssertionError("unexpected failure", e.getCause());
            }
            assertEquals(expectedMessage, me.getMessage());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void compare(Map<String, M> model, MetadataView view) {
        assertEquals(model.keySet(), view.streams().keySet());
        Map<String, Integer> load = new TreeMap<>();
        Map<String, Integer> leaders = new TreeMap<>();
        for (var e : model.entrySet()) {
            M m = e.getValue();
            StreamInfo s = view.stream(e.getKey());
            assertEquals(m.partitions, s.partitions().size());
            assertEquals(m.rf, s.replicationFactor());
            assertEquals(m.resumeAll, s.resumeAll(), "resumeAll of " + s.name());
            for (PartitionInfo p : s.partitions().values()) {
                assertEquals(m.paused.contains(p.id()), p.paused(), "paused " + s.name() + "/" + p.id());
                assertEquals(m.readonly.contains(p.id()), p.readonly(), "readonly " + s.name() + "/" + p.id());
                assertEquals(m.isr.get(p.id()), p.isr(), "isr " + s.name() + "/" + p.id());
                assertEquals(m.leader.get(p.id()), p.leader());
                assertEquals(m.rf, p.replicas().size());
                assertTrue(p.isr().contains(p.leader()), "leader in ISR");
                assertTrue(p.replicas().containsAll(p.isr()), "ISR within replicas");
                assertTrue(s.createIndex() <= p.leaderEpoch() && p.leaderEpoch() <= p.epoch()
                        && p.epoch() <= view.lastAppliedIndex(), "epochs ordered");
                if (!p.paused()) {
                    p.replicas().forEach(r -> load.merge(r, 1, Integer::sum));
                    leaders.merge(p.leader(), 1, Integer::sum);
                }
            }
        }
        for (String server : SERVERS) {
            assertEquals(load.getOrDefault(server, 0), view.partitionLoad(server));
            assertEquals(leaders.getOrDefault(server, 0), view.leaderLoad(server));
        }
    }

    /** Apply all vs. restore a snapshot taken after k entries and apply the rest: same state, same snapshot bytes. */
    private static void snapshotRestoreEquivalence(List<byte[]> entries, Random rnd) {
        MetadataFsm full = new MetadataFsm();
        for (int i = 0; i < entries.size(); i++) {
            full.apply(i + 1, entries.get(i));
        }
        for (int trial = 0; trial < 3; trial++) {
            int k = rnd.nextInt(entries.size() + 1);
            MetadataFsm prefix = new MetadataFsm();
            for (int i = 0; i < k; i++) {
                prefix.apply(i + 1, entries.get(i));
            }
            MetadataFsm restored = new MetadataFsm();
            restored.restore(prefix.snapshot());
            assertEquals(prefix.view(), restored.view(), "restore reproduces the snapshot's state");
            // Re-applying entries the snapshot covers changes nothing (idempotent replay).
            for (int i = 0; i < k; i++) {
                assertEquals(null, restored.apply(i + 1, entries.get(i)));
            }
            for (int i = k; i < entries.size(); i++) {
                restored.apply(i + 1, entries.get(i));
            }
            assertEquals(full.view(), restored.view(), "snapshot at " + k + " + rest = all");
            assertArrayEquals(full.snapshot(), restored.snapshot());
        }
    }
}
