package lb.broker.raft;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Carries requests between servers and their responses back. Implementations: {@link NatsTransport}
 * (NATS request/reply under {@code <namespace>.raft.}) and the simulation's in-memory network.
 * Delivery is best effort: a request or response may be lost, delayed, duplicated or reordered, and
 * Raft copes with all of that. Implementations must be safe to call from any thread.
 */
public interface RaftTransport extends AutoCloseable {
    /** Server side: answers one request; the future completes with the response, or null for none. */
    @FunctionalInterface
    interface RequestHandler {
        CompletableFuture<RaftMessage> handle(RaftMessage request);
    }

    /** Starts receiving requests addressed to {@code selfId} and join requests. */
    void start(String selfId, RequestHandler handler) throws IOException;

    /**
     * Sends a request to server {@code to} (or to every server for {@link RaftNode#JOIN_ADDRESS});
     * the response, if one arrives in time, is passed to {@code onReply}. Never blocks: drops the
     * request when too many are already in flight to that server.
     */
    void send(String to, RaftMessage request, Consumer<RaftMessage> onReply);

    @Override
    void close();
}
