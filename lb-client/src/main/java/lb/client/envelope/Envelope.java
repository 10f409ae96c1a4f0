package lb.client.envelope;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.liftbridge.proto.Api;
import java.util.zip.CRC32C;

/**
 * Encoder and decoder of Liftbridge's NATS envelope (wire-contract §4). Stateless and
 * thread-safe.
 *
 * <pre>
 * offset size field
 *   0     4   magic      B9 0E 43 B4
 *   4     1   version    0
 *   5     1   headerLen  offset of the payload: 8, or 12 with a CRC
 *   6     1   flags      bit 0 = CRC-32C present; other bits reserved (ignored, as upstream)
 *   7     1   msgType    {@link MessageType}
 *   8     4   crc32c     only with flag bit 0: CRC-32C of the payload, big-endian
 *   headerLen ... payload (a protobuf message; raw bytes for REPLICATION_RESPONSE)
 * </pre>
 *
 * Decoding is stricter than upstream in one way only: a header length below 8 or beyond the
 * buffer is refused instead of crashing the reader.
 */
public final class Envelope {

    /** The four magic bytes that start every envelope. */
    public static final int MAGIC = 0xB90E43B4;
    public static final int VERSION = 0;
    /** Header length without a CRC. */
    public static final int HEADER_LEN = 8;
    /** Header length with a CRC. */
    public static final int HEADER_LEN_CRC = 12;
    public static final int FLAG_CRC = 0x01;

    private Envelope() {
    }

    /** Wraps {@code payload} in an envelope of {@code type}, with a CRC when {@code withCrc}. */
    public static byte[] encode(MessageType type, byte[] payload, boolean withCrc) {
        int headerLen = withCrc ? HEADER_LEN_CRC : HEADER_LEN;
        byte[] out = new byte[headerLen + payload.length];
        writeHeader(out, type, withCrc, payload, 0, payload.length);
        System.arraycopy(payload, 0, out, headerLen, payload.length);
        return out;
    }

    /** Serialises {@code message} straight into an envelope of {@code type}, with one array. */
    public static byte[] encode(MessageType type, MessageLite message, boolean withCrc) {
        int headerLen = withCrc ? HEADER_LEN_CRC : HEADER_LEN;
        int size = message.getSerializedSize();
        byte[] out = new byte[headerLen + size];
        com.google.protobuf.CodedOutputStream cos =
                com.google.protobuf.CodedOutputStream.newInstance(out, headerLen, size);
        try {
            message.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            // Writing into an array of exactly the serialised size cannot fail.
            throw new IllegalStateException("protobuf serialisation into a sized array failed", e);
        }
        writeHeader(out, type, withCrc, out, headerLen, size);
        return out;
    }

    /** A publish envelope (type 0) carrying {@code message}, as upstream writes it (no CRC). */
    public static byte[] encodePublish(Api.Message message) {
        return encode(MessageType.PUBLISH, message, false);
    }

    /** An ack envelope (type 1) carrying {@code ack}, as upstream writes it (no CRC). */
    public static byte[] encodeAck(Api.Ack ack) {
        return encode(MessageType.ACK, ack, false);
    }

    private static void writeHeader(byte[] out, MessageType type, boolean withCrc,
                                    byte[] payload, int off, int len) {
        out[0] = (byte) (MAGIC >>> 24);
        out[1] = (byte) (MAGIC >>> 16);
        out[2] = (byte) (MAGIC >>> 8);
        out[3] = (byte) MAGIC;
        out[4] = VERSION;
        out[5] = (byte) (withCrc ? HEADER_LEN_CRC : HEADER_LEN);
        out[6] = (byte) (withCrc ? FLAG_CRC : 0);
        out[7] = (byte) type.code();
        if (withCrc) {
            putInt(out, 8, crc32c(payload, off, len));
        }
    }

    /** True when {@code data} starts with the envelope magic (a cheap pre-check). */
    public static boolean hasMagic(byte[] data) {
        return data != null && data.length >= 4 && getInt(data, 0) == MAGIC;
    }

