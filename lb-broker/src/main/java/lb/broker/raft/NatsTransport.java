package lb.broker.raft;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link RaftTransport} over NATS request/reply. Works with any NATS server through a jnats
 * {@link Connection} it does not own.
 *
 * <p>Subjects: requests to server {@code id} go to {@code <namespace>.raft.node.<id>}; join requests to
 * {@code <namespace>.raft.join} (every server subscribes; only the leader answers). Responses use the
 * connection's reply inboxes. Payloads are {@link MessageCodec} bytes; a message larger than the
 * server's {@code max_payload} (1 MB by default) cannot be sent — snapshots are sent whole, so the
 * metadata snapshot must stay below it.
 *
 * <p>Flow control: at most {@code maxInFlight} requests per destination await a reply; further sends
 * are dropped (Raft retries on its heartbeat) and counted. Each request times out after
 * {@code requestTimeout}. Undecodable messages are logged, counted and dropped; they never reach the node.
 *
 * <p>Thread-safe. Requests are received on one jnats dispatcher thread, which only decodes and hands
 * them to the {@link RaftTransport.RequestHandler}.
 */
public final class NatsTransport implements RaftTransport {
    private static final System.Logger LOG = System.getLogger(NatsTransport.class.getName());

    private final Connection nc;
    private final String prefix;
    private final Duration requestTimeout;
    private final int maxInFlight;
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile Dispatcher dispatcher;
    private volatile String selfId;
    private volatile boolean closed;

    /**
     * @param namespace     the cluster's NATS namespace ({@code clustering.namespace}); subjects start with it
     * @param requestTimeout how long a request waits for its reply
     * @param maxInFlight   requests per destination awaiting a reply
     */
    public NatsTransport(Connection nc, String namespace, Duration requestTimeout, int maxInFlight) {
        if (namespace == null || namespace.isEmpty() || !validToken(namespace.replace(".", "x"))) {
            throw new IllegalArgumentException("namespace '" + namespace + "' is not a valid NATS subject prefix");
        }
        if (maxInFlight <= 0) throw new IllegalArgumentException("maxInFlight = " + maxInFlight + " must be > 0");
        this.nc = nc;
        this.prefix = namespace + ".raft.";
        this.requestTimeout = requestTimeout;
        this.maxInFlight = maxInFlight;
    }

    /** True when {@code id} can be one token of a NATS subject (no dots, wildcards or spaces). */
    public static boolean validToken(String id) {
        if (id == null || id.isEmpty()) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '.' || c == '*' || c == '>' || Character.isWhitespace(c) || c < 0x20) return false;
        }
        return true;
    }

    String nodeSubject(String id) { return prefix + "node." + id; }

    String joinSubject() { return prefix + "join"; }

    /** Requests dropped because too many were in flight. */
    public long dropped() { return dropped.get(); }

    /** Messages that failed to decode. */
    public long malformed() { return malformed.get(); }

    @Override
    public void start(String selfId, RequestHandler handler) {
        if (!validToken(selfId)) {
            throw new IllegalArgumentException("server id '" + selfId + "' cannot be used in a NATS subject "
                    + "(no '.', '*', '>' or whitespace allowed)");
        }
        this.selfId = selfId;
        Dispatcher d = nc.createDispatcher(msg -> onRequest(msg, handler));
        d.subscribe(nodeSubject(selfId));
        d.subscribe(joinSubject());
        dispatcher = d;
    }

    private void onRequest(Message msg, RequestHandler handler) {
        RaftMessage request;
        try {
            request = MessageCodec.decode(msg.getData());
        } catch (IllegalArgumentException e) {
            malformed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "dropping malformed raft request on " + msg.getSubject() + ": " + e.getMessage());
            return;
        }
        if (request instanceof RaftMessage.JoinRequest && request.from().equals(selfId)) return;
        String replyTo = msg.getReplyTo();
        handler.handle(request).whenComplete((response, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "raft request from " + request.from() + " not answered: " + error);
            } else if (response != null && replyTo != null && !closed) {
                nc.publish(replyTo, MessageCodec.encode(response));
            }
        });
    }

    @Override
    public void send(String to, RaftMessage request, Consumer<RaftMessage> onReply) {
        if (closed) return;
        String subject = to.equals(RaftNode.JOIN_ADDRESS) ? joinSubject() : nodeSubject(to);
        Semaphore slots = inFlight.computeIfAbsent(to, k -> new Semaphore(maxInFlight));
        if (!slots.tryAcquire()) {
            dropped.incrementAndGet();
            return;
        }
        CompletableFuture<Message> reply;
        try {
            reply = nc.requestWithTimeout(subject, MessageCodec.encode(request), requestTimeout);
        } catch (RuntimeException e) {
            slots.release();
            // connection closed or draining: the request is lost like any other; Raft resends
            LOG.log(System.Logger.Level.DEBUG, "raft request to " + to + " not sent: " + e);
            return;
        }
        reply.whenComplete((msg, error) -> {
            slots.release();
            if (error != null || msg == null || closed) return; // timeout / no responders: lost, Raft resends
            byte[] data = msg.getData();
            if (data == null || data.length == 0) return;
            try {
                onReply.accept(MessageCodec.decode(data));
            } catch (IllegalArgumentException e) {
                malformed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "dropping malformed raft reply from " + to + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        Dispatcher d = dispatcher;
        if (d != null) {
            dispatcher = null;
            if (nc.getStatus() != Connection.Status.CLOSED) {
                try {
                    nc.closeDispatcher(d);
                } catch (IllegalStateException alreadyClosed) {
                    // the connection closed between the check and the call: its dispatchers are gone with it
                }
            }
        }
    }
}
