package lb.broker.api;

import io.liftbridge.proto.Api;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;

/**
 * Server-side ack inboxes (wire-contract §5.1 {@code <ns>.ack.<unique-id>}) and the routing of
 * the acks sent to them.
 *
 * <p>Inboxes this router generates are {@code <ns>.ack.<router-nuid>.<n>}: one wildcard
 * subscription {@code <ns>.ack.<router-nuid>.*}, made and flushed when the router is created,
 * covers them all, and a map sends each ack to the call waiting on its inbox. So a publish costs
 * no SUB/UNSUB round of its own on NATS. An inbox chosen by a client (Publish with
 * {@code ackInbox}) is not covered: it gets its own subscription, made before the message is
 * published on the same connection, so the NATS server knows it before any ack can be sent.
 *
 * <p>Threads: acks arrive on the dispatcher's thread; callers register and cancel from theirs
 * (the route map is concurrent; each registration's close is idempotent).
 */
final class AckRouter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AckRouter.class.getName());

    private final Connection nats;
    private final Dispatcher dispatcher;
    private final String prefix;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<String, Consumer<Api.Ack>> routes = new ConcurrentHashMap<>();

    AckRouter(Connection nats, String namespace) {
        this.nats = nats;
        this.prefix = namespace + ".ack." + NUID.nextGlobal() + ".";
        this.dispatcher = nats.createDispatcher();
        dispatcher.subscribe(prefix + "*", this::route);
        try {
            // The wildcard must be known to the server before the first inbox is handed out.
            nats.flush(java.time.Duration.ofSeconds(2));
        } catch (java.util.concurrent.TimeoutException | InterruptedException | IllegalStateException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "NATS did not confirm the ack inbox subscription in time", e);
        }
    }

    /** A fresh server-generated inbox, covered by the wildcard subscription. */
    String newInbox() {
        return prefix + sequence.incrementAndGet();
    }

    private boolean routed(String inbox) {
        return inbox.startsWith(prefix) && inbox.indexOf('.', prefix.length()) < 0;
    }

    private void route(Message m) {
        Consumer<Api.Ack> to = routes.get(m.getSubject());
        if (to == null) {
            LOG.fine(() -> "ack for an inbox nobody waits on: " + m.getSubject());
            return;
        }
        Api.Ack a = decode(m.getData(), m.getSubject());
        if (a != null) {
            to.accept(a);
        }
    }

    /** Delivers acks of {@code inbox} to {@code onAck} until the returned handle is closed. */
    private AutoCloseable register(String inbox, Consumer<Api.Ack> onAck) {
        AtomicBoolean closed = new AtomicBoolean();
        if (routed(inbox)) {
            routes.put(inbox, onAck);
            return () -> {
                if (closed.compareAndSet(false, true)) {
                    routes.remove(inbox, onAck);
                }
            };
        }
        Subscription sub = dispatcher.subscribe(inbox, m -> {
            Api.Ack a = decode(m.getData(), inbox);
            if (a != null) {
                onAck.accept(a);
            }
        });
        return () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    dispatcher.unsubscribe(sub);
                } catch (IllegalStateException e) {
                    LOG.log(Level.FINE, "inbox already gone", e); // connection closing
                }
            }
        };
    }

    /** One inbox awaiting its first ack. {@link #close()} stops listening. */
    final class Pending implements AutoCloseable {
        final CompletableFuture<Api.Ack> ack = new CompletableFuture<>();
        private final AutoCloseable registration;

        private Pending(String inbox) {
            this.registration = register(inbox, a -> {
                if (ack.complete(a)) {
                    close();
                }
            });
        }

        @Override
        public void close() {
            closeQuietly(registration);
        }
    }

    /** Listens on {@code inbox} for its first ack. */
    Pending awaitFirst(String inbox) {
        return new Pending(inbox);
    }

    /** Listens on {@code inbox} for every ack until the returned handle is closed. */
    AutoCloseable listen(String inbox, Consumer<Api.Ack> onAck) {
        return register(inbox, onAck);
    }

    /** Publishes bytes on NATS (the partition leader's subscription picks them up). */
    void publish(String subject, byte[] data) {
        nats.publish(subject, data);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing an ack inbox failed", e);
        }
    }

    private static Api.Ack decode(byte[] data, String inbox) {
        try {
            return Envelope.decodeAck(data);
        } catch (EnvelopeException e) {
            LOG.fine(() -> "ignored a non-ack message on " + inbox + ": " + e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        try {
            nats.closeDispatcher(dispatcher);
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "dispatcher already closed", e);
        }
    }
}
