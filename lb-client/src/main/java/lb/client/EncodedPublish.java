package lb.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.WireFormat;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.liftbridge.proto.Api;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One PublishAsync request, serialised straight from the caller's arguments into a byte array
 * of its exact size: no {@link Api.PublishRequest} builder, message, header map or protobuf
 * output buffer per publish, no UTF-8 check of the generated correlation id, and the stream name
 * encoded once per stream by the caller.
 *
 * <p>Wire format: {@code PublishRequest} of api.proto, fields in number order, fields at their
 * default value left out (as proto3 writers do): {@code bytes key = 1; bytes value = 2; string
 * stream = 3; int32 partition = 4; map<string, bytes> headers = 5 (entries: string key = 1,
 * bytes value = 2); string ackInbox = 6; string correlationId = 7; AckPolicy ackPolicy = 8;
 * int64 expectedOffset = 9}. A string field written from bytes is the same on the wire.
 *
 * <p>Immutable; {@link #toString()} decodes it (for call tracing), so interceptors that print
 * messages print what they printed for the generated request.
 */
final class EncodedPublish {

    private final byte[] bytes;

    private EncodedPublish(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The request for {@code value} on {@code stream} (its UTF-8 bytes) and {@code partition},
     * with the options' key, headers, ack inbox, ack policy and expected offset, and the
     * correlation id {@code generatedId} (ASCII bytes) or else the options' own (or none).
     */
    static EncodedPublish encode(ByteString stream, int partition, ByteString value, MessageOptions o,
                                 ByteString generatedId) {
        String givenId = generatedId == null && o.correlationId != null && !o.correlationId.isEmpty()
                ? o.correlationId : null;
        int size = 0;
        if (o.key != null && o.key.length > 0) {
            size += CodedOutputStream.computeByteArraySize(1, o.key);
        }
        if (!value.isEmpty()) {
            size += CodedOutputStream.computeBytesSize(2, value);
        }
        if (!stream.isEmpty()) {
            size += CodedOutputStream.computeBytesSize(3, stream);
        }
        if (partition != 0) {
            size += CodedOutputStream.computeInt32Size(4, partition);
        }
        for (Map.Entry<String, byte[]> h : o.headers.entrySet()) {
            int entry = headerEntrySize(h);
            size += CodedOutputStream.computeTagSize(5) + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
        }
        if (!o.ackInbox.isEmpty()) {
            size += CodedOutputStream.computeStringSize(6, o.ackInbox);
        }
        if (generatedId != null) {
            size += CodedOutputStream.computeBytesSize(7, generatedId);
        } else if (givenId != null) {
            size += CodedOutputStream.computeStringSize(7, givenId);
        }
        if (o.ackPolicy.getNumber() != 0) {
            size += CodedOutputStream.computeEnumSize(8, o.ackPolicy.getNumber());
        }
        if (o.expectedOffset != 0) {
            size += CodedOutputStream.computeInt64Size(9, o.expectedOffset);
        }
        byte[] b = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        try {
            if (o.key != null && o.key.length > 0) {
                out.writeByteArray(1, o.key);
            }
            if (!value.isEmpty()) {
                out.writeBytes(2, value);
            }
            if (!stream.isEmpty()) {
                out.writeBytes(3, stream);
            }
            if (partition != 0) {
                out.writeInt32(4, partition);
            }
            for (Map.Entry<String, byte[]> h : o.headers.entrySet()) {
                out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(headerEntrySize(h));
                out.writeString(1, h.getKey());
                out.writeByteArray(2, h.getValue());
            }
            if (!o.ackInbox.isEmpty()) {
                out.writeString(6, o.ackInbox);
            }
            if (generatedId != null) {
                out.writeBytes(7, generatedId);
            } else if (givenId != null) {
                out.writeString(7, givenId);
            }
            if (o.ackPolicy.getNumber() != 0) {
                out.writeEnum(8, o.ackPolicy.getNumber());
            }
            if (o.expectedOffset != 0) {
                out.writeInt64(9, o.expectedOffset);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("a publish request did not fit its computed size", e);
        }
        return new EncodedPublish(b);
    }

    private static int headerEntrySize(Map.Entry<String, byte[]> h) {
        return CodedOutputStream.computeStringSize(1, h.getKey())
                + CodedOutputStream.computeByteArraySize(2, h.getValue());
    }

    /** The serialised request. */
    byte[] bytes() {
        return bytes;
    }

    /** The request in protobuf's short text form. */
    @Override
    public String toString() {
        try {
            return TextFormat.shortDebugString(Api.PublishRequest.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            return "<malformed " + bytes.length + "-byte publish request: " + e.getMessage() + ">";
        }
    }

    /** The request marshaller of the PublishAsync call: hands the bytes to the transport as they are. */
    static final MethodDescriptor.Marshaller<EncodedPublish> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedPublish value) {
            return new Stream(value.bytes);
        }

        @Override
        public EncodedPublish parse(InputStream stream) {
            try {
                return new EncodedPublish(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** The bytes as a stream gRPC drains in one write. */
    private static final class Stream extends ByteArrayInputStream implements KnownLength, Drainable {
        Stream(byte[] b) {
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
