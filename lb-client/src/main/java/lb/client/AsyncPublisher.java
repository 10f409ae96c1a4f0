package lb.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One PublishAsync stream: sends publishes as they come, matches responses to them by
 * correlation id, bounds the number outstanding and times each out.
 *
 * <p>Matching: a publish without a correlation id of its own gets {@code <prefix><n>}, where the
 * prefix ({@code lb-<pid>-<stream#>-}) is fixed per stream and n counts up from 1; its outcome
 * handler waits in slot {@code n mod ring} of a ring ({@link #ring}, a power of two of at least
 * twice {@code maxInFlight}), so an ack costs a parse of n and one compare-and-set instead of a
 * map entry. A publish whose slot is still taken (an older one outstanding for a whole lap of the
 * ring), and every publish with a caller-given correlation id, waits in a map keyed by its id
 * instead. Slot protocol: {@code owner[slot]} is n+1 while publish n waits there, 0 when free; a
 * publisher fills {@code handlers}/{@code deadlines} of a free slot and then publishes n+1 with
 * a volatile write (under {@link #sendLock}, so slots are claimed by one thread at a time); a
 * completer (ack, timeout, failure) reads the handler after seeing n+1 and owns the outcome only
 * if its compare-and-set n+1 -> 0 succeeds, so each publish completes exactly once. A free slot
 * keeps its last handler until reused (bounded by the ring). A caller-given id of the generated
 * form is refused, so that no ack can be matched to the wrong publish. (Ids are matched up to
 * n = 10^18, which at a million publishes a second is thirty thousand years.)
 *
 * <p>Threads: any thread may publish (sends are serialised by a lock, as gRPC requires).
 * Responses are handled on the transport's thread (direct executor: the handler never blocks),
 * so futures complete and {@link AckHandler}s run there, and future callbacks run there unless
 * attached later. Responses are requested in batches ({@link #RESPONSE_BATCH}) rather than one at
 * a time. One shared daemon timer sweeps each stream for expired acks every
 * {@code ackTimeout / 8} (10 ms to 1 s), instead of a timer task per publish: an ack fails
 * between {@code ackTimeout} and 1.125 x that after its publish.
 */
final class AsyncPublisher implements AutoCloseable {

    /**
     * PublishAsync with requests serialised by hand ({@link EncodedPublish}) and responses read
     * lazily ({@link PublishResult}); the same method on the wire as the generated one.
     */
    private static final MethodDescriptor<EncodedPublish, PublishResult> METHOD =
            APIGrpc.getPublishAsyncMethod().toBuilder(EncodedPublish.MARSHALLER, PublishResult.MARSHALLER).build();
    private static final System.Logger LOG = System.getLogger(AsyncPublisher.class.getName());
    private static final ScheduledThreadPoolExecutor TIMER = timer();
    private static final AtomicLong STREAMS = new AtomicLong();
    /** Responses requested from the transport at a time. */
    static final int RESPONSE_BATCH = 256;

    private final Semaphore permits;
    /** Publishes with caller-given ids, or whose ring slot was taken: id -> outcome. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final long ackTimeoutNanos;
    private final Duration ackTimeout;
    private final String idPrefix;
    private final byte[] idPrefixBytes;
    private final int mask;
    private final AtomicLongArray owner;
    private final Object[] handlers;
    private final long[] deadlines;
    private long nextId; // guarded by sendLock
    /** The decimal digits of {@link #nextId}, right-aligned, from {@link #idDigitsFrom}; sendLock. */
    private final byte[] idDigits = "0000000000000000000".getBytes(StandardCharsets.US_ASCII);
    private int idDigitsFrom = idDigits.length - 1; // guarded by sendLock
    private final ClientCallStreamObserver<EncodedPublish> requests;
    private volatile StreamName lastStream;
    private final ScheduledFuture<?> sweeper;
    private volatile boolean broken;

    /** A map entry: the future or {@link AckHandler} awaiting the outcome, and its deadline. */
    private record Pending(Object handler, long deadlineNanos) {
    }

    AsyncPublisher(ManagedChannel channel, Duration ackTimeout, int maxInFlight) {
        this.ackTimeout = ackTimeout;
        this.ackTimeoutNanos = ackTimeout.toNanos();
        this.permits = new Semaphore(maxInFlight);
        this.idPrefix = "lb-" + ProcessHandle.current().pid() + "-" + STREAMS.incrementAndGet() + "-";
        this.idPrefixBytes = idPrefix.getBytes(StandardCharsets.US_ASCII);
        int ring = ring(maxInFlight);
        this.mask = ring - 1;
        this.owner = new AtomicLongArray(ring);
        this.handlers = new Object[ring];
        this.deadlines = new long[ring];
        ResponseHandler handler = new ResponseHandler();
        ClientCalls.asyncBidiStreamingCall(
                channel.newCall(METHOD, CallOptions.DEFAULT.withExecutor(DirectExecutor.INSTANCE)), handler);
        this.requests = handler.requests;
        long period = Math.clamp(ackTimeoutNanos / 8, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(1));
        this.sweeper = TIMER.scheduleWithFixedDelay(this::expireOverdue, period, period, TimeUnit.NANOSECONDS);
    }

    /** Slots of the ring for {@code maxInFlight}: a power of two, at least twice that, at most 2^20. */
    static int ring(int maxInFlight) {
        int want = (int) Math.min(1 << 20, Math.max(2L, 2L * maxInFlight));
        int r = Integer.highestOneBit(want);
        return r < want ? r << 1 : r;
    }

    boolean isBroken() {
        return broken;
    }

    CompletableFuture<Api.Ack> publish(String stream, int partition, ByteString value, MessageOptions options) {
        CompletableFuture<Api.Ack> f = new CompletableFuture<>();
        publish(stream, partition, value, options, f);
        return f;
    }

    /**
     * Sends one publish of {@code value} to a partition with the options' key, headers, ack
     * policy, ack inbox, correlation id and expected offset; {@code handler} (a
     * {@code CompletableFuture<Api.Ack>} or an {@link AckHandler}) receives its outcome exactly once.
     */
    void publish(String stream, int partition, ByteString value, MessageOptions options, Object handler) {
        if (broken) {
            finish(handler, null, new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE,
                    "publish stream is closed"));
            return;
        }
        ByteString streamBytes = streamBytes(stream);
        if (options.ackPolicy == Api.AckPolicy.NONE) {
            try {
                send(EncodedPublish.encode(streamBytes, partition, value, options, null));
            } catch (RuntimeException e) {
                finish(handler, null, LiftbridgeException.from(e));
                return;
            }
            finish(handler, null, null);
            return;
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(handler, null, new LiftbridgeException(
                    LiftbridgeException.Kind.CANCELLED, null, "interrupted while waiting to publish", e));
            return;
        }
        String given = options.correlationId;
        if (given != null && !given.isEmpty()) {
            if (parseId(given) > 0) {
                permits.release();
                finish(handler, null, new LiftbridgeException(LiftbridgeException.Kind.INVALID_ARGUMENT,
                        "correlation id '" + given + "' has the form this client generates (" + idPrefix
                                + "<n>); choose another"));
                return;
            }
            if (pending.putIfAbsent(given, new Pending(handler, System.nanoTime() + ackTimeoutNanos)) != null) {
                permits.release();
                finish(handler, null, new LiftbridgeException(LiftbridgeException.Kind.INVALID_ARGUMENT,
                        "correlation id '" + given + "' is already awaiting an ack"));
                return;
            }
            try {
                send(EncodedPublish.encode(streamBytes, partition, value, options, null));
            } catch (RuntimeException e) {
                completeById(given, null, LiftbridgeException.from(e));
                return;
            }
            if (broken) {
                completeById(given, null, new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE,
                        "publish stream is closed"));
            }
            return;
        }
        long n;
        String mapped = null; // the id when the slot was taken and the map holds the publish
        RuntimeException failed = null;
        sendLock.lock();
        try {
            n = ++nextId;
            int slot = (int) (n & mask);
            long deadline = System.nanoTime() + ackTimeoutNanos;
            EncodedPublish req = EncodedPublish.encode(streamBytes, partition, value, options, nextIdBytes());
            if (owner.get(slot) == 0) {
                handlers[slot] = handler;
                deadlines[slot] = deadline;
                owner.set(slot, n + 1); // volatile: ordered before the read of `broken` below
            } else {
                mapped = idPrefix + n;
                pending.put(mapped, new Pending(handler, deadline));
            }
            try {
                requests.onNext(req);
            } catch (RuntimeException e) {
                failed = e;
            }
        } finally {
            sendLock.unlock();
        }
        if (failed == null && broken) {
            // close() or a stream failure may have swept before this publish was registered.
            failed = new LiftbridgeException(LiftbridgeException.Kind.UNAVAILABLE, "publish stream is closed");
        }
        if (failed != null) {
            LiftbridgeException le = LiftbridgeException.from(failed);
            if (mapped != null) {
                completeById(mapped, null, le);
            } else {
                completeSlot(n, null, le);
            }
        }
    }

    /**
     * {@code <prefix><n>} as ASCII bytes for n = {@link #nextId}, wrapped without a copy (the array
     * is never changed). The decimal digits of n are kept in {@link #idDigits} and counted up in
     * place, which costs less than formatting a long per publish. Under {@link #sendLock}.
     */
    private ByteString nextIdBytes() {
        int i = idDigits.length - 1;
        while (idDigits[i] == '9') {
            idDigits[i--] = '0';
        }
        idDigits[i]++;
        if (i < idDigitsFrom) {
            idDigitsFrom = i;
        }
        int digits = idDigits.length - idDigitsFrom;
        byte[] b = new byte[idPrefixBytes.length + digits];
        System.arraycopy(idPrefixBytes, 0, b, 0, idPrefixBytes.length);
        System.arraycopy(idDigits, idDigitsFrom, b, idPrefixBytes.length, digits);
        return UnsafeByteOperations.unsafeWrap(b);
    }

    /** n of a generated id of this stream ({@code <prefix><n>}, n &gt; 0), or -1 for any other id. */
    long parseId(String id) {
        int p = idPrefix.length();
        int len = id.length();
        if (len <= p || len - p > 18 || !id.startsWith(idPrefix)) {
            return -1;
        }
        long n = 0;
        for (int i = p; i < len; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n > 0 ? n : -1;
    }

    String idPrefix() {
        return idPrefix;
    }

    /**
     * The UTF-8 bytes of a stream name, encoded once per stream rather than per publish: the last
     * name is remembered (publishers mostly stick to one stream).
     */
    private ByteString streamBytes(String stream) {
        StreamName last = lastStream;
        if (last != null && last.name().equals(stream)) {
            return last.bytes();
        }
        ByteString b = ByteString.copyFromUtf8(stream);
        lastStream = new StreamName(stream, b);
        return b;
    }

    private record StreamName(String name, ByteString bytes) {
    }

    private void send(EncodedPublish r) {
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
        for (int slot = 0; slot < owner.length(); slot++) {
            long o = owner.getAcquire(slot);
            if (o != 0 && now - deadlines[slot] >= 0) {
                completeSlot(o - 1, null, timeout(idPrefix + (o - 1)));
            }
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            if (now - e.getValue().deadlineNanos() >= 0) {
                completeById(e.getKey(), null, timeout(e.getKey()));
            }
        }
    }

    private LiftbridgeException timeout(String id) {
        return new LiftbridgeException(LiftbridgeException.Kind.ACK_TIMEOUT,
                "no ack within " + ackTimeout.toMillis() + " ms (correlation id " + id + ")");
    }

    /** Completes the publish that {@code r} answers, wherever it waits; a no-op if it already ended. */
    private void complete(PublishResult r) {
        LiftbridgeException error = r.asyncError() == null ? null
                : LiftbridgeException.fromAsyncError(r.asyncError());
        PublishResult result = error == null ? r : null;
        long n = parseId(r.data(), r.idFrom(), r.idLength());
        if (n <= 0 || !completeSlot(n, result, error)) {
            completeById(r.correlationId(), result, error);
        }
    }

    /** n of a generated id of this stream given as bytes, or -1 for any other id. */
    long parseId(byte[] b, int from, int length) {
        int p = idPrefixBytes.length;
        if (length <= p || length - p > 18 || !java.util.Arrays.equals(b, from, from + p, idPrefixBytes, 0, p)) {
            return -1;
        }
        long n = 0;
        for (int i = from + p; i < from + length; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n > 0 ? n : -1;
    }

    /** Completes generated publish n if it waits in its slot; false if it does not. */
    private boolean completeSlot(long n, PublishResult ack, LiftbridgeException error) {
        if (n <= 0) {
            return false;
        }
        int slot = (int) (n & mask);
        if (owner.getAcquire(slot) != n + 1) {
            return false;
        }
        Object h = handlers[slot];
        if (!owner.compareAndSet(slot, n + 1, 0)) {
            return false; // another completer (timeout, failure) won
        }
        permits.release();
        finish(h, ack, error);
        return true;
    }

    private void completeById(String id, PublishResult ack, LiftbridgeException error) {
        Pending p = pending.remove(id);
        if (p == null) {
            return; // already timed out, or a second stream on the subject acked it too
        }
        permits.release();
        finish(p.handler(), ack, error);
    }

    @SuppressWarnings("unchecked")
    private static void finish(Object handler, PublishResult result, LiftbridgeException error) {
        if (handler instanceof CompletableFuture<?> f) {
            CompletableFuture<Api.Ack> af = (CompletableFuture<Api.Ack>) f;
            if (error != null) {
                af.completeExceptionally(error);
                return;
            }
            Api.Ack ack;
            try {
                ack = result == null ? null : result.ack();
            } catch (LiftbridgeException e) {
                af.completeExceptionally(e);
                return;
            }
            af.complete(ack);
            return;
        }
        try {
            ((AckHandler) handler).done(result, error);
        } catch (RuntimeException e) {
            // Not rethrown: on the transport thread it would cancel the stream and fail every
            // other outstanding publish for one faulty callback.
            LOG.log(System.Logger.Level.WARNING, "an AckHandler threw; the publish stream goes on", e);
        }
    }

    private void failAll(LiftbridgeException e) {
        broken = true;
        sweeper.cancel(false);
        for (int slot = 0; slot < owner.length(); slot++) {
            long o = owner.getAcquire(slot);
            if (o != 0) {
                completeSlot(o - 1, null, e);
            }
        }
        for (String id : pending.keySet()) {
            completeById(id, null, e);
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
            implements ClientResponseObserver<EncodedPublish, PublishResult> {
        ClientCallStreamObserver<EncodedPublish> requests;
        private int received; // responses since the last request(); transport thread only

        @Override
        public void beforeStart(ClientCallStreamObserver<EncodedPublish> stream) {
            this.requests = stream;
            stream.disableAutoRequestWithInitial(RESPONSE_BATCH);
        }

        @Override
        public void onNext(PublishResult r) {
            if (++received == RESPONSE_BATCH / 2) {
                received = 0;
                requests.request(RESPONSE_BATCH / 2);
            }
            complete(r);
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
