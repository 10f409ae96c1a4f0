package lb.broker.api;

import io.grpc.Status;

/**
 * The statuses the API layer itself produces, with upstream's literal texts (wire-contract §3).
 * The metadata and partition layers have their own catalogs; {@link Errors} maps them all.
 */
enum ApiError {
    // Subscribe (§3.6)
    CONSUMER_ID_EMPTY(Status.Code.INVALID_ARGUMENT, "Consumer id cannot be empty when group id is provided"),
    NO_SUCH_PARTITION(Status.Code.NOT_FOUND, "No such partition"),
    NOT_PARTITION_LEADER(Status.Code.FAILED_PRECONDITION, "Server not partition leader"),
    GROUPS_WITH_ISR_REPLICA(Status.Code.INVALID_ARGUMENT, "Consumer groups not compatible with ReadISRReplica"),
    RESUME_FAILED(Status.Code.INTERNAL, "Failed to resume stream: %s"),
    NOT_ASSIGNED(Status.Code.FAILED_PRECONDITION, "Consumer is not currently assigned this partition"),
    // FetchPartitionMetadata (§3.8)
    PARTITION_NOT_FOUND(Status.Code.NOT_FOUND, "partition not found"),
    NOT_LEADER_FOR_METADATA(Status.Code.FAILED_PRECONDITION, "The request should be sent to partition leader"),
    // Publish (§3.9–3.11)
    NO_STREAM(Status.Code.INVALID_ARGUMENT, "no stream provided"),
    NO_SUCH_STREAM(Status.Code.NOT_FOUND, "no such stream: %s"),
    NO_SUCH_PUBLISH_PARTITION(Status.Code.NOT_FOUND, "no such partition: %d"),
    READONLY_PARTITION(Status.Code.FAILED_PRECONDITION, "readonly partition: %d"),
    OCC_NEEDS_ACK(Status.Code.INVALID_ARGUMENT, "stream with concurrency control must have AckPolicy set"),
    INCORRECT_OFFSET(Status.Code.UNKNOWN, "incorrect expected offset"),
    TOO_LARGE(Status.Code.INVALID_ARGUMENT, "message exceeds max replication size"),
    ENCRYPTION_FAILED(Status.Code.INTERNAL, "encryption failed on partition"),
    UNKNOWN_ACK_ERROR(Status.Code.UNKNOWN, "unknown error"),
    ACK_TIMEOUT(Status.Code.DEADLINE_EXCEEDED, "no ack received for the message before the deadline"),
    NATS_PUBLISH_FAILED(Status.Code.UNKNOWN, "failed to publish to NATS: %s"),
    // Cursors (§3.12)
    CURSOR_NO_STREAM(Status.Code.INVALID_ARGUMENT, "No stream provided"),
    CURSOR_NO_ID(Status.Code.INVALID_ARGUMENT, "No cursorId provided"),
    CURSORS_DISABLED(Status.Code.INTERNAL, "Cursors stream does not exist"),
    CURSORS_PARTITION_MISSING(Status.Code.INTERNAL, "Cursors partition %d does not exist"),
    NOT_CURSORS_LEADER(Status.Code.FAILED_PRECONDITION, "Server not leader for cursors partition %d"),
    CURSOR_WRITE_FAILED(Status.Code.INTERNAL, "Failed to store cursor: %s"),
    CURSOR_READ_FAILED(Status.Code.INTERNAL, "Failed to fetch cursor: %s"),
    // Consumer groups (§3.13–3.16)
    NO_GROUP_ID(Status.Code.INVALID_ARGUMENT, "No groupId provided"),
    NO_CONSUMER_ID(Status.Code.INVALID_ARGUMENT, "No consumerId provided"),
    NO_STREAMS(Status.Code.INVALID_ARGUMENT, "No streams provided"),
    NO_COORDINATOR(Status.Code.INVALID_ARGUMENT, "No coordinator provided"),
    NOT_COORDINATOR(Status.Code.FAILED_PRECONDITION, "broker is not the consumer group coordinator"),
    GROUP_EPOCH_MISMATCH(Status.Code.FAILED_PRECONDITION, "client-provided group epoch differs from broker group epoch"),
    NO_MEMBER_TIMER(Status.Code.UNKNOWN, "consumer not active for server (no timer)");

    private final Status.Code code;
    private final String template;

    ApiError(Status.Code code, String template) {
        this.code = code;
        this.template = template;
    }

    Status status(Object... args) {
        return Status.fromCode(code).withDescription(String.format(template, args));
    }

    io.grpc.StatusRuntimeException exception(Object... args) {
        return status(args).asRuntimeException();
    }
}
