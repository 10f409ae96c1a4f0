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
 * One PublishAsync request, serialised straight from the caller's arguments: no
 * {@link Api.PublishRequest} builder, message, header map or protobuf output buffer per publish,
 * no UTF-8 check of the generated correlation id, the stream name encoded once per stream by the
 * caller, and the value never copied before the transport's own buffer: the request is kept as
 * {@link #head} (the key field and the value's tag and length), the value itself, and
 * {@link #tail} (every later field), which gRPC drains into its frame one after the other.
 *
 * <p>Wire format: {@code PublishRequest} of api.proto, fields in number order, fields at their
 * default value left out (as proto3 writers do): {@code bytes key = 1; bytes value = 2; string
 * stream = 3; int32 partition = 4; map<string, bytes> headers = 5 (entries: string key = 1,
 * bytes value = 2); string ackInbox = 6; string correlationId = 7; AckPolicy ackPolicy = 8;
 * int64 expectedOffset = 9}. A string field written from bytes is the same on the wire.
 *
 * <p>Immutable (the value's bytes must not change until the request was sent: see
 * {@link LiftbridgeClient#publishAsync(String, ByteString, MessageOptions, AckHandler)});
 * {@link #toString()} decodes it (for call tracing), so interceptors that print messages print
 * what they printed for the generated request.
 */
final class EncodedPublish {

    private final byte[] head;
    private final ByteString value;
    private final byte[] tail;

    private EncodedPublish(byte[] head, ByteString value, byte[] tail) {
        this.head = head;
        this.value = value;
        this.tail = tail;
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
        boolean hasKey = o.key != null && o.key.length > 0;
        int headSize = 0;
        if (hasKey) {
            headSize += CodedOutputStream.computeByteArraySize(1, o.key);
        }
        if (!value.isEmpty()) {
            headSize += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(value.size());
        }
        int size = 0;
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
        byte[] head = headSize == 0 ? NOTHING : new byte[headSize];
        byte[] tail = new byte[size];
        try {
            if (headSize > 0) {
                CodedOutputStream out = CodedOutputStream.newInstance(head);
                if (hasKey) {
                    out.writeByteArray(1, o.key);
                }
                if (!value.isEmpty()) {
                    out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(value.size());
                }
                out.checkNoSpaceLeft();
            }
            CodedOutputStream out = CodedOutputStream.newInstance(tail);
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
        return new EncodedPublish(head, value, tail);
    }

    private static final byte[] NOTHING = new byte[0];

    private static int headerEntrySize(Map.Entry<String, byte[]> h) {
        return CodedOutputStream.computeStringSize(1, h.getKey())
                + CodedOutputStream.computeByteArraySize(2, h.getValue());
    }

    /** Bytes of the serialised request. */
    int size() {
        return head.length + value.size() + tail.length;
    }

    /** The serialised request in one array (a copy: for tests and tracing). */
    byte[] bytes() {
        byte[] b = new byte[size()];
        System.arraycopy(head, 0, b, 0, head.length);
        value.copyTo(b, head.length);
        System.arraycopy(tail, 0, b, head.length + value.size(), tail.length);
        return b;
    }

    /** The request in protobuf's short text form. */
    @Override
    public String toString() {
        try {
            return TextFormat.shortDebugString(Api.PublishRequest.parseFrom(bytes()));
        } catch (InvalidProtocolBufferException e) {
            return "<malformed " + size() + "-byte publish request: " + e.getMessage() + ">";
        }
    }

    /** The request marshaller of the PublishAsync call: hands the bytes to the transport as they are. */
    static final MethodDescriptor.Marshaller<EncodedPublish> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(EncodedPublish value) {
            return new Stream(value);
        }

        @Override
        public EncodedPublish parse(InputStream stream) {
            try {
                return new EncodedPublish(NOTHING, ByteString.EMPTY, stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * The request as a stream gRPC drains in three writes (the value straight from the caller's
     * array); read byte-wise, it reads a copy. One thread at a time (gRPC's framer).
     */
    private static final class Stream extends InputStream implements KnownLength, Drainable {
        private final EncodedPublish request;
        private InputStream copy; // once read byte-wise
        private boolean drained;

        Stream(EncodedPublish request) {
            this.request = request;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            if (copy != null) {
                return (int) copy.transferTo(target);
            }
            if (drained) {
                return 0;
            }
            drained = true;
            target.write(request.head);
            request.value.writeTo(target);
            target.write(request.tail);
            return request.size();
        }

        private InputStream copy() {
            if (copy == null) {
                copy = new ByteArrayInputStream(drained ? NOTHING : request.bytes());
                drained = true;
            }
            return copy;
        }

        @Override
        public int available() throws IOException {
            return copy != null ? copy.available() : drained ? 0 : request.size();
        }

        @Override
        public int read() throws IOException {
            return copy().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return copy().read(b, off, len);
        }
    }
}
