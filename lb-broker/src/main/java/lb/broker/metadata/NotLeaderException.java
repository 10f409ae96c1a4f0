package lb.broker.metadata;

/**
 * A proposal reached a node that is not the metadata leader. {@link #leaderId()} names the
 * leader this node knows of (null when none is known) so the caller can forward the request.
 */
public final class NotLeaderException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String leaderId;

    public NotLeaderException(String leaderId) {
        super(leaderId == null ? "not the metadata leader; no leader is known"
                : "not the metadata leader; the leader is " + leaderId);
        this.leaderId = leaderId;
    }

    /** The known leader's server id, or null. */
    public String leaderId() {
        return leaderId;
    }
}
