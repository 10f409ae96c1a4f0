package lb.broker.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Single-node behaviours of {@link RaftNode} driven by hand. */
class RaftNodeTest {
    private static final RaftConfig CFG = RaftConfig.defaults().withTimeouts(100, 200, 20);
    private final List<String> sent = new ArrayList<>();

    private RaftNode node(String id, MemoryDisk disk, RaftConfig cfg) throws IOException {
        return new RaftNode(id, cfg, new RaftStorage(disk), new CounterMachine((i, c) -> { }),
                (to, m) -> sent.add(to + ":" + m.getClass().getSimpleName()), new Random(1), 0);
    }

    @Test
    void aSeedElectsItselfAndCommitsAlone() throws Exception {
        RaftNode n = node("a", new MemoryDisk(), CFG.withBootstrap(true, List.of()));
        n.tick(0);
        assertTrue(n.isLeader());
        CompletableFuture<Object> f = n.propose(new byte[] {1}, 1);
        assertEquals(1L, f.getNow(null));
        assertEquals(3, n.commitIndex(), "bootstrap configuration, no-op, command");
        assertEquals(3L, n.readIndex(2).getNow(null));
    }

    @Test
    void recoveringServerNeitherVotesNorCampaignsUntilCaughtUp() throws Exception {
        MemoryDisk disk = new MemoryDisk();
        RaftNode seed = node("a", disk, CFG.withBootstrap(false, List.of("b", "c")));
        assertEquals(1, seed.term());
        seed.close();
        // corrupt the only log record: the server must come back as recovering, at a higher term
        byte[] log = disk.read(RaftStorage.LOG);
        log[log.length - 1] ^= 1;
        disk.replace(RaftStorage.LOG, log);
        RaftNode a = node("a", disk, CFG);
        assertTrue(a.recovering());
        assertEquals(2, a.term());
        RaftMessage vote = a.onRequest(new RaftMessage.VoteRequest("b", 3, 5, 2, false, false), 1000);
        assertFalse(((RaftMessage.VoteResponse) vote).granted());
        RaftMessage pre = a.onRequest(new RaftMessage.VoteRequest("b", 4, 5, 2, true, false), 1000);
        assertFalse(((RaftMessage.VoteResponse) pre).granted());
        sent.clear();
        a.tick(10_000);
        assertFalse(sent.stream().anyMatch(s -> s.contains("VoteRequest")), "campaigned while recovering: " + sent);

        // a message the old term's leader sent before the corruption, delivered late, must not end the
        // recovery: it may predate entries this server had acknowledged and then lost
        Membership m0 = Membership.bootstrap(List.of("a", "b", "c"), 0);
        RaftMessage stale = a.onRequest(new RaftMessage.AppendRequest("b", 1, 0, 0,
                List.of(new LogEntry(1, 1, LogEntry.MEMBERSHIP, m0.encode())), 1, 0, true), 10_000);
        assertFalse(((RaftMessage.AppendResponse) stale).success());
        assertTrue(a.recovering());

        // a leader of a later term brings it to its end: recovery is over
        Membership m = Membership.bootstrap(List.of("a", "b", "c"), 0);
        RaftMessage ok = a.onRequest(new RaftMessage.AppendRequest("b", 3, 0, 0,
                List.of(new LogEntry(1, 1, LogEntry.MEMBERSHIP, m.encode()), new LogEntry(2, 3, LogEntry.NOOP, new byte[0])),
                2, 0, true), 10_001);
        assertTrue(((RaftMessage.AppendResponse) ok).success());
        assertFalse(a.recovering());
        RaftMessage vote2 = a.onRequest(new RaftMessage.VoteRequest("c", 4, 2, 3, false, true), 10_002);
        assertTrue(((RaftMessage.VoteResponse) vote2).granted());
    }

    @Test
    void followerRefusesProposalsAndReadsNamingTheLeader() throws Exception {
        RaftNode b = node("b", new MemoryDisk(), CFG.withBootstrap(false, List.of("a")));
        b.onRequest(new RaftMessage.AppendRequest("a", 2, 1, 1, List.of(), 0, 0, true), 5);
        NotLeaderException e = assertInstanceOf(NotLeaderException.class, b.propose(new byte[0], 6).exceptionNow());
        assertEquals("a", e.leaderId());
        assertInstanceOf(NotLeaderException.class, b.readIndex(6).exceptionNow());
    }

    @Test
    void staleLeaderMessagesAreRefusedWithTheCurrentTerm() throws Exception {
        RaftNode b = node("b", new MemoryDisk(), CFG.withBootstrap(false, List.of("a")));
        b.onRequest(new RaftMessage.AppendRequest("a", 5, 1, 1, List.of(), 0, 0, true), 5);
        RaftMessage.AppendResponse r = (RaftMessage.AppendResponse) b.onRequest(
                new RaftMessage.AppendRequest("c", 4, 1, 1, List.of(), 0, 0, true), 6);
        assertFalse(r.success());
        assertEquals(5, r.term());
    }
}
