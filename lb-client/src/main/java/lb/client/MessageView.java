package lb.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.liftbridge.proto.Api;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message received by a {@link Subscription}, kept as the protobuf bytes of its
 * {@code Api.Message} (wire-contract: offset=1, key=2, value=3, timestamp=4, stream=5,
 * partition=6, subject=7, replySubject=8, headers=9 map&lt;string, bytes&gt;, ackInbox=10,
 * correlationId=11, ackPolicy=12) and decoded on use: the cheap way to read fast
 * ({@link Subscription#pollViews}), since a reader that needs only offsets and values never pays
 * for the strings and the headers map that a generated {@code Api.Message} decodes for every
 * message.
 *
 * <p>On arrival (on the transport thread) the bytes are checked once, in one pass that allocates
 * nothing but its cursor: every field is well-formed, every string (fields 5, 7, 8, 10, 11 and
 * header names) is UTF-8, every header entry is well-formed; the numbers (offset, timestamp,
 * partition, ack policy) and the positions of the other fields are kept. A message that fails
 * the check fails the subscription as the generated parser's failure did (the call is cancelled
 * and the next poll throws). The view accepts exactly what the generated parser accepts, except
 * groups (a deprecated wire type Liftbridge never sends), which it refuses; so the accessors
 * never fail and {@link #toMessage()} equals what the generated parser returns for the same
 * bytes. As in protobuf, a field that occurs twice takes its last value, a header name that
 * occurs twice keeps its first place and takes its last value, and unknown fields (numbers above
 * 12, or a known number with another wire type) are skipped by the accessors and kept by
 * {@link #toMessage()}.
 *
 * <p>{@link #key()} and {@link #value()} alias the received bytes (no copy); they are immutable
 * like every ByteString. Strings and headers are decoded on each call, except {@link #headers()}
 * and {@link #toMessage()}, which are decoded once and kept.
 *
 * <p>Threads: immutable once received; safe to hand to and read from any thread (the lazily kept
 * values are immutable and published through volatile fields, so a race only decodes twice).
 */
public final class MessageView {

    /** Reads Subscribe responses as views (gRPC hands the parser each message's exact bytes). */
    static final MethodDescriptor.Marshaller<MessageView> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(MessageView value) {
            return new ByteArrayInputStream(value.bytes);
        }

        @Override
        public MessageView parse(InputStream in) {
            try {
                byte[] b;
                if (in instanceof KnownLength) {
                    int n = in.available();
                    b = n == 0 ? EMPTY : new byte[n];
                    if (in.readNBytes(b, 0, n) != n || in.read() != -1) {
                        throw new IOException("message length differs from the announced " + n + " bytes");
                    }
                } else {
                    b = in.readAllBytes();
                }
                return of(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final byte[] EMPTY = new byte[0];

    private final byte[] bytes;
    private final long offset;
    private final long timestamp;
    private final int partition;
    private final int ackPolicy;
    // Position and length of each length-delimited field's last occurrence; -1 when absent.
    private final int keyPos;
    private final int keyLen;
    private final int valuePos;
    private final int valueLen;
    private final int streamPos;
    private final int streamLen;
    private final int subjectPos;
    private final int subjectLen;
    private final int replyPos;
    private final int replyLen;
    private final int ackInboxPos;
    private final int ackInboxLen;
    private final int correlationPos;
    private final int correlationLen;
    private final boolean hasHeaders;
    private volatile Map<String, ByteString> headers; // decoded on first use
    private volatile Api.Message message; // decoded on first use

    /**
     * Checks {@code bytes} as an encoded {@code Api.Message} and wraps it without copying: the
     * caller must not change the array afterwards.
     *
     * @throws InvalidProtocolBufferException when the bytes are not a well-formed message
     */
    public static MessageView parse(byte[] bytes) throws InvalidProtocolBufferException {
        try {
            return of(bytes);
        } catch (IllegalArgumentException e) {
            throw new InvalidProtocolBufferException(e.getMessage());
        }
    }

    /** A view of {@code m}'s encoding (for tests and adapters). */
    public static MessageView of(Api.Message m) {
        return of(m.toByteArray());
    }

    /** @throws IllegalArgumentException when the bytes are malformed (gRPC then fails the call) */
    private static MessageView of(byte[] b) {
        return new MessageView(b);
    }

    private MessageView(byte[] b) {
        this.bytes = b;
        long off = 0;
        long ts = 0;
        int part = 0;
        int ack = 0;
        int kP = -1, kL = 0, vP = -1, vL = 0, sP = -1, sL = 0, subP = -1, subL = 0, rP = -1, rL = 0;
        int aP = -1, aL = 0, cP = -1, cL = 0;
        boolean hdr = false;
        Scan in = new Scan(b, 0, b.length);
        while (in.more()) {
            int tag = in.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (wire == 0) {
                long v = in.varint();
                switch (field) {
                    case 1 -> off = v;
                    case 4 -> ts = v;
                    case 6 -> part = (int) v;
                    case 12 -> ack = (int) v;
                    default -> { } // unknown: skipped, as the generated parser keeps it aside
                }
            } else if (wire == 2) {
                int len = in.length();
                int p = in.pos;
                switch (field) {
                    case 2 -> { kP = p; kL = len; }
                    case 3 -> { vP = p; vL = len; }
                    case 5 -> { checkUtf8(b, p, len); sP = p; sL = len; }
                    case 7 -> { checkUtf8(b, p, len); subP = p; subL = len; }
                    case 8 -> { checkUtf8(b, p, len); rP = p; rL = len; }
                    case 9 -> { checkEntry(b, p, len); hdr = true; }
                    case 10 -> { checkUtf8(b, p, len); aP = p; aL = len; }
                    case 11 -> { checkUtf8(b, p, len); cP = p; cL = len; }
                    default -> { }
                }
                in.pos = p + len;
            } else {
                in.skipFixed(wire, field);
            }
        }
        offset = off;
        timestamp = ts;
        partition = part;
        ackPolicy = ack;
        keyPos = kP;
        keyLen = kL;
        valuePos = vP;
        valueLen = vL;
        streamPos = sP;
        streamLen = sL;
        subjectPos = subP;
        subjectLen = subL;
        replyPos = rP;
        replyLen = rL;
        ackInboxPos = aP;
        ackInboxLen = aL;
        correlationPos = cP;
        correlationLen = cL;
        hasHeaders = hdr;
    }

    /** One headers map entry: key=1 string, value=2 bytes (either may be absent). */
    private static void checkEntry(byte[] b, int p, int len) {
        Scan in = new Scan(b, p, p + len);
        while (in.more()) {
            int tag = in.tag();
            if ((tag & 7) == 0) {
                in.varint();
            } else if ((tag & 7) == 2) {
                int n = in.length();
                if (tag == (1 << 3 | 2)) {
                    checkUtf8(b, in.pos, n);
                }
                in.pos += n;
            } else {
                in.skipFixed(tag & 7, tag >>> 3);
            }
        }
    }

    private static void checkUtf8(byte[] b, int p, int len) {
        for (int i = p, e = p + len; i < e; i++) {
            if (b[i] < 0) { // not ASCII: the full check
                if (!UnsafeByteOperations.unsafeWrap(b, p, len).isValidUtf8()) {
                    throw new IllegalArgumentException("a string field is not valid UTF-8");
                }
                return;
            }
        }
    }

    /** A cursor over part of an encoded message; every read is bounds-checked. */
    private static final class Scan {
        final byte[] b;
        final int end;
        int pos;

        Scan(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        /** A field tag: a varint below 2^32 whose field number is not 0. */
        int tag() {
            long t = varint();
            if ((t >>> 3) == 0 || (t >>> 32) != 0) {
                throw new IllegalArgumentException("invalid field tag " + t);
            }
            return (int) t;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        /** The length of a length-delimited field, which must fit in what is left. */
        int length() {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new IllegalArgumentException("truncated length-delimited field (" + n + " bytes)");
            }
            return (int) n;
        }

        /** Skips a fixed-width field; groups (deprecated, never sent) and wire types 6, 7 are refused. */
        void skipFixed(int wire, int field) {
            int n = wire == 1 ? 8 : wire == 5 ? 4 : -1;
            if (n < 0) {
                throw new IllegalArgumentException("unsupported wire type " + wire + " of field " + field);
            }
            if (n > end - pos) {
                throw new IllegalArgumentException("truncated fixed-width field " + field);
            }
            pos += n;
        }
    }

    // ------------------------------------------------------------------ accessors

    /** The message's offset in its partition. */
    public long offset() {
        return offset;
    }

    /** When the broker stored it, in Unix nanoseconds. */
    public long timestamp() {
        return timestamp;
    }

    public int partition() {
        return partition;
    }

    /** The value, aliasing the received bytes (empty when absent). */
    public ByteString value() {
        return slice(valuePos, valueLen);
    }

    /** The value's size in bytes, without making a ByteString. */
    public int valueSize() {
        return valueLen;
    }

    /**
     * A read-only ByteBuffer whose remaining bytes are the value (a view, not a copy; its
     * position need not be 0).
     */
    public ByteBuffer valueBuffer() {
        return valuePos < 0 ? ByteBuffer.allocate(0).asReadOnlyBuffer()
                : ByteBuffer.wrap(bytes, valuePos, valueLen).asReadOnlyBuffer();
    }

    /** The key, aliasing the received bytes (empty when absent). */
    public ByteString key() {
        return slice(keyPos, keyLen);
    }

    public String stream() {
        return string(streamPos, streamLen);
    }

    public String subject() {
        return string(subjectPos, subjectLen);
    }

    public String replySubject() {
        return string(replyPos, replyLen);
    }

    public String ackInbox() {
        return string(ackInboxPos, ackInboxLen);
    }

    public String correlationId() {
        return string(correlationPos, correlationLen);
    }

    /** The ack policy number (Api.AckPolicy's), kept as sent even when this client does not know it. */
    public int ackPolicyValue() {
        return ackPolicy;
    }

    /**
     * The headers, decoded on first use: an unmodifiable map in wire order whose values alias
     * the received bytes.
     */
    public Map<String, ByteString> headers() {
        Map<String, ByteString> h = headers;
        if (h == null) {
            h = hasHeaders ? decodeHeaders() : Map.of();
            headers = h;
        }
        return h;
    }

    private Map<String, ByteString> decodeHeaders() {
        LinkedHashMap<String, ByteString> m = new LinkedHashMap<>();
        Scan in = new Scan(bytes, 0, bytes.length);
        while (in.more()) {
            int tag = in.tag();
            int wire = tag & 7;
            if (wire == 0) {
                in.varint();
            } else if (wire == 2) {
                int len = in.length();
                if (tag == (9 << 3 | 2)) {
                    entry(in.pos, len, m);
                }
                in.pos += len;
            } else {
                in.skipFixed(wire, tag >>> 3);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private void entry(int p, int len, Map<String, ByteString> out) {
        String k = "";
        ByteString v = ByteString.EMPTY;
        Scan in = new Scan(bytes, p, p + len);
        while (in.more()) {
            int tag = in.tag();
            int wire = tag & 7;
            if (wire == 0) {
                in.varint();
            } else if (wire == 2) {
                int n = in.length();
                if (tag == (1 << 3 | 2)) {
                    k = string(in.pos, n);
                } else if (tag == (2 << 3 | 2)) {
                    v = slice(in.pos, n);
                }
                in.pos += n;
            } else {
                in.skipFixed(wire, tag >>> 3);
            }
        }
        out.put(k, v); // a repeated name keeps its first place and takes the last value, as in the generated map
    }

    /** One header's value, or null when absent. */
    public ByteString header(String name) {
        return headers().get(name);
    }

    /** The whole message as the generated type, decoded on first use. */
    public Api.Message toMessage() {
        Api.Message m = message;
        if (m == null) {
            try {
                // Aliasing: the value and key share the received bytes, which nothing changes.
                com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(bytes);
                in.enableAliasing(true);
                m = Api.Message.parseFrom(in);
            } catch (IOException e) {
                // The bytes were checked on arrival, so this is a bug in that check.
                throw new IllegalStateException("a checked message failed to decode", e);
            }
            message = m;
        }
        return m;
    }

    /** The encoded message as received (aliasing it). */
    public ByteString encoded() {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private ByteString slice(int pos, int len) {
        return pos < 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes, pos, len);
    }

    private String string(int pos, int len) {
        return pos < 0 ? "" : new String(bytes, pos, len, StandardCharsets.UTF_8);
    }

    /** The message in protobuf's short text form (what -vv call tracing prints). */
    @Override
    public String toString() {
        return TextFormat.shortDebugString(toMessage());
    }
}
