package lb.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.liftbridge.proto.Api;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One PublishAsync response as it came off the wire, read only as far as matching it needs: the
 * ack's offset and correlation id (as a byte range) and any async error. The full
 * {@link Api.Ack}, with its strings, is decoded only if {@link #ack()} is called — most
 * pipelined publishers need no more than the offset, and decoding the ack's five strings was the
 * largest cost of handling a response.
 *
 * <p>Wire format (api.proto): {@code PublishResponse { Ack ack = 1; PublishAsyncError asyncError
 * = 2; string correlationId = 3; }} and {@code Ack { ... int64 offset = 4; ... string
 * correlationId = 6; ... Error ackError = 10; }}; unknown fields are skipped, as protobuf does.
 *
 * <p>Threads: made on the transport thread; immutable apart from the cached ack, which is
 * computed idempotently, so it may be read from any thread.
 */
public final class PublishResult {

    private final byte[] data;
    private final int ackFrom;
    private final int ackLength; // -1: no ack field
    private final long offset;
    private final int ackError;
    private final int idFrom;
    private final int idLength;
    private final Api.PublishAsyncError asyncError; // null when there is none
    private volatile Api.Ack ack;

    private PublishResult(byte[] data, int ackFrom, int ackLength, long offset, int ackError, int idFrom,
                          int idLength, Api.PublishAsyncError asyncError) {
        this.data = data;
        this.ackFrom = ackFrom;
        this.ackLength = ackLength;
        this.offset = offset;
        this.ackError = ackError;
        this.idFrom = idFrom;
        this.idLength = idLength;
        this.asyncError = asyncError;
    }

    /** The offset the message was stored at (the ack's offset). */
    public long offset() {
        return offset;
    }

    /** The ack's error code: {@code OK} unless the broker refused the message in the ack itself. */
    public Api.Ack.Error ackError() {
        Api.Ack.Error e = Api.Ack.Error.forNumber(ackError);
        return e == null ? Api.Ack.Error.UNRECOGNIZED : e;
    }

    /**
     * The whole ack, decoded on first use.
     *
     * @throws LiftbridgeException (INTERNAL) when the ack is malformed
     */
    public Api.Ack ack() {
        Api.Ack a = ack;
        if (a == null) {
            if (ackLength < 0) {
                a = Api.Ack.getDefaultInstance();
            } else {
                try {
                    a = Api.Ack.parseFrom(CodedInputStream.newInstance(data, ackFrom, ackLength));
                } catch (IOException e) {
                    throw new LiftbridgeException(LiftbridgeException.Kind.INTERNAL, null,
                            "malformed ack from the broker: " + e.getMessage(), e);
                }
            }
            ack = a;
        }
        return a;
    }

    /** The async error the broker answered with, or null. */
    Api.PublishAsyncError asyncError() {
        return asyncError;
    }

    /**
     * The bytes holding the correlation id at {@link #idFrom()}: the ack's, or for an async error
     * the response's own (the ack's when that is empty).
     */
    byte[] data() {
        return data;
    }

    int idFrom() {
        return idFrom;
    }

    int idLength() {
        return idLength;
    }

    String correlationId() {
        return new String(data, idFrom, idLength, StandardCharsets.UTF_8);
    }

    /**
     * The response in protobuf's short text form, as the generated message would print (for call
     * tracing); decodes the ack.
     */
    @Override
    public String toString() {
        Api.PublishResponse.Builder r = Api.PublishResponse.newBuilder();
        try {
            if (ackLength >= 0) {
                r.setAck(ack());
            }
        } catch (LiftbridgeException e) {
            return "<" + e.getMessage() + ">";
        }
        if (asyncError != null) {
            r.setAsyncError(asyncError);
            r.setCorrelationId(correlationId());
        }
        return com.google.protobuf.TextFormat.shortDebugString(r);
    }

    /** Reads one response (the bytes are kept: the stream is read to its end). */
    static PublishResult parse(byte[] b) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(b);
        int ackFrom = 0;
        int ackLength = -1;
        long offset = 0;
        int ackError = 0;
        int ackIdFrom = 0;
        int ackIdLength = 0;
        int idFrom = 0;
        int idLength = 0;
        Api.PublishAsyncError asyncError = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (tag) {
                case (1 << 3) | 2 -> { // ack
                    int len = in.readRawVarint32();
                    ackFrom = in.getTotalBytesRead();
                    ackLength = len;
                    int limit = in.pushLimit(len);
                    int t;
                    while ((t = in.readTag()) != 0) {
                        switch (t) {
                            case (4 << 3) -> offset = in.readInt64();
                            case (10 << 3) -> ackError = in.readEnum();
                            case (6 << 3) | 2 -> {
                                ackIdLength = in.readRawVarint32();
                                ackIdFrom = in.getTotalBytesRead();
                                in.skipRawBytes(ackIdLength);
                            }
                            default -> {
                                if (!in.skipField(t)) {
                                    throw new InvalidProtocolBufferException("end-group tag in an ack");
                                }
                            }
                        }
                    }
                    in.popLimit(limit);
                }
                case (2 << 3) | 2 -> asyncError = in.readMessage(Api.PublishAsyncError.parser(),
                        com.google.protobuf.ExtensionRegistryLite.getEmptyRegistry());
                case (3 << 3) | 2 -> {
                    idLength = in.readRawVarint32();
                    idFrom = in.getTotalBytesRead();
                    in.skipRawBytes(idLength);
                }
                default -> {
                    if (!in.skipField(tag)) {
                        throw new InvalidProtocolBufferException("end-group tag in a publish response");
                    }
                }
            }
        }
        if (asyncError == null || idLength == 0) {
            // An ack is matched by the ack's correlation id, an async error by the response's.
            idFrom = ackIdFrom;
            idLength = ackIdLength;
        }
        return new PublishResult(b, ackFrom, ackLength, offset, ackError, idFrom, idLength, asyncError);
    }

    /** The response marshaller of the PublishAsync call: requests as protobuf, responses as results. */
    static final MethodDescriptor.Marshaller<PublishResult> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(PublishResult value) {
            throw new UnsupportedOperationException("the client never sends a publish response");
        }

        @Override
        public PublishResult parse(InputStream stream) {
            try {
                int n = stream instanceof io.grpc.KnownLength ? stream.available() : -1;
                byte[] b;
                if (n >= 0) {
                    b = new byte[n];
                    if (stream.readNBytes(b, 0, n) != n) {
                        throw new IOException("a " + n + "-byte response ended early");
                    }
                } else {
                    b = stream.readAllBytes();
                }
                return PublishResult.parse(b);
            } catch (IOException e) {
                throw io.grpc.Status.INTERNAL.withDescription("malformed publish response: " + e.getMessage())
                        .withCause(e).asRuntimeException();
            }
        }
    };
}
