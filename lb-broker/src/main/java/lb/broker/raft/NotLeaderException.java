package lb.broker.raft;

/** A proposal, read or membership change was sent to a server that is not the leader (or is handing over). */
public final class NotLeaderException extends RuntimeException {
    private final String leaderId;

    public NotLeaderException(String serverId, String leaderId) {
        super("server " + serverId + " is not the Raft leader"
                + (leaderId == null ? " (no leader known)" : " (leader is " + leaderId + ")"));
        this.leaderId = leaderId;
    }

    /** The leader known to the refusing server, or null. */
    public String leaderId() { return leaderId; }
}
