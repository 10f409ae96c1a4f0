package lb.broker.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.liftbridge.proto.Api;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.metadata.PartitionInfo;

/**
 * One PublishAsync call (wire-contract §3.10): a per-call ack inbox replaces the requests' own;
 * each request is checked, published and counted in flight; acks become responses matched by
 * correlation id; refusals become error responses with an empty ack. On half-close the call
 * waits up to 5 s for acks still in flight, then ends OK.
 *
 * <p>When this server leads the partition, a message goes to its writer in-process
 * ({@link LocalPublisher}) and the ack comes back from the writer's thread; otherwise the
 * envelope goes through NATS and the ack through the call's inbox.
 *
 * <p>Threads: gRPC delivers requests one at a time; acks arrive on the NATS dispatcher thread
 * or on partition writer threads;
 * responses are written under {@code lock} because the two sides interleave. Flow control is
 * manual: requests are asked of the transport {@link #REQUEST_BATCH} at a time instead of one by
 * one (gRPC's default), so that a burst is handled in one executor run; they stay bounded.
 */
final class PublishAsyncSession implements StreamObserver<Api.PublishRequest> {

    private static final Logger LOG = Logger.getLogger(PublishAsyncSession.class.getName());
    static final long DRAIN_MS = 5_000;
    /** Requests asked of the transport at a time. */
    static final int REQUEST_BATCH = 256;

    private final ApiService api;
    private final ServerCallStreamObserver<Api.PublishResponse> call;
    private final String inbox;
    private final AutoCloseable listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private int inFlight; // guarded by lock
    private boolean ended; // guarded by lock
    private int received; // requests since the last request(); gRPC's serialised callbacks only
    /** Set once a request had to wait; from then on every request runs there, in order. */
    private SerialExecutor serial; // gRPC's serialised callbacks only

    PublishAsyncSession(ApiService api, AckRouter acks, ServerCallStreamObserver<Api.PublishResponse> call) {
        this.api = api;
        this.call = call;
        this.inbox = acks.newInbox();
        this.listener = acks.listen(inbox, this::onAck);
        call.setOnCancelHandler(this::close);
        call.disableAutoRequest();
        call.request(REQUEST_BATCH);
    }

    @Override
    public void onNext(Api.PublishRequest req) {
        if (++received == REQUEST_BATCH / 2) {
            received = 0;
            call.request(REQUEST_BATCH / 2);
        }
        if (serial != null) {
            serial.execute(() -> handle(req, true)); // behind the requests already handed over
            return;
        }
        handle(req, false);
    }

    /**
     * One request, in upstream's order of checks. On the transport thread ({@code mayWait}
     * false) a request that could wait — to resume a paused partition, to publish through NATS
     * to a partition led elsewhere, or for room in a full partition queue — is handed to
     * {@link #serial} instead, and so is every later request of the call, so that they keep
     * their order.
     */
    private void handle(Api.PublishRequest req, boolean mayWait) {
        PartitionInfo p;
        try {
            if (req.getStream().isEmpty()) {
                throw ApiError.NO_SUCH_STREAM.exception("");
            }
            p = api.checkPublish(req);
        } catch (io.grpc.StatusRuntimeException e) {
            error(req.getCorrelationId(), codeOf(e.getStatus()), e.getStatus().getDescription());
            return;
        }
        if (!mayWait && api.mayWait(p)) {
            serial = new SerialExecutor(api::offload);
            serial.execute(() -> handle(req, true));
            return;
        }
        if (mayWait) {
            try {
                api.resume(p, api.context().fsm().view().stream(p.stream()).resumeAll());
            } catch (RuntimeException e) {
                error(req.getCorrelationId(), Api.PublishAsyncError.Code.INTERNAL,
                        "failed to resume stream: " + Errors.toStatus(e).getDescription());
                return;
            }
        }
        boolean acked = req.getAckPolicy() != Api.AckPolicy.NONE;
        if (acked) {
            changeInFlight(+1);
        }
        switch (api.local().offer(req, p, inbox, false, acked ? new Listener(req.getCorrelationId()) : null, mayWait)) {
            case QUEUED -> {
                return; // the partition leads here: its writer answers through the Listener
            }
            case FULL -> { // the writer is behind: wait for room off the transport thread
                if (acked) {
                    changeInFlight(-1);
                }
                serial = new SerialExecutor(api::offload);
                serial.execute(() -> handle(req, true));
                return;
            }
            case NOT_HERE -> {
                // published through NATS below
            }
        }
        Api.Message env = ApiService.envelope(req, p.subject(), inbox);
        try {
            api.publishNats(p.subject(), env);
        } catch (io.grpc.StatusRuntimeException e) {
            if (acked) {
                changeInFlight(-1); // never acked, so never in flight (behavior.md §15.14)
            }
            error(req.getCorrelationId(), Api.PublishAsyncError.Code.INTERNAL, e.getStatus().getDescription());
        }
    }

