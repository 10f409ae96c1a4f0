package lb.broker.raft;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft servers in this JVM over a real NATS server: election, replication, loss of the leader,
 * rejoin. Runs against the embedded server and Debian's nats-server (the two subclasses).
 */
abstract class RaftNatsTest {
    private static final RaftConfig FAST = RaftConfig.defaults().withTimeouts(400, 800, 100).withJoin(200, 50);

    @TempDir
    Path tmp;
    private TestNats nats;
    private final Map<String, Member> members = new TreeMap<>();

    /** A state machine recording commands; apply returns the index. Guarded by itself. */
    static final class Recorder implements StateMachine {
        final List<String> applied = new ArrayList<>();

        @Override
        public synchronized Object apply(long index, byte[] command) {
            applied.add(new String(command, StandardCharsets.UTF_8));
            return index;
        }

        @Override
        public synchronized byte[] snapshot() {
            return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void restore(byte[] snapshot) {
            applied.clear();
            String s = new String(snapshot, StandardCharsets.UTF_8);
            if (!s.isEmpty()) applied.addAll(List.of(s.split("\n")));
        }

        synchronized List<String> copy() { return new ArrayList<>(applied); }
    }

    final class Member {
        final String id;
        final Connection nc;
        final Recorder sm = new Recorder();
        final RaftServer server;

        Member(String id, RaftConfig cfg) throws Exception {
            this.id = id;
            nc = Nats.connect(new Options.Builder().server(nats.url()).connectionName("raft-" + id).build());
            server = new RaftServer(id, cfg, tmp.resolve(id), new NatsTransport(nc, "lbtest", Duration.ofSeconds(2), 64),
                    sm, Duration.ofSeconds(5));
        }

        /** Abrupt loss: the connection goes first, so no leadership transfer reaches anyone. */
        void crash() throws InterruptedException {
            nc.close();
            server.close();
        }

        void stop() throws InterruptedException {
            server.close();
            nc.close();
        }
    }

    /** The NATS server this run uses. */
    abstract TestNats startNats() throws IOException;

    @BeforeEach
    void startNatsServer() throws Exception {
        nats = startNats();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Member m : members.values()) m.stop();
        nats.close();
    }

