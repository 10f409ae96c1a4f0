package lb.broker.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft protocol of one server as a deterministic state machine: no threads, no clock, no I/O
 * besides its {@link RaftStorage}. Everything arrives as a call with the current time ({@code nowMs}):
 * {@link #tick}, {@link #onRequest}, {@link #onResponse}, {@link #propose}, {@link #readIndex},
 * {@link #changeMembership}, {@link #transferLeadership}. Messages leave through the {@link Outbox}.
 * The simulation drives it from a seeded scheduler; {@link RaftServer} from one thread per node.
 *
 * <p>Not thread-safe: every call must come from the owning thread, which is also the thread that
 * runs {@link StateMachine} callbacks and completes the futures handed out.
 *
 * <p>Protocol choices:
 * <ul>
 *   <li>Elections: randomized timeouts, pre-vote (no term bump without a majority that has lost its
 *       leader), leader stickiness (no vote while a leader was heard within the minimum election
 *       timeout, unless the election comes from a leadership transfer), check-quorum (a leader that has
 *       not heard from a majority for the minimum election timeout steps down).</li>
 *   <li>Replication: one AppendEntries in flight per follower, resent every heartbeat; on mismatch the
 *       follower returns the conflicting term and its first index so the leader skips a term at a time;
 *       only entries of the current term are committed by counting.</li>
 *   <li>Durability: the log is fsynced before a follower answers and before the leader counts itself;
 *       term and vote are written atomically before any message that depends on them is sent.</li>
 *   <li>Reads: read index — the leader notes its commit index, confirms it is still leader with a
 *       round of heartbeats acknowledged by a majority, and answers once that index is applied; no
 *       clock-based lease is used.</li>
 *   <li>Membership: one server at a time; a configuration takes effect when appended; a change
 *       waits until the previous one is committed and the leader has committed an entry of its term.</li>
 *   <li>Corruption: a server whose storage reported corruption ({@link RaftStorage#recovering()}) neither
 *       votes nor campaigns until a leader has brought its log to the leader's last index.</li>
 * </ul>
 */
public final class RaftNode {
    /** Destination of join requests: every other server (only the leader answers). */
    public static final String JOIN_ADDRESS = "*join*";

    public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

    /** Where the node sends its requests; responses come back through {@link #onResponse}. */
    @FunctionalInterface
    public interface Outbox {
        void send(String to, RaftMessage message);
    }

    private static final class Peer {
        long nextIndex;
        long matchIndex;
        boolean inflight;
        long nextHeartbeatMs;
        long lastAckMs;
        long ackedRound;
    }

    private record Pending(long term, CompletableFuture<Object> future) {}

    private record PendingRead(long round, long index, CompletableFuture<Long> future) {}

    private final String id;
    private final RaftConfig cfg;
    private final RaftStorage storage;
    private final StateMachine sm;
    private final Outbox out;
    private final Random random;

    private long now;
    private Role role = Role.FOLLOWER;
    private String leaderId;
    private long lastLeaderContactMs = Long.MIN_VALUE / 2;
    private long electionDeadlineMs;
    private long commitIndex;
    private long lastApplied;
    private Membership membership = Membership.EMPTY;
    private long membershipIndex;
    private final Set<String> votes = new HashSet<>();
    private final Map<String, Peer> peers = new TreeMap<>(); // sorted: deterministic message order
    private long checkQuorumAtMs;
    private long readRound;
    private final List<PendingRead> reads = new ArrayList<>();
    private final List<CompletableFuture<Long>> readsAwaitingTermCommit = new ArrayList<>();
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private String transferTarget;
    private long transferDeadlineMs;
    private long nextJoinMs;
    private int joinAttemptsMade;
    private boolean joinFailed;
    private boolean closed;
    private IOException failure;

    /**
     * Opens the storage, bootstraps a fresh server if configured to, restores the latest snapshot into
     * the state machine. Log entries after the snapshot are applied once they are known committed.
     *
     * @throws CorruptStateException if the term/vote file is corrupt (the server must not start)
     */
    public RaftNode(String id, RaftConfig cfg, RaftStorage storage, StateMachine sm, Outbox out, Random random,
                    long nowMs) throws IOException {
        if (id == null || id.isEmpty() || id.equals(JOIN_ADDRESS)) throw new IllegalArgumentException("bad server id '" + id + "'");
        this.id = id;
        this.cfg = cfg;
        this.storage = storage;
        this.sm = sm;
        this.out = out;
        this.random = random;
        this.now = nowMs;
        storage.open();
        boolean fresh = storage.term() == 0 && storage.lastIndex() == 0 && storage.snapshotIndex() == 0;
        if (fresh && (cfg.bootstrapSeed() || !cfg.bootstrapPeers().isEmpty())) {
            List<String> ids = new ArrayList<>(cfg.bootstrapPeers());
            ids.add(id);
            Membership m = Membership.bootstrap(ids, cfg.maxQuorumSize());
            // Log first, then term: a crash in between leaves a non-fresh server (log present) that
            // keeps the bootstrap entry and is never bootstrapped twice.
            storage.append(List.of(new LogEntry(1, 1, LogEntry.MEMBERSHIP, m.encode())));
            storage.sync();
            storage.setHardState(1, null, false);
        }
        if (storage.snapshotIndex() > 0) {
            sm.restore(storage.snapshotData());
            commitIndex = lastApplied = storage.snapshotIndex();
        }
        reloadMembership();
        // A group of one need not wait a whole timeout to elect itself.
        electionDeadlineMs = membership.voterCount() == 1 && membership.isVoter(id) ? nowMs : randomDeadline();
    }

    // ---- queries -----------------------------------------------------------------------------

    public String id() { return id; }
    public Role role() { return role; }
    public boolean isLeader() { return role == Role.LEADER && transferTarget == null; }
    public String leaderId() { return leaderId; }
    public long term() { return storage.term(); }
    public long commitIndex() { return commitIndex; }
    public long lastApplied() { return lastApplied; }
    public long lastIndex() { return storage.lastIndex(); }
    public Membership membership() { return membership; }
    public boolean recovering() { return storage.recovering(); }
    /** True when a server without configuration made all its join attempts without being added. */
    public boolean joinFailed() { return joinFailed; }
    /** What storage repaired at start-up, or null. */
    public String corruptionRepaired() { return storage.corruption(); }
    RaftStorage storage() { return storage; }

    /** The earliest time at which {@link #tick} has something to do. */
    public long nextDeadlineMs() {
        if (closed) return Long.MAX_VALUE;
        if (role == Role.LEADER) {
            long d = checkQuorumAtMs;
            for (Peer p : peers.values()) d = Math.min(d, p.nextHeartbeatMs);
            if (transferTarget != null) d = Math.min(d, transferDeadlineMs);
            return d;
        }
        long d = electionDeadlineMs;
        if (joining()) d = Math.min(d, nextJoinMs);
        return d;
    }

    // ---- inputs ------------------------------------------------------------------------------

    /** Time passes: elections, heartbeats, check-quorum, join retries. */
    public void tick(long nowMs) {
        if (!enter(nowMs)) return;
        try {
            if (role == Role.LEADER) {
                if (transferTarget != null && now >= transferDeadlineMs) transferTarget = null;
                if (now >= checkQuorumAtMs) {
                    if (!quorumActive()) {
                        becomeFollower(term(), null);
                        return;
                    }
                    checkQuorumAtMs = now + cfg.electionTimeoutMinMs();
                }
                for (Map.Entry<String, Peer> e : peers.entrySet()) {
                    if (now >= e.getValue().nextHeartbeatMs) replicate(e.getKey(), e.getValue(), true);
                }
            } else {
                if (now >= electionDeadlineMs) {
                    if (canCampaign()) startPreVote(); else electionDeadlineMs = randomDeadline();
                }
                if (joining() && now >= nextJoinMs) {
                    if (joinAttemptsMade >= cfg.joinAttempts()) {
                        joinFailed = true;
                    } else {
                        joinAttemptsMade++;
                        nextJoinMs = now + cfg.joinRetryMs();
                        out.send(JOIN_ADDRESS, new RaftMessage.JoinRequest(id, term()));
                    }
                }
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Handles a request from another server; returns the response to send back, or null for none. */
    public RaftMessage onRequest(RaftMessage m, long nowMs) {
        if (!enter(nowMs)) return null;
        try {
            return switch (m) {
                case RaftMessage.VoteRequest r -> handleVote(r);
                case RaftMessage.AppendRequest r -> handleAppend(r);
                case RaftMessage.SnapshotRequest r -> handleSnapshot(r);
                case RaftMessage.TimeoutNow r -> {
                    if (r.term() == term() && role == Role.FOLLOWER && canCampaign()) startElection(true);
                    yield null;
                }
                case RaftMessage.JoinRequest r -> handleJoin(r);
                // responses never arrive as requests; a peer that sends one is broken: no answer
                case RaftMessage.VoteResponse r -> null;
                case RaftMessage.AppendResponse r -> null;
                case RaftMessage.JoinResponse r -> null;
            };
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** Handles the response to one of this node's requests. */
    public void onResponse(RaftMessage m, long nowMs) {
        if (!enter(nowMs)) return;
        try {
            switch (m) {
                case RaftMessage.VoteResponse r -> handleVoteResponse(r);
                case RaftMessage.AppendResponse r -> handleAppendResponse(r);
                default -> { } // join responses carry nothing to act on: membership arrives through the log
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Appends commands (one fsync for all) and returns one future each, completed with
     * {@link StateMachine#apply}'s result once the entry is committed and applied here; exceptionally
     * with {@link NotLeaderException} if this node is not leader (or the entry is superseded by another
     * leader's), or {@link IllegalStateException} when the node closes first.
     */
    public List<CompletableFuture<Object>> propose(List<byte[]> commands, long nowMs) {
        List<CompletableFuture<Object>> futures = new ArrayList<>(commands.size());
        if (!enter(nowMs) || !isLeader()) {
            for (int i = 0; i < commands.size(); i++) futures.add(CompletableFuture.failedFuture(refusal()));
            return futures;
        }
        List<LogEntry> entries = new ArrayList<>(commands.size());
        long index = storage.lastIndex();
        for (byte[] c : commands) entries.add(new LogEntry(++index, term(), LogEntry.COMMAND, c.clone()));
        for (LogEntry e : entries) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            pending.put(e.index(), new Pending(e.term(), f));
            futures.add(f);
        }
        appendAsLeader(entries);
        return futures;
    }

    public CompletableFuture<Object> propose(byte[] command, long nowMs) {
        return propose(List.of(command), nowMs).getFirst();
    }

    /**
     * Read index: completes (on this node's thread) with an index once the state machine has applied
     * it and this node has confirmed it was still leader after the call; reading the state machine then
     * observes every write that completed before the call. Fails with {@link NotLeaderException}.
     */
    public CompletableFuture<Long> readIndex(long nowMs) {
        if (!enter(nowMs) || !isLeader()) return CompletableFuture.failedFuture(refusal());
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (storage.term(commitIndex) != term()) {
            readsAwaitingTermCommit.add(f); // commit index not yet known current: wait for the no-op
        } else {
            issueRead(f);
        }
        return f;
    }

    /**
     * Adds ({@code voter} true/false) or removes ({@code voter} null) one server. Completes when the new
     * configuration is committed. Fails with {@link NotLeaderException}, or {@link IllegalStateException}
     * while an earlier change is uncommitted or the leader has not committed an entry of its term yet.
     */
    public CompletableFuture<Object> changeMembership(String server, Boolean voter, long nowMs) {
        if (!enter(nowMs) || !isLeader()) return CompletableFuture.failedFuture(refusal());
        if (membershipIndex > commitIndex || storage.term(commitIndex) != term()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "a membership change is in progress (configuration at " + membershipIndex + ", commit at "
                            + commitIndex + "); retry"));
        }
        Membership next = voter == null ? membership.without(server) : membership.with(server, voter);
        if (next.equals(membership)) return CompletableFuture.completedFuture(null);
        if (next.voterCount() == 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot remove the last voter " + server));
        }
        LogEntry e = new LogEntry(storage.lastIndex() + 1, term(), LogEntry.MEMBERSHIP, next.encode());
        CompletableFuture<Object> f = new CompletableFuture<>();
        pending.put(e.index(), new Pending(e.term(), f));
        appendAsLeader(List.of(e));
        return f;
    }

    /**
     * Starts handing leadership to the most up-to-date other voter: proposals are refused meanwhile;
     * the target is brought up to date and told to start an election at once. Gives up after the maximum
     * election timeout. Returns false when this node is not leader or there is no other voter.
     */
    public boolean transferLeadership(long nowMs) {
        if (!enter(nowMs) || role != Role.LEADER) return false;
        String best = null;
        for (String v : membership.voters()) {
            if (v.equals(id)) continue;
            if (best == null || peers.get(v).matchIndex > peers.get(best).matchIndex) best = v;
        }
        if (best == null) return false;
        transferTarget = best;
        transferDeadlineMs = now + cfg.electionTimeoutMaxMs();
        Peer p = peers.get(best);
        if (p.matchIndex == storage.lastIndex()) {
            out.send(best, new RaftMessage.TimeoutNow(id, term()));
        } else {
            replicate(best, p, true);
        }
        return true;
    }

    /** Fails everything pending; the node accepts nothing afterwards. */
    public void close() {
        if (closed) return;
        closed = true;
        IllegalStateException e = new IllegalStateException("raft server " + id + " closed");
        failAll(e);
    }

    // ---- request handlers ----------------------------------------------------------------------

    private RaftMessage handleVote(RaftMessage.VoteRequest r) throws IOException {
        boolean leaderFresh = role == Role.LEADER || (leaderId != null
                && now - lastLeaderContactMs < cfg.electionTimeoutMinMs());
        if (r.preVote()) {
            boolean grant = r.term() > term() && !storage.recovering() && !leaderFresh && upToDate(r);
            return new RaftMessage.VoteResponse(id, grant ? r.term() : term(), grant, true);
        }
        if (r.term() > term()) {
            if (leaderFresh && !r.transfer()) return new RaftMessage.VoteResponse(id, term(), false, false);
            becomeFollower(r.term(), null);
        }
        if (r.term() < term()) return new RaftMessage.VoteResponse(id, term(), false, false);
        String voted = storage.votedFor();
        boolean grant = !storage.recovering() && (voted == null || voted.equals(r.from())) && upToDate(r);
        if (grant) {
            storage.setHardState(term(), r.from(), false);
            electionDeadlineMs = randomDeadline();
        }
        return new RaftMessage.VoteResponse(id, term(), grant, false);
    }

    private boolean upToDate(RaftMessage.VoteRequest r) {
        long myLastTerm = storage.term(storage.lastIndex());
        return r.lastLogTerm() > myLastTerm || (r.lastLogTerm() == myLastTerm && r.lastLogIndex() >= storage.lastIndex());
    }

    private RaftMessage handleAppend(RaftMessage.AppendRequest r) throws IOException {
        if (r.term() < term()) return new RaftMessage.AppendResponse(id, term(), false, 0, 0, 0, r.round());
        acceptLeader(r.term(), r.from());
        long prev = r.prevIndex();
        List<LogEntry> es = r.entries();
        for (int i = 0; i < es.size(); i++) {
            if (es.get(i).index() != prev + 1 + i) {
                // malformed by the sender; answering "no match at prev" makes it resend from scratch
                return new RaftMessage.AppendResponse(id, term(), false, 0, Math.min(prev, storage.lastIndex() + 1), 0, r.round());
            }
        }
        long snap = storage.snapshotIndex();
        if (prev < snap) {
            // covered by our snapshot, hence committed and equal to the leader's: skip that part
            int skip = (int) Math.min(es.size(), snap - prev);
            es = es.subList(skip, es.size());
            prev = snap;
            if (r.prevIndex() + r.entries().size() < snap) {
                return new RaftMessage.AppendResponse(id, term(), true, r.prevIndex() + r.entries().size(), 0, 0, r.round());
            }
        } else {
            if (prev > storage.lastIndex()) {
                return new RaftMessage.AppendResponse(id, term(), false, 0, storage.lastIndex() + 1, 0, r.round());
            }
            long t = storage.term(prev);
            if (t != r.prevTerm()) {
                long first = prev;
                while (first - 1 > snap && storage.term(first - 1) == t) first--;
                return new RaftMessage.AppendResponse(id, term(), false, 0, first, t, r.round());
            }
        }
        boolean changed = false;
        for (int i = 0; i < es.size(); i++) {
            LogEntry e = es.get(i);
            if (e.index() <= storage.lastIndex()) {
                if (storage.term(e.index()) == e.term()) continue;
                if (e.index() <= commitIndex) {
                    throw new IllegalStateException("leader " + r.from() + " asks to overwrite committed entry "
                            + e.index() + " on " + id);
                }
                storage.truncateFrom(e.index());
            }
            storage.append(es.subList(i, es.size()));
            changed = true;
            break;
        }
        if (changed) {
            storage.sync();
            reloadMembership();
        }
        long lastNew = prev + es.size();
        if (r.leaderCommit() > commitIndex) {
            commitIndex = Math.max(commitIndex, Math.min(r.leaderCommit(), lastNew));
            applyCommitted();
        }
        if (storage.recovering() && r.toLeaderEnd()) storage.setHardState(term(), storage.votedFor(), false);
        return new RaftMessage.AppendResponse(id, term(), true, lastNew, 0, 0, r.round());
    }

    private RaftMessage handleSnapshot(RaftMessage.SnapshotRequest r) throws IOException {
        if (r.term() < term()) return new RaftMessage.AppendResponse(id, term(), false, 0, 0, 0, r.round());
        acceptLeader(r.term(), r.from());
        if (r.index() > commitIndex) {
            storage.saveSnapshot(r.index(), r.lastTerm(), r.membership(), r.data());
            sm.restore(r.data());
            commitIndex = lastApplied = r.index();
            reloadMembership();
            // proposals between the old applied index and the snapshot were applied elsewhere, not here
            failPendingUpTo(r.index());
        }
        if (storage.recovering() && r.toLeaderEnd()) storage.setHardState(term(), storage.votedFor(), false);
        return new RaftMessage.AppendResponse(id, term(), true, r.index(), 0, 0, r.round());
    }

    private RaftMessage handleJoin(RaftMessage.JoinRequest r) {
        if (role != Role.LEADER) return null; // only the leader answers (upstream behaviour)
        if (membership.contains(r.from())) return new RaftMessage.JoinResponse(id, term(), true, null);
        boolean voter = cfg.maxQuorumSize() == 0 || membership.voterCount() < cfg.maxQuorumSize();
        CompletableFuture<Object> f = changeMembership(r.from(), voter, now);
        if (f.isCompletedExceptionally()) {
            String why = f.exceptionNow().getMessage();
            return new RaftMessage.JoinResponse(id, term(), false, why);
        }
        return new RaftMessage.JoinResponse(id, term(), true, null);
    }

    private void acceptLeader(long leaderTerm, String leader) throws IOException {
        if (leaderTerm > term() || role != Role.FOLLOWER) becomeFollower(leaderTerm, leader);
        leaderId = leader;
        lastLeaderContactMs = now;
        electionDeadlineMs = randomDeadline();
    }

    // ---- response handlers -----------------------------------------------------------------------

    private void handleVoteResponse(RaftMessage.VoteResponse r) throws IOException {
        if (r.preVote()) {
            if (role != Role.PRE_CANDIDATE) return;
            if (r.granted() && r.term() == term() + 1) {
                votes.add(r.from());
                if (hasQuorum(votes)) startElection(false);
            } else if (!r.granted() && r.term() > term()) {
                becomeFollower(r.term(), null);
            }
            return;
        }
        if (r.term() > term()) {
            becomeFollower(r.term(), null);
            return;
        }
        if (role != Role.CANDIDATE || r.term() != term() || !r.granted()) return;
        votes.add(r.from());
        if (hasQuorum(votes)) becomeLeader();
    }

    private void handleAppendResponse(RaftMessage.AppendResponse r) throws IOException {
        if (r.term() > term()) {
            becomeFollower(r.term(), null);
            return;
        }
        if (role != Role.LEADER || r.term() != term()) return;
        Peer p = peers.get(r.from());
        if (p == null) return;
        p.inflight = false;
        p.lastAckMs = now;
        p.ackedRound = Math.max(p.ackedRound, r.round());
        if (r.success()) {
            p.matchIndex = Math.max(p.matchIndex, Math.min(r.matchIndex(), storage.lastIndex()));
            p.nextIndex = Math.max(p.nextIndex, p.matchIndex + 1);
            maybeCommit();
            if (role != Role.LEADER) return;
            completeReads();
            if (r.from().equals(transferTarget) && p.matchIndex == storage.lastIndex()) {
                out.send(r.from(), new RaftMessage.TimeoutNow(id, term()));
            }
        } else {
            long next = r.conflictIndex();
            if (r.conflictTerm() > 0) {
                long last = lastIndexOfTerm(r.conflictTerm());
                if (last > 0) next = last + 1;
            }
            p.nextIndex = Math.max(p.matchIndex + 1, Math.min(next, storage.lastIndex() + 1));
        }
        if (p.nextIndex <= storage.lastIndex() || !r.success()) replicate(r.from(), p, false);
    }

    private long lastIndexOfTerm(long t) {
        for (long i = storage.lastIndex(); i > storage.snapshotIndex(); i--) {
            long ti = storage.term(i);
            if (ti == t) return i;
            if (ti < t) return 0;
        }
        return 0;
    }

    // ---- roles -----------------------------------------------------------------------------------

    private boolean canCampaign() {
        return membership.isVoter(id) && !storage.recovering();
    }

    private boolean joining() {
        return membership.servers().isEmpty() && !joinFailed;
    }

    private void startPreVote() throws IOException {
        role = Role.PRE_CANDIDATE;
        leaderId = null;
        votes.clear();
        votes.add(id);
        electionDeadlineMs = randomDeadline();
        if (hasQuorum(votes)) {
            startElection(false);
            return;
        }
        long lastIndex = storage.lastIndex();
        for (String v : membership.voters()) {
            if (!v.equals(id)) {
                out.send(v, new RaftMessage.VoteRequest(id, term() + 1, lastIndex, storage.term(lastIndex), true, false));
            }
        }
    }

    private void startElection(boolean transfer) throws IOException {
        storage.setHardState(term() + 1, id, false);
        role = Role.CANDIDATE;
        leaderId = null;
        failReads();
        votes.clear();
        votes.add(id);
        electionDeadlineMs = randomDeadline();
        if (hasQuorum(votes)) {
            becomeLeader();
            return;
        }
        long lastIndex = storage.lastIndex();
        for (String v : membership.voters()) {
            if (!v.equals(id)) {
                out.send(v, new RaftMessage.VoteRequest(id, term(), lastIndex, storage.term(lastIndex), false, transfer));
            }
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leaderId = id;
        transferTarget = null;
        peers.clear();
        syncPeers();
        checkQuorumAtMs = now + cfg.electionTimeoutMinMs();
        appendAsLeader(List.of(new LogEntry(storage.lastIndex() + 1, term(), LogEntry.NOOP, new byte[0])));
    }

    private void becomeFollower(long newTerm, String leader) throws IOException {
        if (newTerm > term()) storage.setHardState(newTerm, null, storage.recovering());
        role = Role.FOLLOWER;
        leaderId = leader;
        transferTarget = null;
        votes.clear();
        failReads();
        electionDeadlineMs = randomDeadline();
    }

    private boolean hasQuorum(Set<String> granted) {
        List<String> voters = membership.voters();
        int n = 0;
        for (String v : voters) if (granted.contains(v)) n++;
        return n * 2 > voters.size();
    }

    private boolean quorumActive() {
        List<String> voters = membership.voters();
        int n = 0;
        for (String v : voters) {
            if (v.equals(id)) {
                n++;
            } else {
                Peer p = peers.get(v);
                if (p != null && now - p.lastAckMs < cfg.electionTimeoutMinMs()) n++;
            }
        }
        return n * 2 > voters.size();
    }

    // ---- leader replication ------------------------------------------------------------------------

    private void appendAsLeader(List<LogEntry> entries) {
        try {
            storage.append(entries);
            storage.sync();
        } catch (IOException e) {
            throw fail(e);
        }
        for (LogEntry e : entries) {
            if (e.type() == LogEntry.MEMBERSHIP) {
                membership = Membership.decode(e.data());
                membershipIndex = e.index();
            }
        }
        syncPeers();
        try {
            maybeCommit();
        } catch (IOException e) {
            throw fail(e);
        }
        if (role != Role.LEADER) return;
        for (Map.Entry<String, Peer> p : peers.entrySet()) replicate(p.getKey(), p.getValue(), false);
    }

    private void syncPeers() {
        peers.keySet().removeIf(s -> !membership.contains(s));
        for (String s : membership.servers().keySet()) {
            if (s.equals(id) || peers.containsKey(s)) continue;
            Peer p = new Peer();
            p.nextIndex = storage.lastIndex() + 1;
            p.lastAckMs = now;
            peers.put(s, p);
        }
    }

    private void replicate(String to, Peer p, boolean force) {
        if (p.inflight && !force) return;
        long next = p.nextIndex;
        RaftMessage m;
        if (next <= storage.snapshotIndex()) {
            m = new RaftMessage.SnapshotRequest(id, term(), storage.snapshotIndex(), storage.snapshotTerm(),
                    storage.snapshotMembership(), storage.snapshotData(), readRound,
                    storage.snapshotIndex() == storage.lastIndex());
        } else {
            long prev = next - 1;
            List<LogEntry> es = storage.entries(next, cfg.maxEntriesPerAppend());
            m = new RaftMessage.AppendRequest(id, term(), prev, storage.term(prev), es, commitIndex, readRound,
                    prev + es.size() == storage.lastIndex());
        }
        p.inflight = true;
        p.nextHeartbeatMs = now + cfg.heartbeatIntervalMs();
        out.send(to, m);
    }

    private void maybeCommit() throws IOException {
        List<String> voters = membership.voters();
        for (long n = storage.lastIndex(); n > commitIndex; n--) {
            long t = storage.term(n);
            if (t < term()) break;
            int count = 0;
            for (String v : voters) {
                long match = v.equals(id) ? storage.lastIndex() : (peers.containsKey(v) ? peers.get(v).matchIndex : 0);
                if (match >= n) count++;
            }
            if (count * 2 > voters.size()) {
                commitIndex = n;
                applyCommitted();
                if (!readsAwaitingTermCommit.isEmpty()) {
                    List<CompletableFuture<Long>> waiting = new ArrayList<>(readsAwaitingTermCommit);
                    readsAwaitingTermCommit.clear();
                    waiting.forEach(this::issueRead);
                }
                if (!membership.isVoter(id) && membershipIndex <= commitIndex) {
                    becomeFollower(term(), null); // removed (or demoted) by a committed configuration
                    return;
                }
                for (Map.Entry<String, Peer> p : peers.entrySet()) replicate(p.getKey(), p.getValue(), false);
                return;
            }
        }
    }

    // ---- reads -------------------------------------------------------------------------------------

    private void issueRead(CompletableFuture<Long> f) {
        readRound++;
        reads.add(new PendingRead(readRound, commitIndex, f));
        for (Map.Entry<String, Peer> p : peers.entrySet()) replicate(p.getKey(), p.getValue(), true);
        completeReads();
    }

    private void completeReads() {
        if (reads.isEmpty() || role != Role.LEADER) return;
        List<String> voters = membership.voters();
        List<Long> rounds = new ArrayList<>();
        for (String v : voters) {
            if (v.equals(id)) rounds.add(readRound);
            else rounds.add(peers.containsKey(v) ? peers.get(v).ackedRound : 0L);
        }
        rounds.sort(java.util.Comparator.reverseOrder());
        long confirmed = rounds.isEmpty() ? 0 : rounds.get(voters.size() / 2); // acked by a majority
        for (Iterator<PendingRead> it = reads.iterator(); it.hasNext(); ) {
            PendingRead r = it.next();
            if (r.round() <= confirmed && r.index() <= lastApplied) {
                it.remove();
                r.future().complete(r.index());
            }
        }
    }

    private void failReads() {
        if (reads.isEmpty() && readsAwaitingTermCommit.isEmpty()) return;
        NotLeaderException e = new NotLeaderException(id, null);
        List<CompletableFuture<Long>> all = new ArrayList<>(readsAwaitingTermCommit);
        reads.forEach(r -> all.add(r.future()));
        reads.clear();
        readsAwaitingTermCommit.clear();
        all.forEach(f -> f.completeExceptionally(e));
    }

    // ---- applying ----------------------------------------------------------------------------------

    private void applyCommitted() throws IOException {
        while (lastApplied < commitIndex) {
            LogEntry e = storage.entry(lastApplied + 1);
            Object result = null;
            RuntimeException error = null;
            if (e.type() == LogEntry.COMMAND) {
                try {
                    result = sm.apply(e.index(), e.data());
                } catch (RuntimeException ex) {
                    error = ex; // deterministic: every server fails the same command the same way
                }
            }
            lastApplied = e.index();
            Pending p = pending.remove(e.index());
            if (p != null) {
                if (p.term() != e.term()) {
                    p.future().completeExceptionally(new NotLeaderException(id, leaderId));
                } else if (error != null) {
                    p.future().completeExceptionally(error);
                } else {
                    p.future().complete(result);
                }
            }
        }
        completeReads();
        maybeSnapshot();
    }

    private void failPendingUpTo(long index) {
        while (!pending.isEmpty() && pending.firstKey() <= index) {
            pending.pollFirstEntry().getValue().future().completeExceptionally(new NotLeaderException(id, leaderId));
        }
    }

    private void maybeSnapshot() throws IOException {
        if (cfg.snapshotThreshold() <= 0 || lastApplied - storage.snapshotIndex() < cfg.snapshotThreshold()) return;
        Membership m = storage.snapshotMembership();
        for (long i = lastApplied; i > storage.snapshotIndex(); i--) {
            LogEntry e = storage.entry(i);
            if (e.type() == LogEntry.MEMBERSHIP) {
                m = Membership.decode(e.data());
                break;
            }
        }
        storage.saveSnapshot(lastApplied, storage.term(lastApplied), m, sm.snapshot());
    }

    private void reloadMembership() {
        membership = storage.snapshotMembership();
        membershipIndex = storage.snapshotIndex();
        for (long i = storage.lastIndex(); i > storage.snapshotIndex(); i--) {
            LogEntry e = storage.entry(i);
            if (e.type() == LogEntry.MEMBERSHIP) {
                membership = Membership.decode(e.data());
                membershipIndex = i;
                break;
            }
        }
        if (role == Role.LEADER) syncPeers();
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    private boolean enter(long nowMs) {
        if (closed) return false;
        if (nowMs > now) now = nowMs;
        return true;
    }

    private long randomDeadline() {
        return now + cfg.electionTimeoutMinMs()
                + random.nextLong(cfg.electionTimeoutMaxMs() - cfg.electionTimeoutMinMs() + 1);
    }

    private RuntimeException refusal() {
        if (closed) return new IllegalStateException("raft server " + id + " closed");
        return new NotLeaderException(id, role == Role.LEADER ? null : leaderId);
    }

    private void failAll(RuntimeException e) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        pending.values().forEach(p -> all.add(p.future()));
        pending.clear();
        reads.forEach(r -> all.add(r.future()));
        reads.clear();
        all.addAll(readsAwaitingTermCommit);
        readsAwaitingTermCommit.clear();
        all.forEach(f -> f.completeExceptionally(e));
    }

    /**
     * Storage failed: never keep going after a failed fsync. The node closes itself; the caller (the
     * node's thread) gets the exception and takes the server down.
     */
    private UncheckedIOException fail(IOException e) {
        failure = e;
        closed = true;
        failAll(new IllegalStateException("raft server " + id + " stopped: storage failed: " + e.getMessage(), e));
        return new UncheckedIOException("raft server " + id + ": storage failed", e);
    }

    /** The storage failure that stopped this node, or null. */
    public IOException failure() { return failure; }
}
