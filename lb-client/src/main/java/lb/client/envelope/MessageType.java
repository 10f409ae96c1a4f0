package lb.client.envelope;

/** The envelope message types (wire-contract §4.2); the byte at offset 7 of the header. */
public enum MessageType {
    PUBLISH(0),
    ACK(1),
    REPLICATION_REQUEST(2),
    REPLICATION_RESPONSE(3),
    RAFT_JOIN_REQUEST(4),
    RAFT_JOIN_RESPONSE(5),
    LEADER_EPOCH_OFFSET_REQUEST(6),
    LEADER_EPOCH_OFFSET_RESPONSE(7),
    PROPAGATED_REQUEST(8),
    PROPAGATED_RESPONSE(9),
    SERVER_INFO_REQUEST(10),
    SERVER_INFO_RESPONSE(11),
    PARTITION_STATUS_REQUEST(12),
    PARTITION_STATUS_RESPONSE(13),
    PARTITION_NOTIFICATION(14);

    private static final MessageType[] BY_CODE = values();

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The type for a wire value, or null when the value is not defined. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
