package lb.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.liftbridge.proto.Api;

/**
 * A failed client call, with a {@link Kind} that callers switch on and the broker's message.
 * Unchecked: every client method may throw it.
 */
public final class LiftbridgeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, independent of the transport's status code. */
    public enum Kind {
        /** The stream does not exist. */
        NO_SUCH_STREAM,
        /** The partition does not exist. */
        NO_SUCH_PARTITION,
        /** A stream with that name already exists. */
        STREAM_EXISTS,
        /** The partition is read-only. */
        READONLY_PARTITION,
        /** The partition is paused (a subscription ended because of it). */
        PARTITION_PAUSED,
        /** The stream was deleted while reading. */
        STREAM_DELETED,
        /** The expected offset did not match (optimistic concurrency). */
        INCORRECT_OFFSET,
        /** The message is larger than the broker accepts. */
        MESSAGE_TOO_LARGE,
        /** No ack arrived in time. */
        ACK_TIMEOUT,
        /** The request was refused as malformed. */
        INVALID_ARGUMENT,
        /** The request does not fit the current state (e.g. not the leader). */
        FAILED_PRECONDITION,
        /** No broker could be reached, or none answered in time. */
        UNAVAILABLE,
        /** The call's deadline passed. */
        DEADLINE_EXCEEDED,
        /** The call was cancelled. */
        CANCELLED,
        /** The broker failed internally. */
        INTERNAL,
        /** Anything else. */
        UNKNOWN
    }

    private final Kind kind;
    private final Status.Code code;

    public LiftbridgeException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    public LiftbridgeException(Kind kind, Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The gRPC status code the broker answered with, or null when the failure was local. */
    public Status.Code code() {
        return code;
    }

    /** Converts a gRPC failure, keeping the broker's message. */
    public static LiftbridgeException from(Throwable t) {
        if (t instanceof LiftbridgeException le) {
            return le;
        }
        Status s = Status.fromThrowable(t);
        String msg = describe(s);
        return new LiftbridgeException(kindOf(s.getCode(), msg), s.getCode(), msg, t);
    }

    /**
     * A status in words: its description, else its cause's message (a transport failure such
     * as "Connection refused" carries no description), else its code.
     */
    static String describe(Status s) {
        if (s.getDescription() != null) {
            return s.getDescription();
        }
        Throwable c = s.getCause();
        while (c != null && c.getMessage() == null && c.getCause() != null) {
            c = c.getCause();
        }
        if (c != null) {
            return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
        }
        return s.getCode().toString();
    }

    static Kind kindOf(Status.Code code, String msg) {
        String m = msg == null ? "" : msg;
        return switch (code) {
            case NOT_FOUND -> m.startsWith("no such stream") || m.startsWith("stream does not exist")
                    || m.startsWith("stream not found") ? Kind.NO_SUCH_STREAM
                    : m.startsWith("commit log was deleted") ? Kind.STREAM_DELETED
                    : Kind.NO_SUCH_PARTITION;
            case ALREADY_EXISTS -> Kind.STREAM_EXISTS;
            case INVALID_ARGUMENT -> m.startsWith("message exceeds") ? Kind.MESSAGE_TOO_LARGE
                    : Kind.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> m.startsWith("readonly partition") ? Kind.READONLY_PARTITION
                    : m.startsWith("commit log was closed") ? Kind.PARTITION_PAUSED
                    : Kind.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Kind.READONLY_PARTITION;
            case UNAVAILABLE -> Kind.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Kind.DEADLINE_EXCEEDED;
            case CANCELLED -> Kind.CANCELLED;
            case INTERNAL -> Kind.INTERNAL;
            case UNKNOWN -> m.equals("incorrect expected offset") ? Kind.INCORRECT_OFFSET : Kind.UNKNOWN;
            default -> Kind.UNKNOWN;
        };
    }

    /** The failure a PublishAsync error response stands for. */
    static LiftbridgeException fromAsyncError(Api.PublishAsyncError e) {
        Kind kind = switch (e.getCode()) {
            case NOT_FOUND -> e.getMessage().startsWith("no such stream") ? Kind.NO_SUCH_STREAM
                    : Kind.NO_SUCH_PARTITION;
            case READONLY -> Kind.READONLY_PARTITION;
            case INCORRECT_OFFSET -> Kind.INCORRECT_OFFSET;
            case BAD_REQUEST -> e.getMessage().startsWith("message exceeds") ? Kind.MESSAGE_TOO_LARGE
                    : Kind.INVALID_ARGUMENT;
            case INTERNAL, ENCRYPTION_FAILED -> Kind.INTERNAL;
            case PERMISSION_DENIED -> Kind.FAILED_PRECONDITION;
            default -> Kind.UNKNOWN;
        };
        return new LiftbridgeException(kind, e.getMessage());
    }

    /** True for failures that a retry after refreshing metadata may fix (leader moved, broker down). */
    boolean retriable() {
        return kind == Kind.FAILED_PRECONDITION || kind == Kind.UNAVAILABLE;
    }

    static boolean retriable(StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        return c == Status.Code.FAILED_PRECONDITION || c == Status.Code.UNAVAILABLE;
    }
}