    /**
     * Checks the header of {@code data} and returns the offset of its payload.
     *
     * @throws EnvelopeException if the bytes are not a valid envelope of {@code expected}
     */
    public static int payloadOffset(byte[] data, MessageType expected) throws EnvelopeException {
        if (data == null || data.length < HEADER_LEN) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_SHORT,
                    "not an envelope: " + (data == null ? 0 : data.length) + " bytes, at least "
                            + HEADER_LEN + " needed");
        }
        if (getInt(data, 0) != MAGIC) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_MAGIC,
                    "not an envelope: no magic bytes");
        }
        int version = data[4] & 0xFF;
        if (version != VERSION) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_VERSION,
                    "unsupported envelope version " + version + " (only 0 is defined)");
        }
        int typeCode = data[7] & 0xFF;
        if (typeCode != expected.code()) {
            MessageType got = MessageType.fromCode(typeCode);
            throw new EnvelopeException(EnvelopeException.Reason.WRONG_TYPE,
                    "envelope of type " + (got == null ? "unknown(" + typeCode + ")" : got)
                            + ", expected " + expected);
        }
        int headerLen = data[5] & 0xFF;
        boolean crc = (data[6] & FLAG_CRC) != 0;
        if (crc) {
            if (headerLen != HEADER_LEN_CRC || data.length < HEADER_LEN_CRC) {
                throw new EnvelopeException(EnvelopeException.Reason.BAD_HEADER_LENGTH,
                        "envelope with a CRC needs header length 12, got " + headerLen
                                + " in " + data.length + " bytes");
            }
            int want = getInt(data, 8);
            int got = crc32c(data, headerLen, data.length - headerLen);
            if (want != got) {
                throw new EnvelopeException(EnvelopeException.Reason.BAD_CRC, String.format(
                        "envelope CRC-32C mismatch: header %08x, payload %08x", want, got));
            }
        } else if (headerLen < HEADER_LEN || headerLen > data.length) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_HEADER_LENGTH,
                    "envelope header length " + headerLen + " outside 8.." + data.length);
        }
        return headerLen;
    }

    /** Decodes a publish envelope (type 0) into the {@code Message} it carries. */
    public static Api.Message decodePublish(byte[] data) throws EnvelopeException {
        return decode(data, MessageType.PUBLISH, Api.Message.parser());
    }

    /**
     * As {@link #decodePublish}, but the message's bytes fields (key, value, header values) are
     * views of {@code data} instead of copies: for a receiver that copies them once anyway and
     * never modifies {@code data} afterwards.
     */
    public static Api.Message decodePublishAliased(byte[] data) throws EnvelopeException {
        int off = payloadOffset(data, MessageType.PUBLISH);
        try {
            com.google.protobuf.CodedInputStream in =
                    com.google.protobuf.CodedInputStream.newInstance(data, off, data.length - off);
            in.enableAliasing(true);
            Api.Message m = Api.Message.parser().parseFrom(in);
            in.checkLastTagWas(0);
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_PAYLOAD,
                    "envelope payload is not a valid " + MessageType.PUBLISH + " message: " + e.getMessage(), e);
        }
    }

    /** Decodes an ack envelope (type 1) into the {@code Ack} it carries. */
    public static Api.Ack decodeAck(byte[] data) throws EnvelopeException {
        return decode(data, MessageType.ACK, Api.Ack.parser());
    }

    /** Decodes an envelope of {@code type} whose payload is a {@code parser} message. */
    public static <T> T decode(byte[] data, MessageType type, Parser<T> parser)
            throws EnvelopeException {
        int off = payloadOffset(data, type);
        try {
            return parser.parseFrom(data, off, data.length - off);
        } catch (InvalidProtocolBufferException e) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_PAYLOAD,
                    "envelope payload is not a valid " + type + " message: " + e.getMessage(), e);
        }
    }

    /** CRC-32C (Castagnoli) of a byte range, as an int. */
    public static int crc32c(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    private static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8
                | (b[off + 3] & 0xFF);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
