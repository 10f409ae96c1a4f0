package lb.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition subscription, read by pulling: {@link #poll(Duration)}, {@link #take()}, or
 * in bursts with {@link #poll(java.util.List, int, Duration)}.
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

    private final ClientCall<Api.SubscribeRequest, Api.Message> call;
    private final BlockingQueue<Object> buffer;
    private final int window;
    private final CompletableFuture<Void> established = new CompletableFuture<>();
    private final ReentrantLock callLock = new ReentrantLock();
    private int takenSinceRequest;
    private volatile boolean closed;
    private volatile End end;
    private volatile LiftbridgeException error;

    /** A terminal entry in the buffer. */
    private record Terminal(Status status) {
    }

    Subscription(ClientCall<Api.SubscribeRequest, Api.Message> call, int window) {
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
            public void onMessage(Api.Message message) {
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
                buffer.offer(new Terminal(status));
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
        if (error != null) {
            throw error;
        }
        if (end != null) {
            return null;
        }
        Object o = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return handle(o);
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
        if (error != null) {
            throw error;
        }
        if (end != null || max < 1) {
            return 0;
        }
        Object first = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return 0;
        }
        java.util.ArrayList<Object> taken = new java.util.ArrayList<>(Math.min(max, buffer.size() + 1));
        taken.add(first);
        buffer.drainTo(taken, max - 1);
        int n = 0;
        for (Object o : taken) {
            if (o instanceof Api.Message m) {
                out.add(m);
                n++;
                continue;
            }
            Status st = ((Terminal) o).status(); // always the last entry
            end = endOf(st);
            if (end == null) {
                error = LiftbridgeException.from(st.asRuntimeException());
            }
        }
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
        return handle(buffer.take());
    }

    private Api.Message handle(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Api.Message m) {
            credit(1);
            return m;
        }
        Status s = ((Terminal) o).status();
        end = endOf(s);
        if (end == null) {
            error = LiftbridgeException.from(s.asRuntimeException());
            throw error;
        }
        return null;
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
