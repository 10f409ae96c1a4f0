package lb.broker.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Raft paper's Figure 8, scripted message by message: a leader must not commit an entry of an
 * earlier term by counting replicas, because a server that missed it can still win an election and
 * overwrite it.
 */
class RaftFigure8Test {
    private record Msg(String from, String to, RaftMessage m, boolean response) {}

    private final Map<String, RaftNode> nodes = new TreeMap<>();
    private final Deque<Msg> wire = new ArrayDeque<>();
    private long now;

    private void start(String id, List<String> all) throws IOException {
        List<String> peers = new ArrayList<>(all);
        peers.remove(id);
        RaftConfig cfg = RaftConfig.defaults().withTimeouts(100, 200, 20).withBootstrap(false, peers);
        cfg = new RaftConfig(cfg.electionTimeoutMinMs(), cfg.electionTimeoutMaxMs(), cfg.heartbeatIntervalMs(), 1,
                cfg.snapshotThreshold(), 0, false, peers, 1000, 30); // one entry per AppendEntries
        nodes.put(id, new RaftNode(id, cfg, new RaftStorage(new MemoryDisk()), new CounterMachine((i, c) -> { }),
                (to, m) -> wire.add(new Msg(id, to, m, false)), new Random(id.hashCode()), now));
    }

    /** Delivers messages among {@code up} (others are lost), rewritten by {@code edit} (null = drop). */
    private void run(Set<String> up, UnaryOperator<RaftMessage> edit) {
        // bounded: a trimmed AppendEntries makes the leader resend at once, forever
        for (int delivered = 0; !wire.isEmpty() && delivered < 200; delivered++) {
            Msg msg = wire.poll();
            if (!up.contains(msg.from()) || !up.contains(msg.to())) continue;
            RaftMessage m = edit.apply(msg.m());
            if (m == null) continue;
            if (msg.response()) {
                nodes.get(msg.to()).onResponse(m, now);
            } else {
                RaftMessage r = nodes.get(msg.to()).onRequest(m, now);
                if (r != null) wire.add(new Msg(msg.to(), msg.from(), r, true));
            }
        }
        wire.clear();
    }

    private void elect(String id, Set<String> up, UnaryOperator<RaftMessage> edit) {
        // the first tick also makes a cut-off leader step down (check-quorum) before it campaigns again
        for (int attempt = 0; attempt < 4 && (attempt == 0 || !nodes.get(id).isLeader()); attempt++) {
            now += 1000; // past every election timeout and every follower's memory of a leader
            nodes.get(id).tick(now);
            run(up, edit);
        }
        assertTrue(nodes.get(id).isLeader(), id + " should have won: " + nodes.get(id).role());
    }

    @Test
    void neverCommitsAnEarlierTermEntryByCounting() throws IOException {
        List<String> all = List.of("s1", "s2", "s3", "s4", "s5");
        for (String id : all) start(id, all);
        Set<String> everyone = Set.copyOf(all);

        // (a) s1 leads term 2; its no-op reaches everyone; entry X (index 3, term 2) reaches only s2
        elect("s1", everyone, m -> m);
        RaftNode s1 = nodes.get("s1");
        CompletableFuture<Object> x = s1.propose(new byte[] {42}, now);
        run(Set.of("s1", "s2"), m -> m);
        assertEquals(3, nodes.get("s2").lastIndex());

        // (b) s1 is cut off; s5 leads term 3 with s3 and s4, appends its no-op at 3 but sends nothing
        elect("s5", Set.of("s3", "s4", "s5"), m -> m instanceof RaftMessage.AppendRequest ? null : m);
        assertEquals(3, nodes.get("s5").term());

        // (c) s5 is cut off; s1 leads term 4 with s2 and s3 and copies X to s3 — but nothing of term 4
        //     reaches anyone, so X sits on a majority (s1, s2, s3) without being committable
        UnaryOperator<RaftMessage> onlyUpToX = m -> {
            if (m instanceof RaftMessage.AppendRequest a && a.from().equals("s1")) {
                List<LogEntry> upTo3 = a.entries().stream().filter(e -> e.index() <= 3).toList();
                return new RaftMessage.AppendRequest(a.from(), a.term(), a.prevIndex(), a.prevTerm(), upTo3,
                        a.leaderCommit(), a.round(), false);
            }
            return m;
        };
        elect("s1", Set.of("s1", "s2", "s3"), onlyUpToX);
        assertEquals(4, s1.term());
        for (int i = 0; i < 5; i++) {
            now += 30;
            s1.tick(now); // heartbeats, still trimmed to X
            run(Set.of("s1", "s2", "s3"), onlyUpToX);
        }
        assertEquals(3, nodes.get("s3").lastIndex());
        assertEquals(2, nodes.get("s3").storage().term(3), "s3 holds X");
        assertTrue(s1.commitIndex() < 3, "X (term 2) committed by counting in term 4: commit=" + s1.commitIndex());
        assertFalse(x.isDone() && !x.isCompletedExceptionally(), "X acknowledged");

        // (d) why: s1 is cut off; s5 (last entry of term 3) wins term 5 and overwrites index 3 everywhere
        elect("s5", Set.of("s2", "s3", "s4", "s5"), m -> m);
        for (int i = 0; i < 5; i++) {
            now += 30;
            nodes.get("s5").tick(now);
            run(Set.of("s2", "s3", "s4", "s5"), m -> m);
        }
        assertEquals(3, nodes.get("s3").storage().term(3), "X was overwritten, as allowed since never committed");
        assertTrue(nodes.get("s5").commitIndex() >= 3);
    }
}
