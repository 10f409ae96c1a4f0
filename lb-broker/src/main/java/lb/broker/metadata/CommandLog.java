package lb.broker.metadata;

/** An ordered, durable log of commands: a single node's file log, or Raft. */
public interface CommandLog extends AutoCloseable {
    /** Starts the log: restores the latest snapshot, re-applies later entries, then applies new ones as they commit. */
    void start(CommandApplier applier) throws java.io.IOException;

    /** Proposes a command; completes with apply()'s result once the entry is durable (fsynced on a majority) and applied locally, or exceptionally (NotLeaderException naming the known leader id, timeout, closed). */
    java.util.concurrent.CompletableFuture<Object> propose(byte[] command);

    /** True when this node may propose (a single node always; Raft: the leader). */
    boolean isLeader();

    /** The current leader's server id, or null when none is known. */
    String leaderId();

    @Override
    void close();
}
