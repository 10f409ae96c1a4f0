package lb.broker.partition;

import io.grpc.Status;

/** A partition operation refused or ended with a Liftbridge status (see {@link PartitionError}). */
public final class PartitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Status status;

    PartitionException(Status status, Throwable cause) {
        super(status.getDescription(), cause, false, cause != null);
        this.status = status;
    }

    /** The status the API layer returns. */
    public Status status() {
        return status;
    }
}