    private void onAck(Api.Ack ack) {
        if (ack.getAckError() == Api.Ack.Error.OK) {
            // The common case: one lock for both the count and the response.
            Api.PublishResponse r = Api.PublishResponse.newBuilder().setAck(ack)
                    .setCorrelationId(ack.getCorrelationId()).build();
            lock.lock();
            try {
                decrementInFlight();
                if (!ended && !call.isCancelled()) {
                    call.onNext(r);
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        changeInFlight(-1);
        switch (ack.getAckError()) {
            case INCORRECT_OFFSET -> error(ack.getCorrelationId(), Api.PublishAsyncError.Code.INCORRECT_OFFSET,
                    "incorrect expected offset");
            case TOO_LARGE -> error(ack.getCorrelationId(), Api.PublishAsyncError.Code.BAD_REQUEST,
                    "message exceeds max replication size");
            case ENCRYPTION -> error(ack.getCorrelationId(), Api.PublishAsyncError.Code.ENCRYPTION_FAILED,
                    "encryption failed on partition");
            default -> error(ack.getCorrelationId(), Api.PublishAsyncError.Code.UNKNOWN, "unknown error");
        }
    }

    /** The outcome of one message stored in-process (the partition leads on this server). */
    private final class Listener implements lb.broker.partition.LocalPublish.AckListener {
        private final String correlationId;

        Listener(String correlationId) {
            this.correlationId = correlationId;
        }

        @Override
        public void onAck(Api.Ack ack) {
            PublishAsyncSession.this.onAck(ack);
        }

        @Override
        public void onFailure(Status status) {
            changeInFlight(-1);
            error(correlationId, codeOf(status), status.getDescription());
        }
    }

    private static Api.PublishAsyncError.Code codeOf(Status s) {
        return switch (s.getCode()) {
            case NOT_FOUND -> Api.PublishAsyncError.Code.NOT_FOUND;
            case FAILED_PRECONDITION -> Api.PublishAsyncError.Code.READONLY;
            case INVALID_ARGUMENT -> Api.PublishAsyncError.Code.BAD_REQUEST;
            case PERMISSION_DENIED -> Api.PublishAsyncError.Code.PERMISSION_DENIED;
            default -> Api.PublishAsyncError.Code.INTERNAL;
        };
    }

    /** An error response: correlation id, the error, and an empty but present ack (§3.10). */
    private void error(String correlationId, Api.PublishAsyncError.Code code, String message) {
        send(Api.PublishResponse.newBuilder()
                .setAck(Api.Ack.getDefaultInstance())
                .setCorrelationId(correlationId)
                .setAsyncError(Api.PublishAsyncError.newBuilder().setCode(code)
                        .setMessage(message == null ? "" : message))
                .build());
    }

    private void send(Api.PublishResponse r) {
        lock.lock();
        try {
            if (!ended && !call.isCancelled()) {
                call.onNext(r);
            }
        } finally {
            lock.unlock();
        }
    }

    private void changeInFlight(int delta) {
        lock.lock();
        try {
            inFlight = Math.max(0, inFlight + delta);
            if (inFlight == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** One ack less in flight; the caller holds {@code lock}. */
    private void decrementInFlight() {
        inFlight = Math.max(0, inFlight - 1);
        if (inFlight == 0) {
            drained.signalAll();
        }
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    /** Half-close: give acks in flight up to 5 s, then end with OK, off the transport thread. */
    @Override
    public void onCompleted() {
        if (serial != null) {
            serial.execute(this::drainThenEnd); // after the requests still queued there
        } else {
            drainThenEnd();
        }
    }

    private void drainThenEnd() {
        Thread.ofVirtual().name("lb-publish-async-drain").start(() -> {
            lock.lock();
            try {
                long left = TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
                while (inFlight > 0 && left > 0) {
                    left = drained.awaitNanos(left);
                }
                if (!ended && !call.isCancelled()) {
                    call.onCompleted();
                }
                ended = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
            close();
        });
    }

    private void close() {
        lock.lock();
        try {
            ended = true;
        } finally {
            lock.unlock();
        }
        try {
            listener.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the ack inbox failed", e);
        }
    }
}
