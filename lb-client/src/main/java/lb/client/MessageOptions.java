package lb.client;

import com.google.protobuf.ByteString;
import io.liftbridge.proto.Api;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of one publish: key, headers, partition (or partitioner), ack policy, ack inbox,
 * correlation id, expected offset. Fluent and mutable; not thread-safe.
 */
public final class MessageOptions {

    byte[] key;
    final Map<String, byte[]> headers = new LinkedHashMap<>();
    Integer partition;
    Partitioner partitioner;
    Api.AckPolicy ackPolicy = Api.AckPolicy.LEADER;
    String ackInbox = "";
    String correlationId;
    long expectedOffset = -1;

    public static MessageOptions create() {
        return new MessageOptions();
    }

    public MessageOptions key(byte[] key) {
        this.key = key;
        return this;
    }

    public MessageOptions header(String name, byte[] value) {
        headers.put(name, value);
        return this;
    }

    public MessageOptions headers(Map<String, byte[]> headers) {
        this.headers.putAll(headers);
        return this;
    }

    /** Publishes to this partition (no partitioner). */
    public MessageOptions partition(int partition) {
        this.partition = partition;
        return this;
    }

    /** Chooses the partition with this partitioner (default: partition 0). */
    public MessageOptions partitioner(Partitioner partitioner) {
        this.partitioner = partitioner;
        return this;
    }

    public MessageOptions ackPolicy(Api.AckPolicy policy) {
        this.ackPolicy = policy;
        return this;
    }

    /** NATS subject the broker sends the ack to (the unary publish only). */
    public MessageOptions ackInbox(String inbox) {
        this.ackInbox = inbox;
        return this;
    }

    public MessageOptions correlationId(String id) {
        this.correlationId = id;
        return this;
    }

    /** The offset the message must receive (streams with optimistic concurrency); -1 = none. */
    public MessageOptions expectedOffset(long offset) {
        this.expectedOffset = offset;
        return this;
    }

    Api.PublishRequest.Builder toRequest(String stream, int partition, ByteString value) {
        Api.PublishRequest.Builder r = Api.PublishRequest.newBuilder()
                .setStream(stream)
                .setPartition(partition)
                .setValue(value)
                .setAckPolicy(ackPolicy)
                .setAckInbox(ackInbox)
                .setExpectedOffset(expectedOffset);
        if (key != null) {
            r.setKey(ByteString.copyFrom(key));
        }
        if (!headers.isEmpty()) {
            headers.forEach((k, v) -> r.putHeaders(k, ByteString.copyFrom(v)));
        }
        if (correlationId != null) {
            r.setCorrelationId(correlationId);
        }
        return r;
    }
}
