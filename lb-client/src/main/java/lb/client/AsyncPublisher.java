package lb.client;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One PublishAsync stream: sends publishes as they come, matches responses to them by
 * correlation id, bounds the number outstanding and times each out.
 *
 * <p>Threads: any thread may publish (sends are serialised by a lock, as gRPC requires).
 * Responses are handled on the transport's thread (direct executor: the handler never blocks),
 * so futures complete there, and their callbacks run there unless attached later. Responses are
 * requested in batches ({@link #RESPONSE_BATCH}) rather than one at a time. One shared daemon
 * timer sweeps each stream for expired acks every {@code ackTimeout / 8} (10 ms to 1 s), instead
 * of a timer task per publish: an ack fails between {@code ackTimeout} and 1.125 x that after
 * its publish.
 */
final class AsyncPublisher implements AutoCloseable {

    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final AtomicLong STREAMS = new AtomicLong();
    /** Responses requested from the transport at a time. */
    static final int RESPONSE_BATCH = 256;

    private final Semaphore permits;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Duration ackTimeout;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final ClientCallStreamObserver<Api.PublishRequest> requests;
    private final ScheduledFuture<?> sweeper;
    private volatile boolean broken;

    private record Pending(CompletableFuture<Api.Ack> future, long deadlineNanos) {
    }

    AsyncPublisher(ManagedChannel channel, Duration ackTimeout, int maxInFlight) {
        this.ackTimeout = ackTimeout;
        this.permits = new Semaphore(maxInFlight);
        this.idPrefix = "lb-" + ProcessHandle.current().pid() + "-" + STREAMS.incrementAndGet() + "-";
        ResponseHandler handler = new ResponseHandler();
        APIGrpc.newStub(channel).withExecutor(DirectExecutor.INSTANCE).publishAsync(handler);
        this.requests = handler.requests;
        long period = Math.clamp(ackTimeout.toNanos() / 8, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(1));
        this.sweeper = TIMER.scheduleWithFixedDelay(this::expireOverdue, period, period, TimeUnit.NANOSECONDS);
    }


    boolean isBroken() {
        return broken;
    }

    CompletableFuture<Api.Ack> publish(Api.PublishRequest.Builder req) {
        if (broken) {
            return CompletableFuture.failedFuture(new LiftbridgeException(
                    LiftbridgeException.Kind.UNAVAILABLE, "publish stream is closed"));
        }
        if (req.getAckPolicy() == Api.AckPolicy.NONE) {
            send(req.build());
            return CompletableFuture.completedFuture(null);
        }
        String id = req.getCorrelationId();
        if (id.isEmpty()) {
            id = idPrefix + ids.incrementAndGet();
            req.setCorrelationId(id);
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new LiftbridgeException(
                    LiftbridgeException.Kind.CANCELLED, null, "interrupted while waiting to publish", e));
        }
        CompletableFuture<Api.Ack> f = new CompletableFuture<>();
        if (pending.putIfAbsent(id, new Pending(f, System.nanoTime() + ackTimeout.toNanos())) != null) {
            permits.release();
            return CompletableFuture.failedFuture(new LiftbridgeException(
                    LiftbridgeException.Kind.INVALID_ARGUMENT,
                    "correlation id '" + id + "' is already awaiting an ack"));
        }
        try {
            send(req.build());
        } catch (RuntimeException e) {
            complete(id, null, LiftbridgeException.from(e));
        }
        return f;
    }

    private void send(Api.PublishRequest r) {
        sendLock.lock();
        try {
            requests.onNext(r);
        } finally {
            sendLock.unlock();
        }
    }

    /** The sweeper: fails every publish whose deadline passed. Outstanding ones are few (bounded). */
    private void expireOverdue() {
        long now = System.nanoTime();
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            if (now - e.getValue().deadlineNanos() >= 0) {
                String id = e.getKey();
                complete(id, null, new LiftbridgeException(LiftbridgeException.Kind.ACK_TIMEOUT,
                        "no ack within " + ackTimeout.toMillis() + " ms (correlation id " + id + ")"));
            }
        }
    }

    private void complete(String id, Api.Ack ack, LiftbridgeException error) {
        Pending p = pending.remove(id);
        if (p == null) {
            return; // already timed out, or a second stream on the subject acked it too
        }
        permits.release();
        if (error != null) {
            p.future().completeExceptionally(error);
        } else {
            p.future().complete(ack);
        }
    }

    private void failAll(LiftbridgeException e) {
        broken = true;
        sweeper.cancel(false);
        for (String id : pending.keySet()) {
            complete(id, null, e);
        }
    }

    /** Ends the stream; outstanding publishes fail as cancelled. */
    @Override
    public void close() {
        if (!broken) {
            broken = true;
            sendLock.lock();
            try {
                requests.cancel("client closed", null);
            } finally {
                sendLock.unlock();
            }
        }
        failAll(new LiftbridgeException(LiftbridgeException.Kind.CANCELLED, "client closed"));
    }

    private final class ResponseHandler
            implements ClientResponseObserver<Api.PublishRequest, Api.PublishResponse> {
        ClientCallStreamObserver<Api.PublishRequest> requests;
        private int received; // responses since the last request(); transport thread only

        @Override
        public void beforeStart(ClientCallStreamObserver<Api.PublishRequest> stream) {
            this.requests = stream;
            stream.disableAutoRequestWithInitial(RESPONSE_BATCH);
        }

        @Override
        public void onNext(Api.PublishResponse r) {
            if (++received == RESPONSE_BATCH / 2) {
                received = 0;
                requests.request(RESPONSE_BATCH / 2);
            }
            if (r.hasAsyncError()) {
                complete(r.getCorrelationId(), null, LiftbridgeException.fromAsyncError(r.getAsyncError()));
            } else {
                complete(r.getAck().getCorrelationId(), r.getAck(), null);
            }
        }

        @Override
        public void onError(Throwable t) {
            failAll(LiftbridgeException.from(t));
        }

        @Override
        public void onCompleted() {
            failAll(new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE,
                    "the broker ended the publish stream"));
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "lb-client-ack-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
