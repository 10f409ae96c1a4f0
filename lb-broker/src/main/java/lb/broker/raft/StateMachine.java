package lb.broker.raft;

/**
 * The replicated state machine fed by the Raft log. Maps one to one onto the broker's
 * {@code CommandApplier}: {@link #apply} with the entry's index, {@link #snapshot}, {@link #restore}.
 *
 * <p>All three methods are called on the node's thread (in {@link RaftServer}: {@code lb-raft-<id>};
 * in the simulation: the scheduler), in log order, never concurrently.
 */
public interface StateMachine {
    /** Applies the committed command at {@code index}; the result completes the proposer's future. Deterministic. */
    Object apply(long index, byte[] command);

    /** The state after the last applied index. */
    byte[] snapshot();

    /** Replaces the state with a snapshot previously returned by {@link #snapshot()}. */
    void restore(byte[] snapshot);
}
