package lb.broker.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.liftbridge.proto.Api;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.metadata.PartitionInfo;
import lb.broker.partition.Partition;
import lb.broker.partition.PartitionException;
import lb.broker.partition.PartitionReader;
import lb.broker.partition.SubscribeRange;

/**
 * One Subscribe call (wire-contract §3.6): validation in upstream's order, the empty handshake
 * message, then committed messages under gRPC flow control until the stop position, the end of a
 * read-only partition, the partition's closing, or the client's cancel.
 *
 * <p>Threads: the session is made on the handler's thread (which installs the readiness and
 * cancel handlers); validation runs on the thread calling {@link #start}; delivery runs on a virtual thread
 * {@code lb-subscribe-<stream>-<partition>} that waits on the partition's high watermark and on
 * the call's readiness, so a slow client makes the broker wait instead of buffering.
 */
final class SubscribeSession implements GroupSubscriptions.Holder {

    private static final Logger LOG = Logger.getLogger(SubscribeSession.class.getName());
    /** Messages per read; also the most sent past the moment the transport stops being ready. */
    static final int BATCH = 256;
    /** Bytes the transport may hold for this call before the session waits (catch-up read +13 % in A/B against 32 KiB). */
    static final int ON_READY_THRESHOLD = 256 * 1024;
    /** How often a waiting session re-checks cancellation and partition flags. */
    private static final long WAIT_MS = 500;

    private final BrokerContext ctx;
    private final Api.SubscribeRequest req;
    /** Takes each message as its encoding ({@link EncodedMessages}), or a message (the handshake). */
    private final ServerCallStreamObserver<Object> call;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final GroupSubscriptions fencing;
    /** Set by another member's subscription of the same group and partition (§3.6 row 7b). */
    private volatile boolean replaced;

    SubscribeSession(BrokerContext ctx, Api.SubscribeRequest req, ServerCallStreamObserver<Object> call,
                     GroupSubscriptions fencing) {
        this.ctx = ctx;
        this.req = req;
        this.call = call;
        this.fencing = fencing;
        // gRPC takes these only while the handler runs; start() may run later, elsewhere.
        call.setOnReadyHandler(this::signal);
        call.setOnCancelHandler(this::signal);
        // Queue up to this much in the transport before waiting for it to drain (gRPC's default
        // is 32 KiB, about 100 small messages: the reader and the event loop then take turns
        // every hundred messages). A bound per subscription, on top of the HTTP/2 window.
        call.setOnReadyThreshold(ON_READY_THRESHOLD);
    }

    @Override
    public long epoch() {
        return req.getConsumer().getGroupEpoch();
    }

    @Override
    public void replaced() {
        replaced = true;
        signal();
    }

    private boolean grouped() {
        return !req.getConsumer().getGroupId().isEmpty();
    }

    private void release() {
        if (grouped()) {
            fencing.release(req.getConsumer().getGroupId(), req.getStream(), req.getPartition(), this);
        }
    }

    /** Validates, sends the handshake and starts delivery; a failed check ends the call. */
    void start(BiConsumer<PartitionInfo, Boolean> resume) {
        if (!req.getConsumer().getGroupId().isEmpty() && req.getConsumer().getConsumerId().isEmpty()) {
            throw ApiError.CONSUMER_ID_EMPTY.exception();
        }
        PartitionInfo p = ctx.fsm().view().partition(req.getStream(), req.getPartition());
        if (p == null) {
            throw ApiError.NO_SUCH_PARTITION.exception();
        }
        boolean leader = ctx.serverId().equals(p.leader());
        if (!leader && !req.getReadISRReplica()) {
            throw ApiError.NOT_PARTITION_LEADER.exception();
        }
        if (!leader && !req.getConsumer().getGroupId().isEmpty()) {
            throw ApiError.GROUPS_WITH_ISR_REPLICA.exception();
        }
        if (req.getResume() && p.paused()) {
            try {
                resume.accept(p, false);
            } catch (RuntimeException e) {
                throw ApiError.RESUME_FAILED.exception(Errors.toStatus(e).getDescription());
            }
            p = ctx.fsm().view().partition(req.getStream(), req.getPartition());
            if (p == null) {
                throw ApiError.NO_SUCH_PARTITION.exception();
            }
        }
        if (grouped()) { // row 7/7b: fencing by group epoch among this server's subscribers
            fencing.acquire(req.getConsumer().getGroupId(), req.getStream(), req.getPartition(), this);
        }
        try {
            begin(p);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private void begin(PartitionInfo p) {
        Partition local = ctx.partitions().get(p.stream(), p.id());
        if (local == null) {
            throw ApiError.NO_SUCH_PARTITION.exception();
        }
        if (p.paused()) {
            // §3.6: a paused partition answers with the handshake, then "commit log was closed".
            call.onNext(Api.Message.getDefaultInstance());
            call.onError(Status.FAILED_PRECONDITION.withDescription("commit log was closed").asRuntimeException());
            release();
            return;
        }
        SubscribeRange range = SubscribeRange.resolve(local, req);
        PartitionReader reader;
        try {
            reader = local.newReader(range.start(), range.stop());
        } catch (PartitionException e) {
            throw Status.INTERNAL.withDescription("Failed to create stream reader: " + e.getMessage())
                    .asRuntimeException();
        }
        call.onNext(Api.Message.getDefaultInstance()); // the handshake clients wait for
        Thread.ofVirtual().name("lb-subscribe-" + req.getStream() + "-" + req.getPartition())
                .start(() -> deliver(reader));
    }

    private void deliver(PartitionReader reader) {
        try (reader) {
            while (!call.isCancelled()) {
                if (replaced) {
                    call.onCompleted(); // another member of the group took the partition over
                    return;
                }
                if (!awaitReady()) {
                    continue;
                }
                PartitionReader.EncodedBatch b = reader.nextEncoded(BATCH, WAIT_MS);
                for (byte[] m : b.messages()) {
                    call.onNext(m);
                }
                Status end = b.end();
                if (end != null) {
                    if (end.isOk()) {
                        call.onCompleted();
                    } else {
                        call.onError(end.asRuntimeException());
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endQuietly(Status.CANCELLED.withDescription("broker shutting down"));
        } catch (RuntimeException e) {
            if (!call.isCancelled()) {
                LOG.log(Level.WARNING, "subscription to " + req.getStream() + "[" + req.getPartition()
                        + "] failed", e);
                endQuietly(Errors.toStatus(e));
            }
        } finally {
            release();
        }
    }

    /** Waits until the transport can take more, or a while; false when it is still not ready. */
    private boolean awaitReady() throws InterruptedException {
        if (call.isReady()) {
            return true;
        }
        lock.lock();
        try {
            if (!call.isReady() && !call.isCancelled()) {
                ready.await(WAIT_MS, TimeUnit.MILLISECONDS);
            }
            return call.isReady();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void endQuietly(Status s) {
        try {
            call.onError(s.asRuntimeException());
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "call already ended", e);
        }
    }
}