    private Member start(String id, RaftConfig cfg) throws Exception {
        Member m = new Member(id, cfg);
        members.put(id, m);
        m.server.start();
        return m;
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder b = new StringBuilder();
                for (Member m : members.values()) b.append("\n  ").append(m.server);
                throw new AssertionError("timed out waiting for " + what + b);
            }
            Thread.sleep(20);
        }
    }

    private Member leader() throws InterruptedException {
        Member[] found = new Member[1];
        await("a leader", () -> {
            for (Member m : members.values()) {
                if (m.server.isLeader()) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Proposes through whichever server leads, retrying across leader changes. */
    private void write(String command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                leader().server.propose(command.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    private void awaitSameState(int expectedCommands) throws InterruptedException {
        await("all servers to apply " + expectedCommands + " commands", () -> {
            List<String> first = null;
            for (Member m : members.values()) {
                List<String> a = m.sm.copy();
                if (a.size() != expectedCommands) return false;
                if (first == null) first = a; else if (!first.equals(a)) throw new AssertionError("diverged: " + first + " vs " + a);
            }
            return true;
        });
    }

    @Test
    void threeServersElectReplicateSurviveLeaderLossAndRejoin() throws Exception {
        List<String> ids = List.of("a", "b", "c");
        for (String id : ids) {
            List<String> peers = new ArrayList<>(ids);
            peers.remove(id);
            start(id, FAST.withBootstrap(false, peers));
        }
        Member first = leader();
        for (int i = 0; i < 50; i++) write("x" + i);
        awaitSameState(50);
        String q = first.server.read(() -> first.sm.copy().size()).get(10, TimeUnit.SECONDS).toString();
        assertEquals("50", q);

        members.remove(first.id).crash();
        Member second = leader();
        assertFalse(second.id.equals(first.id));
        for (int i = 50; i < 80; i++) write("x" + i);
        awaitSameState(80);

        start(first.id, FAST); // restart with its data: rejoins, bootstrap flags not needed
        awaitSameState(80);
        write("x80");
        awaitSameState(81);

        // graceful stop of the leader hands leadership over
        Member l = leader();
        long termBefore = l.server.term();
        members.remove(l.id).stop();
        Member next = leader();
        assertTrue(next.server.term() > termBefore);
        write("x81");
        await("two remaining servers to apply 82", () -> members.values().stream().allMatch(m -> m.sm.copy().size() == 82));
    }

    @Test
    void fiveServersJoinThroughTheSeedWithAQuorumOfThree() throws Exception {
        RaftConfig cfg = FAST.withMaxQuorumSize(3).withSnapshotThreshold(20);
        start("n1", cfg.withBootstrap(true, List.of()));
        leader();
        for (String id : List.of("n2", "n3", "n4", "n5")) start(id, cfg); // join
        await("five members", () -> leader0().server.membership().servers().size() == 5);
        Membership m = leader0().server.membership();
        assertEquals(3, m.voterCount(), m.toString());
        for (int i = 0; i < 60; i++) write("y" + i);
        awaitSameState(60);

        Member l = leader();
        members.remove(l.id).crash();
        for (int i = 60; i < 70; i++) write("y" + i);
        awaitSameState(70);

        // a lagging server catches up through a snapshot after the leader compacted
        Membership now = leader().server.membership();
        Member lag = members.values().stream().filter(x -> !now.isVoter(x.id)).findFirst().orElseThrow();
        members.remove(lag.id).stop();
        for (int i = 70; i < 120; i++) write("y" + i);
        start(lag.id, cfg);
        awaitSameState(120);
    }

    private Member leader0() {
        try {
            return leader();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void followerRefusesProposalsNamingTheLeader() throws Exception {
        start("p", FAST.withBootstrap(false, List.of("q")));
        start("q", FAST.withBootstrap(false, List.of("p")));
        Member l = leader();
        Member f = members.values().stream().filter(x -> x != l).findFirst().orElseThrow();
        await("follower to know the leader", () -> l.id.equals(f.server.leaderId()));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.server.propose(new byte[] {1}).get(5, TimeUnit.SECONDS));
        NotLeaderException nle = assertInstanceOf(NotLeaderException.class, e.getCause());
        assertEquals(l.id, nle.leaderId());
    }

    private void change(java.util.function.Function<RaftServer, java.util.concurrent.CompletableFuture<Object>> op) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                op.apply(leader().server).get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    @Test
    void removesAndAddsBackOneServerAtATime() throws Exception {
        List<String> ids = List.of("m1", "m2", "m3");
        for (String id : ids) {
            List<String> peers = new ArrayList<>(ids);
            peers.remove(id);
            start(id, FAST.withBootstrap(false, peers));
        }
        write("w0");
        awaitSameState(1);
        String victim = members.values().stream().filter(x -> !x.server.isLeader()).findFirst().orElseThrow().id;
        change(srv -> srv.removeServer(victim));
        assertFalse(leader().server.membership().contains(victim));
        write("w1");
        await("the others to apply w1", () -> members.values().stream().filter(x -> !x.id.equals(victim))
                .allMatch(x -> x.sm.copy().size() == 2));
        assertEquals(1, members.get(victim).sm.copy().size(), "a removed server receives nothing more");

        change(srv -> srv.addNonVoter(victim));
        awaitSameState(2);
        assertFalse(leader().server.membership().isVoter(victim));
        change(srv -> srv.addVoter(victim));
        assertTrue(leader().server.membership().isVoter(victim));
        write("w2");
        awaitSameState(3);
    }

    @Test
    void refusesToStartOnACorruptTermAndVoteFile() throws Exception {
        Member m = start("solo", FAST.withBootstrap(true, List.of()));
        write("s0");
        members.remove("solo").stop();
        Path state = tmp.resolve("solo").resolve("state");
        byte[] b = java.nio.file.Files.readAllBytes(state);
        b[b.length - 2] ^= 0x04;
        java.nio.file.Files.write(state, b);
        Member again = new Member("solo", FAST);
        try {
            CorruptStateException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptStateException.class, again.server::start);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        } finally {
            again.nc.close();
        }
        assertEquals(List.of("s0"), m.sm.copy());
    }

}
