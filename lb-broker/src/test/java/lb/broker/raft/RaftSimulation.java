package lb.broker.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One seeded run: 3 or 5 servers on a {@link SimNetwork}, each a {@link RaftNode} over a
 * {@link MemoryDisk}, driven by clients through the public API ({@link RaftNode#propose},
 * {@link RaftNode#readIndex}, {@link RaftNode#changeMembership}, {@link RaftNode#transferLeadership})
 * while faults are injected: message loss, delay, duplication and reordering, partitions, crashes
 * that keep only synced bytes (with torn unsynced tails), bit flips in a minority's files, membership
 * changes and leadership transfers. After every event the invariants are checked:
 * <ul>
 *   <li>election safety: at most one leader per term;</li>
 *   <li>log matching: two logs with an entry of the same index and term agree up to it;</li>
 *   <li>leader completeness: every leader holds every committed entry after its snapshot; a
 *       committed index never changes term;</li>
 *   <li>state-machine safety: every server's hash chain over applied commands agrees at each index;</li>
 *   <li>linearizability of the counter workload (see {@link #complete}).</li>
 * </ul>
 * After the faults stop, the network heals and every server restarts; a leader must then emerge and
 * serve a write and a read (liveness). Any violation throws {@link AssertionError} naming the seed.
 */
final class RaftSimulation {
    static final long FAULT_END_MS = 8_000;
    static final long HEAL_END_MS = 25_000;

    final long seed;
    private final Random random;
    private final SimNetwork net;
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Node> nodes = new TreeMap<>();
    private final RaftConfig cfg;
    private final int initialVoters;
    private final Set<String> removed = new TreeSet<>();
    private final Set<String> nonVoters = new TreeSet<>();
    private final Set<String> corruptible = new TreeSet<>();
    private final StringBuilder trace;

    // invariant state
    private final Map<Long, String> leaders = new TreeMap<>();
    /** index -> {entry term, term of the leader under which the commit was first seen}. */
    private final TreeMap<Long, long[]> committedTerms = new TreeMap<>();
    private final Map<Long, Long> chains = new TreeMap<>();

    // workload state (linearizability of the counter)
    private long incsInvoked;
    private long maxAckedInc;
    private long maxRead;
    private final Set<Long> ackedIncs = new HashSet<>();
    private boolean probeWrote;
    private boolean probeRead;

    // statistics
    int crashes;
    int flips;
    int repaired;
    int refused;
    int acked;
    int reads;
    int membershipChanges;
    int transfers;

    RaftSimulation(long seed, boolean traceOn) {
        this.seed = seed;
        this.random = new Random(mix(seed)); // consecutive raw seeds give java.util.Random similar first draws
        this.net = new SimNetwork(random);
        this.trace = traceOn ? new StringBuilder() : null;
        int n = random.nextBoolean() ? 3 : 5;
        for (int i = 1; i <= n; i++) ids.add("s" + i);
        // In half of the runs only some servers bootstrap; the others join through the leader.
        initialVoters = random.nextBoolean() ? n : 3;
        cfg = RaftConfig.defaults().withTimeouts(150, 300, 40).withSnapshotThreshold(5 + random.nextInt(40))
                .withJoin(200, Integer.MAX_VALUE);
        net.dropRate = random.nextDouble() * 0.1;
        net.duplicateRate = random.nextDouble() * 0.05;
        net.maxDelayMs = 2 + random.nextInt(30);
        List<String> shuffled = new ArrayList<>(ids);
        java.util.Collections.shuffle(shuffled, random);
        // A minority of the smallest voter set: with 3 of 5 bootstrapped, only one server may be corrupt,
        // since two repairing servers (which cannot vote) out of three voters block elections for good.
        corruptible.addAll(shuffled.subList(0, (initialVoters - 1) / 2));
    }

    private static long mix(long z) { // splitmix64 finalizer
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private void trace(String s) {
        if (trace != null) trace.append(net.now()).append("ms ").append(s).append('\n');
    }

    String trace() { return trace == null ? "" : trace.toString(); }

    private AssertionError violation(String what) {
        return new AssertionError("seed " + seed + " at " + net.now() + "ms: " + what + "\n  replay: "
                + RaftSimulationTest.replayCommand(seed));
    }

    /** One server: its disk survives crashes; core and transport are per incarnation. */
    private final class Node {
        final String id;
        final MemoryDisk disk = new MemoryDisk();
        RaftNode core;
        CounterMachine sm;
        SimNetwork.Transport transport;
        boolean dead;
        long seenCommit;
        long scheduledTick = Long.MAX_VALUE;
        long tickVersion;
        RaftNode.Role lastRole;

        Node(String id) { this.id = id; }

        boolean up() { return core != null; }

        void start(RaftConfig c) {
            sm = new CounterMachine((index, chain) -> {
                Long prev = chains.putIfAbsent(index, chain);
                if (prev != null && prev != chain) throw violation("state machines diverge at index " + index + " on " + id);
            });
            SimNetwork.Transport t = net.transport(id);
            transport = t;
            try {
                core = new RaftNode(id, c, new RaftStorage(disk), sm,
                        (to, m) -> t.send(to, m, resp -> { if (core != null && transport == t) core.onResponse(resp, net.now()); }),
                        new Random(random.nextLong()), net.now());
            } catch (CorruptStateException e) {
                trace(id + " refuses to start: " + e.getMessage());
                refused++;
                dead = true;
                t.close();
                return;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (core.corruptionRepaired() != null) {
                repaired++;
                trace(id + " repaired: " + core.corruptionRepaired());
            }
            t.start(id, req -> CompletableFuture.completedFuture(core == null || transport != t ? null : core.onRequest(req, net.now())));
            seenCommit = core.commitIndex();
            scheduledTick = Long.MAX_VALUE;
            lastRole = null;
            trace(id + " started term=" + core.term() + " last=" + core.lastIndex() + " members=" + core.membership());
        }

        void crash() {
            trace(id + " crashes");
            core.close();
            core = null;
            transport.close();
            disk.crash(random);
        }
    }

    void run() {
        for (String id : ids) nodes.put(id, new Node(id));
        List<String> boot = ids.subList(0, initialVoters);
        for (String id : ids) {
            Node node = nodes.get(id);
            if (boot.contains(id)) {
                List<String> peers = new ArrayList<>(boot);
                peers.remove(id);
                node.start(cfg.withBootstrap(false, peers));
            } else {
                node.start(cfg); // joins
            }
        }
        net.afterEvent(this::afterEvent);
        for (int c = 0; c < 3; c++) net.at(random.nextInt(300), this::clientStep);
        long t = 300;
        while (t < FAULT_END_MS) {
            t += 50 + random.nextInt(500);
            long at = t;
            net.at(at, this::fault);
        }
        net.runUntil(FAULT_END_MS);
        trace("faults end; healing");
        net.heal();
        net.dropRate = 0;
        net.duplicateRate = 0;
        for (Node n : nodes.values()) if (!n.up() && !n.dead) n.start(cfg);
        net.at(net.now() + 1, this::probeStep);
        long healStart = net.now();
        while (net.now() < HEAL_END_MS && !(probeWrote && probeRead)) net.runUntil(net.now() + 500);
        if (!(probeWrote && probeRead)) {
            throw violation("no progress " + (net.now() - healStart) + "ms after healing: " + describe());
        }
    }

    private String describe() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes.values()) {
            b.append(n.id).append(n.dead ? "(dead) " : n.up() ? "(" + n.core.role() + " t" + n.core.term() + " last"
                    + n.core.lastIndex() + " commit" + n.core.commitIndex() + (n.core.recovering() ? " recovering" : "")
                    + " " + n.core.membership() + ") " : "(down) ");
        }
        return b.toString();
    }

    // ---- faults ------------------------------------------------------------------------------------

    private int allowedDown() {
        int voters = 0;
        for (String id : ids) if (!removed.contains(id) && !nonVoters.contains(id)) voters++;
        return (Math.min(voters, initialVoters) - 1) / 2;
    }

    private int down() {
        int d = 0;
        for (Node n : nodes.values()) if (!n.up()) d++;
        return d;
    }

    private Node leader() {
        for (Node n : nodes.values()) if (n.up() && n.core.isLeader()) return n;
        return null;
    }

    private void fault() {
        double r = random.nextDouble();
        List<Node> up = nodes.values().stream().filter(Node::up).toList();
        if (r < 0.35) {
            if (down() + 1 > allowedDown() || up.isEmpty()) return;
            Node l = leader();
            Node victim = l != null && random.nextBoolean() ? l : up.get(random.nextInt(up.size()));
            crashes++;
            victim.crash();
            net.at(net.now() + 50 + random.nextInt(1500), () -> restart(victim));
        } else if (r < 0.6) {
            Set<String> side = new TreeSet<>();
            for (String id : ids) if (random.nextBoolean()) side.add(id);
            Node l = leader();
            if (l != null && random.nextBoolean()) { // cut one follower off so that it lags
                side.clear();
                List<String> others = new ArrayList<>(ids);
                others.remove(l.id);
                side.add(others.get(random.nextInt(others.size())));
            }
            trace("partition " + side);
            net.partition(side);
            net.at(net.now() + 100 + random.nextInt(1500), () -> { trace("heal"); net.heal(); });
        } else if (r < 0.7) {
            Node l = leader();
            if (l != null && l.core.transferLeadership(net.now())) {
                transfers++;
                trace(l.id + " transfers leadership");
            }
        } else if (r < 0.85) {
            membershipFault();
        }
    }

    private void restart(Node n) {
        if (n.up() || n.dead) return;
        if (corruptible.contains(n.id) && random.nextDouble() < 0.4) {
            int bits = 1 + random.nextInt(3);
            for (int i = 0; i < bits; i++) {
                String where = n.disk.flipBit(random);
                if (where != null) {
                    flips++;
                    trace(n.id + " bit flip in " + where);
                }
            }
        }
        n.start(cfg);
    }

    private void membershipFault() {
        Node l = leader();
        if (l == null) return;
        if (!removed.isEmpty() && random.nextBoolean()) {
            String back = removed.iterator().next();
            if (nodes.get(back).dead) return;
            boolean voter = random.nextDouble() < 0.7;
            CompletableFuture<Object> f = l.core.changeMembership(back, voter, net.now());
            trace(l.id + " adds " + back + (voter ? " as voter" : " as non-voter"));
            f.whenComplete((v, e) -> {
                if (e == null) {
                    removed.remove(back);
                    if (!voter) nonVoters.add(back);
                    membershipChanges++;
                }
            });
        } else if (removed.isEmpty() && down() == 0 && ids.size() - nonVoters.size() > 3) {
            List<String> candidates = new ArrayList<>();
            for (String id : l.core.membership().servers().keySet()) if (!id.equals(l.id)) candidates.add(id);
            if (candidates.isEmpty()) return;
            String victim = candidates.get(random.nextInt(candidates.size()));
            // Corruption must stay in a minority of the voters: a server repairing its state cannot
            // vote, so corrupt voters forming half the group would block elections for good.
            int votersAfter = 0;
            int corruptAfter = 0;
            for (String id : ids) {
                if (id.equals(victim) || removed.contains(id) || nonVoters.contains(id)) continue;
                votersAfter++;
                if (corruptible.contains(id)) corruptAfter++;
            }
            if (corruptAfter > (votersAfter - 1) / 2) return;
            removed.add(victim); // counted removed at once: fewer crashes allowed, never more
            nonVoters.remove(victim);
            trace(l.id + " removes " + victim);
            l.core.changeMembership(victim, null, net.now()).whenComplete((v, e) -> {
                if (e == null) membershipChanges++;
            });
        }
    }

    // ---- workload ------------------------------------------------------------------------------------

    private Node pickTarget() {
        List<Node> up = nodes.values().stream().filter(Node::up).toList();
        if (up.isEmpty()) return null;
        Node any = up.get(random.nextInt(up.size()));
        if (random.nextDouble() < 0.8 && any.core.leaderId() != null) {
            Node l = nodes.get(any.core.leaderId());
            if (l != null && l.up()) return l;
        }
        return any;
    }

    private void clientStep() {
        if (net.now() >= FAULT_END_MS) return;
        Node target = pickTarget();
        if (target == null) {
            net.at(net.now() + 20, this::clientStep);
            return;
        }
        invoke(target, random.nextDouble() < 0.6, ok -> net.at(net.now() + random.nextInt(15), this::clientStep));
    }

    private void probeStep() {
        if (probeWrote && probeRead) return;
        Node target = pickTarget();
        if (target == null) {
            net.at(net.now() + 50, this::probeStep);
            return;
        }
        boolean write = !probeWrote;
        invoke(target, write, ok -> {
            if (ok) {
                if (write) probeWrote = true; else probeRead = true;
            }
            net.at(net.now() + 20, this::probeStep);
        });
    }

    /** Invokes one operation; calls {@code next} once with whether it succeeded (timeouts count as not). */
    private void invoke(Node target, boolean inc, java.util.function.Consumer<Boolean> next) {
        long floor = Math.max(maxAckedInc, maxRead);
        boolean[] done = {false};
        CompletableFuture<?> f;
        if (inc) {
            incsInvoked++;
            byte[] cmd = ByteBuffer.allocate(8).putLong(incsInvoked).array();
            f = target.core.propose(cmd, net.now());
        } else {
            CounterMachine sm = target.sm;
            f = target.core.readIndex(net.now()).thenApply(i -> sm.value);
        }
        net.at(net.now() + 2_000, () -> {
            if (!done[0]) {
                done[0] = true;
                next.accept(false);
            }
        });
        f.whenComplete((v, e) -> {
            if (done[0]) return;
            done[0] = true;
            if (e == null) complete(inc, (Long) v, floor);
            next.accept(e == null);
        });
    }

    /**
     * Linearizability of the counter, checked as each operation completes: an increment returns the
     * counter after it, so its result must exceed everything observed before it was invoked (floor)
     * and no two increments may return the same value; a read must return at least the floor; neither
     * may exceed the number of increments invoked so far (acknowledged or not).
     */
    private void complete(boolean inc, long v, long floor) {
        if (v > incsInvoked) throw violation((inc ? "increment" : "read") + " returned " + v + " but only " + incsInvoked + " increments were invoked");
        if (inc) {
            if (v <= floor) throw violation("increment returned " + v + " but " + floor + " was observed before it was invoked");
            if (!ackedIncs.add(v)) throw violation("two increments returned " + v);
            maxAckedInc = Math.max(maxAckedInc, v);
            acked++;
        } else {
            if (v < floor) throw violation("stale read " + v + " after " + floor + " was observed");
            maxRead = Math.max(maxRead, v);
            reads++;
        }
    }

    // ---- invariants and timers --------------------------------------------------------------------

    private void afterEvent() {
        for (Node n : nodes.values()) {
            if (!n.up()) continue;
            RaftNode c = n.core;
            RaftStorage s = c.storage();
            if (c.role() != n.lastRole) {
                trace(n.id + " -> " + c.role() + " term " + c.term() + " last " + c.lastIndex());
                n.lastRole = c.role();
            }
            if (c.role() == RaftNode.Role.LEADER) {
                String prev = leaders.putIfAbsent(c.term(), n.id);
                if (prev != null && !prev.equals(n.id)) throw violation("two leaders in term " + c.term() + ": " + prev + " and " + n.id);
                for (Map.Entry<Long, long[]> e : committedTerms.tailMap(s.snapshotIndex(), false).entrySet()) {
                    if (e.getValue()[1] > c.term()) continue; // committed after this (stale) leader's term
                    if (e.getKey() > s.lastIndex() || s.term(e.getKey()) != e.getValue()[0]) {
                        throw violation("leader " + n.id + " (term " + c.term() + ") lacks entry " + e.getKey() + "@"
                                + e.getValue()[0] + " committed in term " + e.getValue()[1]);
                    }
                }
            }
            for (long i = Math.max(n.seenCommit, s.snapshotIndex()) + 1; i <= c.commitIndex(); i++) {
                long t = s.term(i);
                long[] prev = committedTerms.putIfAbsent(i, new long[] {t, c.term()});
                if (prev != null && prev[0] != t) throw violation(n.id + " committed " + i + "@" + t + " but " + i + "@" + prev[0] + " was committed");
            }
            n.seenCommit = Math.max(n.seenCommit, c.commitIndex());
        }
        List<Node> up = nodes.values().stream().filter(Node::up).toList();
        for (int a = 0; a < up.size(); a++) {
            for (int b = a + 1; b < up.size(); b++) checkLogMatching(up.get(a), up.get(b));
        }
        for (Node n : up) {
            long d = Math.max(n.core.nextDeadlineMs(), net.now() + 1);
            if (d < n.scheduledTick) {
                n.scheduledTick = d;
                long version = ++n.tickVersion;
                RaftNode core = n.core;
                net.at(d, () -> {
                    if (n.core != core || n.tickVersion != version) return;
                    n.scheduledTick = Long.MAX_VALUE;
                    core.tick(net.now());
                });
            }
        }
    }

    private void checkLogMatching(Node x, Node y) {
        RaftStorage a = x.core.storage();
        RaftStorage b = y.core.storage();
        long lo = Math.max(a.snapshotIndex(), b.snapshotIndex()) + 1;
        long hi = Math.min(a.lastIndex(), b.lastIndex());
        boolean matched = false;
        for (long i = hi; i >= lo; i--) {
            LogEntry ea = a.entry(i);
            LogEntry eb = b.entry(i);
            if (matched || ea.term() == eb.term()) {
                if (!ea.equals(eb)) {
                    throw violation("log matching: " + x.id + " has " + ea + ", " + y.id + " has " + eb + (matched ? " below a common entry" : ""));
                }
                matched = true;
            }
        }
    }

    String summary() {
        return "seed " + seed + ": " + ids.size() + " servers, crashes=" + crashes + " flips=" + flips + " repaired=" + repaired
                + " refused=" + refused + " acked=" + acked + " reads=" + reads + " membership=" + membershipChanges
                + " transfers=" + transfers + " leaders=" + leaders.size() + " messages=" + net.delivered;
    }
}
