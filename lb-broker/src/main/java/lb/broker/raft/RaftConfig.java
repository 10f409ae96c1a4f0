package lb.broker.raft;

import java.util.List;

/**
 * Settings of one Raft server. Immutable; validated on construction (errors name the setting).
 *
 * @param electionTimeoutMinMs lower bound of the randomized election timeout, ms (default 1000). Also the
 *                             leader-contact window of pre-vote and check-quorum.
 * @param electionTimeoutMaxMs upper bound, ms (default 2000)
 * @param heartbeatIntervalMs  leader's heartbeat / retransmit interval, ms (default 100)
 * @param maxEntriesPerAppend  entries per AppendEntries (default 256)
 * @param snapshotThreshold    applied entries after the last snapshot that trigger a new one
 *                             ({@code clustering.raft.snapshot.threshold}; default 8192; 0 = never)
 * @param maxQuorumSize        {@code raft.max.quorum.size}: voters at most; extra servers are non-voters (0 = all vote)
 * @param bootstrapSeed        {@code raft.bootstrap.seed}: with no state, start a group of one
 * @param bootstrapPeers       {@code raft.bootstrap.peers}: with no state, start a group of these ids plus self
 * @param joinRetryMs          pause between join requests of a server without configuration, ms (default 1000)
 * @param joinAttempts         join requests before {@link RaftNode#joinFailed()} (default 30)
 */
public record RaftConfig(long electionTimeoutMinMs, long electionTimeoutMaxMs, long heartbeatIntervalMs,
                         int maxEntriesPerAppend, long snapshotThreshold, int maxQuorumSize,
                         boolean bootstrapSeed, List<String> bootstrapPeers, long joinRetryMs, int joinAttempts) {

    public RaftConfig {
        bootstrapPeers = List.copyOf(bootstrapPeers);
        if (electionTimeoutMinMs <= 0) throw bad("electionTimeoutMinMs", electionTimeoutMinMs, "> 0");
        if (electionTimeoutMaxMs <= electionTimeoutMinMs) {
            throw bad("electionTimeoutMaxMs", electionTimeoutMaxMs, "> electionTimeoutMinMs (" + electionTimeoutMinMs + ")");
        }
        if (heartbeatIntervalMs <= 0 || heartbeatIntervalMs * 2 > electionTimeoutMinMs) {
            throw bad("heartbeatIntervalMs", heartbeatIntervalMs, "> 0 and at most half of electionTimeoutMinMs");
        }
        if (maxEntriesPerAppend <= 0) throw bad("maxEntriesPerAppend", maxEntriesPerAppend, "> 0");
        if (snapshotThreshold < 0) throw bad("raft snapshot threshold", snapshotThreshold, ">= 0");
        if (maxQuorumSize < 0) throw bad("raft.max.quorum.size", maxQuorumSize, ">= 0");
        if (bootstrapSeed && !bootstrapPeers.isEmpty()) {
            throw new IllegalArgumentException("raft.bootstrap.seed and raft.bootstrap.peers are exclusive; set one");
        }
        if (joinRetryMs <= 0) throw bad("joinRetryMs", joinRetryMs, "> 0");
        if (joinAttempts <= 0) throw bad("joinAttempts", joinAttempts, "> 0");
    }

    private static IllegalArgumentException bad(String key, Object value, String expected) {
        return new IllegalArgumentException(key + " = " + value + " is invalid: must be " + expected);
    }

    /** Defaults: no bootstrap (join), every server votes. */
    public static RaftConfig defaults() {
        return new RaftConfig(1000, 2000, 100, 256, 8192, 0, false, List.of(), 1000, 30);
    }

    public RaftConfig withTimeouts(long minMs, long maxMs, long heartbeatMs) {
        return new RaftConfig(minMs, maxMs, heartbeatMs, maxEntriesPerAppend, snapshotThreshold, maxQuorumSize,
                bootstrapSeed, bootstrapPeers, joinRetryMs, joinAttempts);
    }

    public RaftConfig withSnapshotThreshold(long n) {
        return new RaftConfig(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend, n,
                maxQuorumSize, bootstrapSeed, bootstrapPeers, joinRetryMs, joinAttempts);
    }

    public RaftConfig withMaxQuorumSize(int n) {
        return new RaftConfig(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend,
                snapshotThreshold, n, bootstrapSeed, bootstrapPeers, joinRetryMs, joinAttempts);
    }

    public RaftConfig withBootstrap(boolean seed, List<String> peers) {
        return new RaftConfig(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend,
                snapshotThreshold, maxQuorumSize, seed, peers, joinRetryMs, joinAttempts);
    }

    public RaftConfig withJoin(long retryMs, int attempts) {
        return new RaftConfig(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend,
                snapshotThreshold, maxQuorumSize, bootstrapSeed, bootstrapPeers, retryMs, attempts);
    }
}
