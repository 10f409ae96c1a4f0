package lb.broker.raft;

import java.util.List;

/**
 * The messages servers exchange. Every request is answered by at most one response through the
 * {@link RaftTransport}; {@link TimeoutNow} and unanswerable {@link JoinRequest}s get none.
 * Encoded by {@link MessageCodec}.
 */
public sealed interface RaftMessage {
    /** The sender's server id. */
    String from();

    /** The sender's term (for a granted pre-vote: the term the pre-vote was for). */
    long term();

    /** RequestVote (or pre-vote when {@code preVote}); {@code transfer} marks an election started by leadership transfer. */
    record VoteRequest(String from, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
                       boolean transfer) implements RaftMessage {}

    record VoteResponse(String from, long term, boolean granted, boolean preVote) implements RaftMessage {}

    /**
     * AppendEntries; also the heartbeat. {@code round} is the leader's read round being confirmed
     * (read index); {@code toLeaderEnd} is true when the entries reach the leader's last index.
     */
    record AppendRequest(String from, long term, long prevIndex, long prevTerm, List<LogEntry> entries,
                         long leaderCommit, long round, boolean toLeaderEnd) implements RaftMessage {}

    /**
     * Answer to {@link AppendRequest} and {@link SnapshotRequest}. On failure {@code conflictIndex} /
     * {@code conflictTerm} let the leader skip a whole term at once (fast backtracking).
     */
    record AppendResponse(String from, long term, boolean success, long matchIndex, long conflictIndex,
                          long conflictTerm, long round) implements RaftMessage {}

    /** InstallSnapshot, whole (metadata snapshots are small; no chunking). */
    record SnapshotRequest(String from, long term, long index, long lastTerm, Membership membership,
                           byte[] data, long round, boolean toLeaderEnd) implements RaftMessage {}

    /** Leadership transfer: the target starts an election at once. */
    record TimeoutNow(String from, long term) implements RaftMessage {}

    /** A server without configuration asks the leader to add it. */
    record JoinRequest(String from, long term) implements RaftMessage {}

    record JoinResponse(String from, long term, boolean accepted, String error) implements RaftMessage {}
}
