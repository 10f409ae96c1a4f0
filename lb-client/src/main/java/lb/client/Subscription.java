package lb.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition subscription, read by pulling: {@link #poll(Duration)}, {@link #take()}, or
 * in bursts with {@link #poll(java.util.List, int, Duration)}; or, fastest, as undecoded
 * {@link MessageView}s with {@link #pollView(Duration)} and
 * {@link #pollViews(java.util.List, int, Duration)}, which decode each field only when asked.
 * Messages wait in a bounded buffer of {@code window} entries; the broker is asked for more only
 * as the reader takes them, so a slow reader makes the broker wait instead of either side
 * buffering without bound.
 *
 * <p>Threads: the transport thread fills the buffer (direct executor, never blocking); one
 * reader thread polls; {@link #close()} may be
 * called from any thread (e.g. a Ctrl-C handler).
 */
public final class Subscription implements AutoCloseable {

    /** Why a subscription ended without an error. */
    public enum End {
        /** The stop position was reached (ResourceExhausted "Stop offset reached"). */
        STOP_REACHED,
        /** The reader reached the end of a read-only partition. */
        READONLY_END,
        /** The broker ended the stream normally (e.g. a newer group member took over). */
        SERVER_ENDED,
        /** {@link #close()} was called. */
        CLOSED
    }

    private final ClientCall<Api.SubscribeRequest, MessageView> call;
    /** Received messages, then {@link #END} once the call closed ({@link #terminal} says how). */
    private final BlockingQueue<MessageView> buffer;
    private final int window;
    private final CompletableFuture<Void> established = new CompletableFuture<>();
    private final ReentrantLock callLock = new ReentrantLock();
    /** The reader's scratch list for the Api.Message burst poll (reader thread only). */
    private final ArrayList<MessageView> scratch = new ArrayList<>();
    private int takenSinceRequest;
    private volatile boolean closed;
    private volatile End end;
    private volatile LiftbridgeException error;
    /** How the call closed; written by the transport thread before it queues {@link #END}. */
    private volatile Status terminal;

    /** The terminal entry of the buffer, compared by identity. */
    private static final MessageView END = MessageView.of(Api.Message.getDefaultInstance());

    Subscription(ClientCall<Api.SubscribeRequest, MessageView> call, int window) {
        this.call = call;
        this.window = window;
        // +1: the terminal entry always fits, even when the window is full.
        this.buffer = new ArrayBlockingQueue<>(window + 1);
    }

    /** Starts the call and waits for the broker's handshake (the empty first message). */
    void start(Api.SubscribeRequest request, Duration timeout) {
        call.start(new ClientCall.Listener<>() {
            private boolean handshakeSeen;

            @Override
            public void onMessage(MessageView message) {
                if (!handshakeSeen) {
                    handshakeSeen = true;
                    established.complete(null);
                    return;
                }
                // Never blocks: the broker sends only what was requested, at most `window`.
                if (!buffer.offer(message)) {
                    throw new IllegalStateException("broker sent more than the flow-control window");
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                if (!handshakeSeen) {
                    established.completeExceptionally(status.asRuntimeException(trailers));
                }
                terminal = status;
                buffer.offer(END);
            }
        }, new Metadata());
        withCall(() -> {
            call.sendMessage(request);
            call.halfClose();
            call.request(1); // the handshake
        });
        try {
            established.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            close();
            throw new LiftbridgeException(LiftbridgeException.Kind.DEADLINE_EXCEEDED, null,
                    "no answer to subscribe within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new LiftbridgeException(LiftbridgeException.Kind.CANCELLED, null,
                    "interrupted while subscribing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw LiftbridgeException.from(e.getCause());
        }
        withCall(() -> call.request(window));
    }

    /**
     * The next message, waiting up to {@code timeout}; null when none arrived in time or the
     * subscription has ended ({@link #end()} then says why).
     *
     * @throws LiftbridgeException when the subscription failed
     */
    public Api.Message poll(Duration timeout) throws InterruptedException {
        MessageView v = pollView(timeout);
        return v == null ? null : v.toMessage();
    }

    /**
     * {@link #poll(Duration)} without decoding: the next message as a {@link MessageView}, whose
     * fields are decoded only when asked for.
     *
     * @throws LiftbridgeException when the subscription failed
     */
    public MessageView pollView(Duration timeout) throws InterruptedException {
        if (error != null) {
            throw error;
        }
        if (end != null) {
            return null;
        }
        return handle(buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Moves up to {@code max} received messages into {@code out}, waiting up to {@code timeout}
     * for the first one only: the way to read fast, since a burst costs one hand-over instead of
     * one per message. Returns how many were added; 0 when none arrived in time or the
     * subscription has ended ({@link #end()} then says why).
     *
     * @throws LiftbridgeException when the subscription failed (after the messages before the
     *     failure were returned)
     */
    public int poll(java.util.List<Api.Message> out, int max, Duration timeout) throws InterruptedException {
        scratch.clear();
        try {
            int n = pollViews(scratch, max, timeout);
            for (MessageView v : scratch) {
                out.add(v.toMessage());
            }
            return n;
        } finally {
            scratch.clear();
        }
    }

    /**
     * {@link #poll(java.util.List, int, Duration)} without decoding: the fastest way to read.
     * Same contract; the messages are added to {@code out} as {@link MessageView}s.
     *
     * @throws LiftbridgeException when the subscription failed (after the messages before the
     *     failure were returned)
     */
    public int pollViews(java.util.List<MessageView> out, int max, Duration timeout) throws InterruptedException {
        if (error != null) {
            throw error;
        }
        if (end != null || max < 1) {
            return 0;
        }
        MessageView first = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return 0;
        }
        int before = out.size();
        out.add(first);
        buffer.drainTo(out, max - 1);
        int last = out.size() - 1;
        if (out.get(last) == END) { // always the last entry: nothing follows onClose
            out.remove(last);
            finish();
        }
        int n = out.size() - before;
        credit(n);
        if (n == 0 && error != null) {
            throw error;
        }
        return n;
    }

    /** Asks the broker for more once half the window was taken. */
    private void credit(int taken) {
        takenSinceRequest += taken;
        if (takenSinceRequest >= Math.max(1, window / 2)) {
            int n = takenSinceRequest;
            takenSinceRequest = 0;
            withCall(() -> call.request(n));
        }
    }

    /** The next message, waiting as long as it takes; null once the subscription has ended. */
    public Api.Message take() throws InterruptedException {
        if (error != null) {
            throw error;
        }
        if (end != null) {
            return null;
        }
        MessageView v = handle(buffer.take());
        return v == null ? null : v.toMessage();
    }

    private MessageView handle(MessageView v) {
        if (v == null) {
            return null;
        }
        if (v != END) {
            credit(1);
            return v;
        }
        finish();
        if (error != null) {
            throw error;
        }
        return null;
    }

    /** Records why the call ended, once {@link #END} was taken. */
    private void finish() {
        Status s = terminal;
        end = endOf(s);
        if (end == null) {
            error = LiftbridgeException.from(s.asRuntimeException());
        }
    }

    private End endOf(Status s) {
        if (closed) {
            return End.CLOSED;
        }
        String d = s.getDescription() == null ? "" : s.getDescription();
        return switch (s.getCode()) {
            case OK -> End.SERVER_ENDED;
            case RESOURCE_EXHAUSTED -> d.startsWith("End of readonly") ? End.READONLY_END : End.STOP_REACHED;
            default -> null;
        };
    }

    /** Why the subscription ended, or null while it runs. */
    public End end() {
        return end;
    }

    /** Messages received and not yet taken. */
    public int buffered() {
        return buffer.size();
    }

    /** Cancels the subscription; pending and later polls return null with {@link End#CLOSED}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            withCall(() -> call.cancel("subscription closed by the client", null));
        }
    }

    private void withCall(Runnable r) {
        callLock.lock();
        try {
            r.run();
        } finally {
            callLock.unlock();
        }
    }
}
