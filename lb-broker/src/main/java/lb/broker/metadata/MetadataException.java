package lb.broker.metadata;

import io.grpc.Status;

/**
 * A metadata request refused with a Liftbridge status: one entry of the {@link MetadataError}
 * catalog and the formatted message. The FSM returns (never throws) these from
 * {@link MetadataFsm#apply} for commands it rejects, so that rejection is deterministic and
 * reaches the proposer as a value; {@link MetadataController} rethrows them.
 */
public final class MetadataException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final MetadataError error;

    private MetadataException(MetadataError error, String message, Throwable cause) {
        super(message, cause, false, cause != null);
        this.error = error;
    }

    /** The catalog entry {@code error} with its placeholders filled from {@code args}. */
    public static MetadataException of(MetadataError error, Object... args) {
        return new MetadataException(error, String.format(error.template(), args), null);
    }

    /** Same, keeping {@code cause} attached (e.g. a log failure behind an Internal status). */
    public static MetadataException withCause(MetadataError error, Throwable cause, Object... args) {
        return new MetadataException(error, String.format(error.template(), args), cause);
    }

    public MetadataError error() {
        return error;
    }

    /** The gRPC status the API layer returns: the catalog code and this message. */
    public Status status() {
        return Status.fromCode(error.code()).withDescription(getMessage());
    }
}
