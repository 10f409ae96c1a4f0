package lb.broker.partition;

import io.grpc.Status;

/**
 * The Liftbridge statuses the partition layer produces (wire-contract §3.6, §3.8, §6), with
 * upstream's literal texts where clients compare them.
 */
public enum PartitionError {
    UNKNOWN_START_POSITION(Status.Code.INVALID_ARGUMENT, "Unknown StartPosition %d"),
    UNKNOWN_STOP_POSITION(Status.Code.INVALID_ARGUMENT, "Unknown StopPosition %d"),
    TIMESTAMP_LOOKUP_FAILED(Status.Code.INTERNAL, "Failed to lookup offset for timestamp: %s"),
    STREAM_EMPTY(Status.Code.RESOURCE_EXHAUSTED, "Stream is empty"),
    STOP_BEFORE_START(Status.Code.INVALID_ARGUMENT, "Stop offset is before start offset: %d < %d"),
    READER_FAILED(Status.Code.INTERNAL, "Failed to create stream reader: %s"),
    STOP_REACHED(Status.Code.RESOURCE_EXHAUSTED, "Stop offset reached"),
    READONLY_END(Status.Code.RESOURCE_EXHAUSTED, "End of readonly partition"),
    LOG_DELETED(Status.Code.NOT_FOUND, "commit log was deleted"),
    LOG_PAUSED(Status.Code.FAILED_PRECONDITION, "commit log was closed"),
    LOG_CLOSED(Status.Code.INTERNAL, "commit log was closed"),
    READ_FAILED(Status.Code.UNKNOWN, "%s"),
    NOT_LEADER(Status.Code.FAILED_PRECONDITION, "The request should be sent to partition leader");

    private final Status.Code code;
    private final String template;

    PartitionError(Status.Code code, String template) {
        this.code = code;
        this.template = template;
    }

    public Status.Code code() {
        return code;
    }

    /** The status with this entry's message, placeholders filled from {@code args}. */
    public Status status(Object... args) {
        return Status.fromCode(code).withDescription(String.format(template, args));
    }

    /** An exception carrying {@link #status(Object...)}. */
    public PartitionException exception(Object... args) {
        return new PartitionException(status(args), null);
    }
}
