package lb.broker.metadata;

/** Applies committed commands in log order on one thread (the log's apply thread). */
public interface CommandApplier {
    /** Applies the command at {@code index}; returns the result handed to the proposer (may be null). Must be deterministic. */
    Object apply(long index, byte[] command);

    /** A snapshot of the state after the last applied index (called on the apply thread). */
    byte[] snapshot();

    /** Replaces the state with a snapshot taken at some index (called on the apply thread). */
    void restore(byte[] snapshot);
}
