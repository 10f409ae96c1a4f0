package lb.broker.api;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.metadata.MetadataException;
import lb.broker.metadata.NotLeaderException;
import lb.broker.partition.PartitionException;

/** The one place where exceptions become Liftbridge statuses (wire-contract §3.1). */
final class Errors {

    private static final Logger LOG = Logger.getLogger(Errors.class.getName());

    private Errors() {
    }

    /** The status a failure is answered with. */
    static Status toStatus(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof StatusRuntimeException s) {
            return s.getStatus();
        }
        if (e instanceof StatusException s) {
            return s.getStatus();
        }
        if (e instanceof MetadataException m) {
            return m.status();
        }
        if (e instanceof PartitionException p) {
            return p.status();
        }
        if (e instanceof NotLeaderException) {
            return Status.INTERNAL.withDescription("no known metadata leader");
        }
        if (e instanceof TimeoutException) {
            return Status.DEADLINE_EXCEEDED.withDescription("operation timed out");
        }
        if (e instanceof CancellationException) {
            return Status.CANCELLED.withDescription("operation cancelled");
        }
        if (e instanceof InterruptedException) {
            return Status.CANCELLED.withDescription("interrupted");
        }
        // Non-status errors become Unknown with their text (§3.1); they are bugs or I/O
        // failures worth a log line with the stack.
        LOG.log(Level.WARNING, "request failed", e);
        return Status.UNKNOWN.withDescription(e.getMessage() == null ? e.toString() : e.getMessage());
    }

    static StatusRuntimeException toException(Throwable t) {
        return toStatus(t).asRuntimeException();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
