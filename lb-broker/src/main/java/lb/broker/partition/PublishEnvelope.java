package lb.broker.partition;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;
import lb.client.envelope.MessageType;

/**
 * The fields of a publish envelope (wire-contract §4.3: magic, version, type 0, then an
 * {@code api.Message}) that the ingest path stores, read straight from the NATS payload: key
 * and value copied once into the arrays the record keeps, headers into the record's map (without
 * {@code subject} and {@code reply}, which the broker sets itself), no {@code Message} object,
 * no strings for the fields the broker ignores.
 *
 * <p>Accepts and refuses what the generated {@code Api.Message} parser does, so a message is
 * stored as an envelope or as plain data as before: a field with an unexpected wire type counts
 * as an unknown field (skipped), string fields and header names must be valid UTF-8, the last
 * occurrence of a field wins, a header entry without a name or value has the empty one. What
 * this reader finds malformed goes to the generated parser for the verdict. A test compares both
 * over random and garbled payloads.
 */
final class PublishEnvelope {

    private static final byte[] EMPTY = new byte[0];

    private static final int OFFSET = tag(1, WireFormat.WIRETYPE_VARINT);
    private static final int KEY = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int VALUE = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int STREAM = tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SUBJECT = tag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int REPLY = tag(8, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int HEADER = tag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ACK_INBOX = tag(10, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int CORRELATION_ID = tag(11, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ACK_POLICY = tag(12, WireFormat.WIRETYPE_VARINT);
    private static final int ENTRY_KEY = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ENTRY_VALUE = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    private static InvalidProtocolBufferException strayEndGroup() {
        return new InvalidProtocolBufferException("Protocol message end-group tag did not match "
                + "expected tag.");
    }

    /** The key as published (empty when absent: the record then has no key). */
    byte[] key = EMPTY;
    byte[] value = EMPTY;
    /** Publisher headers, without {@code subject} and {@code reply}. */
    Map<String, byte[]> headers = Map.of();
    String ackInbox = "";
    String correlationId = "";
    int ackPolicy;
    /** The offset the publisher expects (optimistic concurrency); 0 when not set. */
    long expectedOffset;

    private PublishEnvelope() {
    }

    /**
     * Reads a publish envelope.
     *
     * @throws EnvelopeException when {@code data} is not an envelope of type publish, or its
     *     payload is not a valid {@code api.Message} (the caller then stores it as plain data)
     */
    static PublishEnvelope parse(byte[] data) throws EnvelopeException {
        try {
            return parseOwn(data);
        } catch (InvalidProtocolBufferException ex) {
            // Malformed by our reading. The generated parser has its own leniencies (it accepts
            // varints longer than 10 bytes, for one): it decides, so that what is stored as an
            // envelope or as plain data does not depend on which reader ran. Rare: garbage only.
            return of(Envelope.decodePublish(data));
        } catch (IOException ex) {
            // An array-backed CodedInputStream throws nothing else.
            throw new IllegalStateException(ex);
        }
    }

    /** This class's own reading, without the generated parser's verdict on what it refuses. */
    static PublishEnvelope parseOwn(byte[] data) throws EnvelopeException, IOException {
        int off = Envelope.payloadOffset(data, MessageType.PUBLISH);
        PublishEnvelope e = new PublishEnvelope();
        e.read(CodedInputStream.newInstance(data, off, data.length - off));
        return e;
    }

    /** The fields of a message the generated parser read. */
    private static PublishEnvelope of(io.liftbridge.proto.Api.Message m) {
        PublishEnvelope e = new PublishEnvelope();
        e.key = m.getKey().toByteArray();
        e.value = m.getValue().toByteArray();
        e.headers = storedHeaders(m.getHeadersMap());
        e.ackInbox = m.getAckInbox();
        e.correlationId = m.getCorrelationId();
        e.ackPolicy = m.getAckPolicyValue();
        e.expectedOffset = m.getOffset();
        return e;
    }

    private void read(CodedInputStream in) throws IOException {
        Map<String, byte[]> h = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == OFFSET) {
                expectedOffset = in.readInt64();
            } else if (tag == KEY) {
                key = in.readByteArray();
            } else if (tag == VALUE) {
                value = in.readByteArray();
            } else if (tag == ACK_INBOX) {
                ackInbox = in.readStringRequireUtf8();
            } else if (tag == CORRELATION_ID) {
                correlationId = in.readStringRequireUtf8();
            } else if (tag == ACK_POLICY) {
                ackPolicy = in.readEnum();
            } else if (tag == HEADER) {
                if (h == null) {
                    h = new HashMap<>();
                }
                readHeader(in, h);
            } else if (tag == STREAM || tag == SUBJECT || tag == REPLY) {
                in.readStringRequireUtf8(); // not stored, but must be valid like any string field
            } else if (!in.skipField(tag)) {
                // An end-group tag with no group open: the generated parser stops there and the
                // envelope decoder then refuses the payload.
                throw strayEndGroup();
            }
        }
        if (h != null && !h.isEmpty()) {
            headers = h;
        }
    }

    /** One {@code map<string, bytes>} entry: a nested message of name (1) and value (2). */
    private static void readHeader(CodedInputStream in, Map<String, byte[]> h) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        byte[] value = EMPTY;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == ENTRY_KEY) {
                name = in.readStringRequireUtf8();
            } else if (tag == ENTRY_VALUE) {
                value = in.readByteArray();
            } else if (!in.skipField(tag)) {
                throw strayEndGroup();
            }
        }
        in.checkLastTagWas(0);
        in.popLimit(limit);
        if (!setByBroker(name)) {
            h.put(name, value);
        }
    }

    /**
     * Whether the broker sets a header of this name on every message itself ("subject",
     * "reply": the reader adds them from the record's fields, as upstream overwrites them), so
     * that a publisher's header of that name is not stored.
     */
    static boolean setByBroker(String name) {
        return name.equals("subject") || name.equals("reply");
    }

    /** A publisher's headers as a record keeps them: values copied, without {@link #setByBroker} names. */
    static Map<String, byte[]> storedHeaders(Map<String, com.google.protobuf.ByteString> headers) {
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> out = new HashMap<>(headers.size() * 2);
        headers.forEach((k, v) -> {
            if (!setByBroker(k)) {
                out.put(k, v.toByteArray());
            }
        });
        return out.isEmpty() ? Map.of() : out;
    }
}
