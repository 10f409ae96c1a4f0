package lb.client;

import io.liftbridge.proto.Api;

/**
 * Receives the outcome of one {@link LiftbridgeClient#publishAsync(String, com.google.protobuf.ByteString,
 * MessageOptions, AckHandler)}: exactly one call, with the ack (null for ack policy NONE) or with
 * the error. The cheap alternative to a {@link java.util.concurrent.CompletableFuture} per
 * publish for callers that publish many messages: the ack comes as a {@link PublishResult},
 * whose offset is at hand and whose full {@link Api.Ack} is decoded only when asked for.
 *
 * <p>Threads: called on the transport's thread (when the ack arrives), on the client's ack timer
 * thread (when it times out), or on the publishing thread (ack policy NONE, or when the send
 * fails at once). It must be thread-safe, must not block and should return quickly: it delays
 * every later ack of the client's publish stream.
 */
@FunctionalInterface
public interface AckHandler {

    /** {@code error} is null on success; {@code ack} is null on failure or for ack policy NONE. */
    void done(PublishResult ack, LiftbridgeException error);
}
