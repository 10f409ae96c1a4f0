package lb.broker.partition;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.util.Map;

/**
 * A message handed to the partition leader in-process by this broker's gRPC Publish and
 * PublishAsync handlers, instead of a round trip through NATS (the message and its ack then
 * cost no NATS hop, no envelope encoding and no decoding). The writer treats it exactly like
 * an envelope that arrived on the partition subject: same checks, same record, same ack, which
 * it hands to {@link #listener} (and also publishes to {@link #ackInbox} when
 * {@link #publishAck} is set: an inbox the client chose and may listen on).
 *
 * @param subject        the NATS subject recorded with the message (the partition subject)
 * @param ackInbox       the inbox recorded with the message and named in its ack ("" = none)
 * @param publishAck     whether the ack is also published on NATS to {@code ackInbox}
 * @param expectedOffset the offset the message must get (optimistic concurrency), -1 = any
 * @param listener       gets the ack (OK or refused) or a failure; null with AckPolicy NONE
 */
public record LocalPublish(String subject, ByteString key, ByteString value, Map<String, ByteString> headers,
                           String ackInbox, boolean publishAck, String correlationId, int ackPolicy,
                           long expectedOffset, AckListener listener) {

    /** Where the outcome of one {@link LocalPublish} goes. Called on the partition's writer thread. */
    public interface AckListener {
        /** The ack the partition sent for the message: OK (stored) or a refusal (its ackError). */
        void onAck(Api.Ack ack);

        /** The message was not stored and will not be acked (read-only, storage failure, leader gone). */
        void onFailure(Status status);
    }

    /**
     * Size of the envelope this message would be on NATS, within a few bytes: what the
     * {@code clustering.replication.max.bytes} limit is checked against, as for envelopes.
     */
    int envelopeSize() {
        int n = 8 + 16 + key.size() + value.size() + subject.length() + ackInbox.length() + correlationId.length();
        if (headers.isEmpty()) {
            return n; // no iterator: protobuf's unmodifiable map makes one per call
        }
        for (Map.Entry<String, ByteString> h : headers.entrySet()) {
            n += 6 + h.getKey().length() + h.getValue().size();
        }
        return n;
    }
}
