package lb.broker.metadata;

/**
 * What the partition layer (and the activity publisher) learns about metadata changes. Every
 * method is called on the metadata apply thread, in log order, after the change is visible in
 * {@link MetadataFsm#view()}; implementations must return quickly and must not wait for a
 * metadata proposal (that would deadlock the apply thread): hand work to their own threads.
 * An exception thrown by a listener is logged and does not stop the FSM or other listeners.
 *
 * <p>{@code index} is the metadata log index of the command that caused the event. All
 * methods default to doing nothing.
 */
public interface MetadataListener {
    /** A stream was created; {@link #onPartitionAdded} follows for each of its partitions. */
    default void onStreamCreated(StreamInfo stream, long index) {
    }

    /** A stream was deleted; {@link #onPartitionRemoved} was called for each partition first. */
    default void onStreamDeleted(StreamInfo stream, long index) {
    }

    /** A partition now exists (stream creation): replicas create their log, the leader leads. */
    default void onPartitionAdded(PartitionInfo partition, long index) {
    }

    /** A partition is gone (stream deletion): close and delete its log, end its subscribers with NotFound. */
    default void onPartitionRemoved(PartitionInfo partition, long index) {
    }

    /** The partition's leader (and leader epoch) changed; {@code previousLeader} led before. */
    default void onPartitionLeaderChanged(PartitionInfo partition, String previousLeader, long index) {
    }

    /** The partition's ISR changed (shrink or expand; epoch moved). */
    default void onPartitionIsrChanged(PartitionInfo partition, long index) {
    }

    /** The partition was paused (it was not paused before). {@code resumeAll} is the stream's flag now. */
    default void onPartitionPaused(PartitionInfo partition, boolean resumeAll, long index) {
    }

    /** The partition was resumed (it was paused before). */
    default void onPartitionResumed(PartitionInfo partition, long index) {
    }

    /** The partition's read-only flag changed to {@code partition.readonly()}. */
    default void onPartitionReadonlyChanged(PartitionInfo partition, long index) {
    }

    /**
     * Every accepted command, after its specific events: for the activity publisher, which
     * maps one entry to one event with the entry's own fields (behavior.md §12; e.g. a
     * PauseStream's partition list as requested, including partitions that were paused already).
     * Rejected commands (the FSM returned a MetadataException) are not reported.
     */
    default void onCommandApplied(long index, lb.broker.metadata.proto.Command command) {
    }

    /**
     * The whole state was replaced by a snapshot (start-up, or a Raft follower catching up).
     * Reconcile local partitions with {@code view}: create what is missing, drop what is gone,
     * re-apply flags and leadership.
     */
    default void onRestored(MetadataView view) {
    }
}
