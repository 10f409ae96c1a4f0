package lb.broker.api;

import io.liftbridge.proto.Api;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.NUID;
import io.nats.client.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;

/**
 * Server-side ack inboxes (wire-contract §5.1 {@code <ns>.ack.<unique-id>}): subscribes to an
 * inbox on one shared NATS dispatcher and hands decoded acks to the waiting call. The
 * subscription is made before the message is published on the same connection, so the NATS
 * server knows the inbox before any ack can be sent to it.
 *
 * <p>Threads: acks arrive on the dispatcher's thread; callers register and cancel from theirs.
 */
final class AckRouter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AckRouter.class.getName());

    private final Connection nats;
    private final Dispatcher dispatcher;
    private final String prefix;

    AckRouter(Connection nats, String namespace) {
        this.nats = nats;
        this.prefix = namespace + ".ack.";
        this.dispatcher = nats.createDispatcher();
    }

    /** A fresh server-generated inbox. */
    String newInbox() {
        return prefix + NUID.nextGlobal();
    }

    /** One inbox awaiting its first ack. {@link #close()} stops listening. */
    final class Pending implements AutoCloseable {
        final CompletableFuture<Api.Ack> ack = new CompletableFuture<>();
        private final Subscription sub;

        private Pending(String inbox) {
            this.sub = dispatcher.subscribe(inbox, m -> {
                Api.Ack a = decode(m.getData(), inbox);
                if (a != null && ack.complete(a)) {
                    close();
                }
            });
        }

        @Override
        public void close() {
            try {
                dispatcher.unsubscribe(sub);
            } catch (IllegalStateException e) {
                LOG.log(Level.FINE, "inbox already gone", e); // connection closing
            }
        }
    }

    /** Listens on {@code inbox} for its first ack. */
    Pending awaitFirst(String inbox) {
        return new Pending(inbox);
    }

    /** Listens on {@code inbox} for every ack until the returned handle is closed. */
    AutoCloseable listen(String inbox, Consumer<Api.Ack> onAck) {
        Subscription sub = dispatcher.subscribe(inbox, m -> {
            Api.Ack a = decode(m.getData(), inbox);
            if (a != null) {
                onAck.accept(a);
            }
        });
        return () -> {
            try {
                dispatcher.unsubscribe(sub);
            } catch (IllegalStateException e) {
                LOG.log(Level.FINE, "inbox already gone", e);
            }
        };
    }

    /** Publishes bytes on NATS (the partition leader's subscription picks them up). */
    void publish(String subject, byte[] data) {
        nats.publish(subject, data);
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
