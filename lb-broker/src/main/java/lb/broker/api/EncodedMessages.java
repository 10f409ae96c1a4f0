package lb.broker.api;

import com.google.protobuf.MessageLite;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The response marshaller of the broker's Subscribe: a message is either already encoded (a
 * {@code byte[]} holding exactly an {@code Api.Message}'s protobuf encoding, written by
 * {@link lb.broker.partition.PartitionReader#nextEncoded}) or a protobuf message (the handshake).
 * The bytes on the wire are the same as with the generated marshaller; only the per-message
 * message object and its serialisation are saved. Server side only: responses are never parsed.
 */
final class EncodedMessages implements MethodDescriptor.Marshaller<Object> {

    static final EncodedMessages MARSHALLER = new EncodedMessages();

    private EncodedMessages() {
    }

    @Override
    public InputStream stream(Object value) {
        byte[] b = value instanceof byte[] bytes ? bytes : ((MessageLite) value).toByteArray();
        return new Encoded(b);
    }

    @Override
    public Object parse(InputStream stream) {
        throw new UnsupportedOperationException("the broker never parses Subscribe responses");
    }

    /** Lets gRPC size the frame and copy the bytes once. */
    private static final class Encoded extends ByteArrayInputStream implements KnownLength, Drainable {
        Encoded(byte[] b) {
            super(b);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
