package lb.broker.metadata;

import io.grpc.Status;

/**
 * The catalog of metadata errors a client can cause: gRPC code and message text. Texts
 * quoted in wire-contract §3.2–3.5 are upstream's literal strings (clients compare some of
 * them); keep them identical. {@code %s}/{@code %d} placeholders are filled by
 * {@link MetadataException#of}. The API layer maps {@link MetadataException#status()} to
 * the gRPC status unchanged.
 */
public enum MetadataError {
    // CreateStream (wire-contract §3.2)
    NAME_EMPTY(Status.Code.INVALID_ARGUMENT, "Name cannot be empty"),
    SUBJECT_INVALID(Status.Code.INVALID_ARGUMENT, "Subject is invalid"),
    STREAM_RESERVED(Status.Code.INVALID_ARGUMENT, "Stream is reserved"),
    /** Upstream crashes on negative partitions (behavior.md §15.1); we refuse them. */
    PARTITIONS_INVALID(Status.Code.INVALID_ARGUMENT, "Invalid partitions %d"),
    /** Our wording: upstream accepts negative retention and other absurd values. */
    STREAM_CONFIG_INVALID(Status.Code.INVALID_ARGUMENT, "Invalid stream configuration: %s"),
    ENCRYPTION_UNAVAILABLE(Status.Code.FAILED_PRECONDITION,
            "Failed on preconditions for stream's encryption handler: %s"),
    REPLICATION_FACTOR_INVALID(Status.Code.INVALID_ARGUMENT, "Invalid replicationFactor %d"),
    REPLICATION_FACTOR_TOO_LARGE(Status.Code.INVALID_ARGUMENT, "Invalid replicationFactor %d, cluster size %d"),
    STREAM_EXISTS(Status.Code.ALREADY_EXISTS, "stream already exists"),
    CREATE_FAILED(Status.Code.INTERNAL, "Failed to replicate partition: %s"),

    // DeleteStream, PauseStream, SetStreamReadonly (§3.3–3.5)
    STREAM_NOT_EXIST(Status.Code.NOT_FOUND, "stream does not exist"),
    /** Pause/readonly with an empty partition list on an unknown stream (checked before the controller). */
    STREAM_NOT_FOUND(Status.Code.NOT_FOUND, "stream not found"),
    PARTITION_NOT_EXIST(Status.Code.NOT_FOUND, "partition does not exist"),
    DELETE_FAILED(Status.Code.INTERNAL, "Failed to delete stream: %s"),
    PAUSE_FAILED(Status.Code.INTERNAL, "Failed to pause stream: %s"),
    RESUME_FAILED(Status.Code.INTERNAL, "Failed to resume stream: %s"),
    READONLY_FAILED(Status.Code.INTERNAL, "Failed to set stream readonly: %s"),

    // Controller-internal operations (replication, §9): leader and ISR changes.
    LEADER_EPOCH_MISMATCH(Status.Code.FAILED_PRECONDITION,
            "Leader or leader epoch does not match: request has %s at epoch %d, partition has %s at epoch %d"),
    NOT_A_REPLICA(Status.Code.FAILED_PRECONDITION, "%s is not a replica of the partition"),
    NOT_IN_ISR(Status.Code.FAILED_PRECONDITION, "%s is not in the ISR of the partition"),
    LEADER_NOT_REMOVABLE(Status.Code.FAILED_PRECONDITION, "cannot remove the leader %s from the ISR"),
    NO_ISR_CANDIDATES(Status.Code.FAILED_PRECONDITION, "No ISR candidates"),
    ISR_CHANGE_FAILED(Status.Code.INTERNAL, "Failed to change ISR: %s"),
    LEADER_CHANGE_FAILED(Status.Code.INTERNAL, "Failed to change partition leader: %s"),
    ACTIVITY_FAILED(Status.Code.INTERNAL, "Failed to record published activity: %s"),

    // Consumer groups (§3.13–3.16); texts are upstream's.
    GROUP_STREAM_NOT_EXIST(Status.Code.FAILED_PRECONDITION, "stream does not exist"),
    GROUP_EXISTS(Status.Code.FAILED_PRECONDITION, "consumer group already exists"),
    GROUP_ALREADY_MEMBER(Status.Code.FAILED_PRECONDITION, "consumer is already a member of the consumer group"),
    GROUP_NOT_EXIST(Status.Code.NOT_FOUND, "consumer group does not exist"),
    GROUP_NOT_MEMBER(Status.Code.FAILED_PRECONDITION, "consumer is not a member of the consumer group"),
    GROUP_JOIN_FAILED(Status.Code.INTERNAL, "Failed to join consumer group: %s"),
    GROUP_LEAVE_FAILED(Status.Code.INTERNAL, "Failed to leave consumer group: %s"),
    NO_SUCH_GROUP(Status.Code.FAILED_PRECONDITION, "No such consumer group %s"),
    COORDINATOR_MISMATCH(Status.Code.FAILED_PRECONDITION,
            "Coordinator generation mismatch, current coordinator: %s epoch: %d, got coordinator: %s epoch: %d"),
    REPORTER_NOT_MEMBER(Status.Code.FAILED_PRECONDITION, "Consumer %s is not a member of consumer group %s"),
    NO_COORDINATOR_CANDIDATES(Status.Code.FAILED_PRECONDITION, "No group coordinator candidates"),
    COORDINATOR_CHANGE_FAILED(Status.Code.INTERNAL, "Failed to change group coordinator: %s"),

    // Cluster-wide (§3.1): for the API layer when a request must be forwarded and no leader is known.
    NO_KNOWN_LEADER(Status.Code.INTERNAL, "no known metadata leader"),
    MALFORMED_COMMAND(Status.Code.INTERNAL, "malformed metadata command at index %d: %s");

    private final Status.Code code;
    private final String template;

    MetadataError(Status.Code code, String template) {
        this.code = code;
        this.template = template;
    }

    /** The gRPC status code. */
    public Status.Code code() {
        return code;
    }

    /** The message text, with {@code String.format} placeholders. */
    public String template() {
        return template;
    }
}
