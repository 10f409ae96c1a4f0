package lb.broker.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.liftbridge.proto.Api;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;
import lb.client.envelope.MessageType;
import org.junit.jupiter.api.Test;

/**
 * The ingest path's own reader of publish envelopes against the generated {@code Api.Message}
 * parser: the same payloads accepted and refused, the same fields stored.
 */
class PublishEnvelopeTest {

    private static final long SEED = 0x5eed_2026L;
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void readsWhatTheGeneratedParserReadsFromRandomMessages() throws Exception {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 5_000; i++) {
            byte[] env = Envelope.encode(MessageType.PUBLISH, payload(rnd), rnd.nextInt(4) == 0);
            assertSame(env, "random message " + i);
            // Read by this reader itself, not by the generated parser it defers to on refusals.
            assertEquals(Envelope.decodePublish(env).getValue().size(), PublishEnvelope.parseOwn(env).value.length);
        }
    }

    @Test
    void acceptsAndRefusesTheSameGarbledPayloads() throws Exception {
        Random rnd = new Random(SEED + 1);
        int refused = 0;
        int ownRefusals = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] env = Envelope.encode(MessageType.PUBLISH, payload(rnd), false);
            byte[] b = Arrays.copyOf(env, Envelope.HEADER_LEN + rnd.nextInt(env.length - Envelope.HEADER_LEN + 1));
            for (int k = rnd.nextInt(4); k > 0 && b.length > Envelope.HEADER_LEN; k--) {
                int at = Envelope.HEADER_LEN + rnd.nextInt(b.length - Envelope.HEADER_LEN);
                b[at] = (byte) (rnd.nextInt(3) == 0 ? 0x80 | rnd.nextInt(8) << 3 | rnd.nextInt(8) : rnd.nextInt(256));
            }
            if (!assertSame(b, "garbled input " + i)) {
                refused++;
            }
            try {
                PublishEnvelope.parseOwn(b);
            } catch (java.io.IOException | EnvelopeException e) {
                ownRefusals++;
            }
        }
        assertTrue(refused > 1_000 && refused < 49_000, "both kinds were compared: " + refused + " refused");
        // What this reader refuses on its own beyond the generated parser (then asked) is rare.
        assertTrue(ownRefusals - refused < 500, ownRefusals + " own refusals, " + refused + " refused");
    }

    @Test
    void invalidUtf8InAnyStringFieldOrHeaderNameRefusesThePayload() throws Exception {
        byte[] bad = {(byte) 0xc3, 0x28};
        for (int field : new int[] {5, 7, 8, 10, 11}) {
            assertSame(Envelope.encode(MessageType.PUBLISH, withField(field, bad), false), "field " + field);
        }
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeByteArray(1, bad);
        e.writeByteArray(2, new byte[] {1});
        e.flush();
        assertSame(Envelope.encode(MessageType.PUBLISH, withField(9, entry.toByteArray()), false), "header name");
    }

    @Test
    void headersNamedSubjectOrReplyAreLeftToTheBroker() throws Exception {
        Api.Message m = Api.Message.newBuilder().setValue(ByteString.copyFromUtf8("v"))
                .putHeaders("subject", ByteString.copyFromUtf8("spoofed"))
                .putHeaders("reply", ByteString.copyFromUtf8("spoofed"))
                .putHeaders("h", ByteString.copyFromUtf8("kept")).build();
        PublishEnvelope p = PublishEnvelope.parse(Envelope.encodePublish(m));
        assertEquals(1, p.headers.size());
        assertArrayEquals("kept".getBytes(), p.headers.get("h"));
    }

    /** Compares both readers on {@code b}; true when they accepted it. */
    private static boolean assertSame(byte[] b, String what) {
        Api.Message m = null;
        EnvelopeException generatedRefusal = null;
        try {
            m = Envelope.decodePublish(b);
        } catch (EnvelopeException e) {
            generatedRefusal = e;
        }
        PublishEnvelope p;
        try {
            p = PublishEnvelope.parse(b);
        } catch (EnvelopeException e) {
            if (m != null) {
                fail(what + " (" + HEX.formatHex(b) + ") refused only by ours: " + e.getMessage());
            }
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " (" + HEX.formatHex(b) + ") threw " + e, e);
        }
        if (m == null) {
            fail(what + " (" + HEX.formatHex(b) + ") accepted only by ours; generated: "
                    + generatedRefusal.getMessage());
        }
        assertArrayEquals(m.getKey().toByteArray(), p.key, what + ": key");
        assertArrayEquals(m.getValue().toByteArray(), p.value, what + ": value");
        assertEquals(m.getAckInbox(), p.ackInbox, what + ": ack inbox");
        assertEquals(m.getCorrelationId(), p.correlationId, what + ": correlation id");
        assertEquals(m.getAckPolicyValue(), p.ackPolicy, what + ": ack policy");
        assertEquals(m.getOffset(), p.expectedOffset, what + ": offset");
        Map<String, String> want = new HashMap<>();
        m.getHeadersMap().forEach((k, v) -> {
            if (!k.equals("subject") && !k.equals("reply")) {
                want.put(k, HEX.formatHex(v.toByteArray()));
            }
        });
        Map<String, String> got = new HashMap<>();
        p.headers.forEach((k, v) -> got.put(k, HEX.formatHex(v)));
        assertEquals(want, got, what + ": headers");
        return true;
    }

    /** A random api.Message encoding, sometimes with unknown fields and repeated fields. */
    private static byte[] payload(Random rnd) throws Exception {
        Api.Message.Builder b = Api.Message.newBuilder();
        if (rnd.nextBoolean()) {
            b.setOffset(rnd.nextInt(3) == 0 ? -1 : rnd.nextLong());
        }
        if (rnd.nextBoolean()) {
            b.setKey(bytes(rnd, 20));
        }
        b.setValue(bytes(rnd, 300));
        if (rnd.nextInt(4) == 0) {
            b.setTimestamp(rnd.nextLong()).setStream("s" + rnd.nextInt(9)).setPartition(rnd.nextInt(5))
                    .setSubject("subj.é").setReplySubject("r");
        }
        for (int k = rnd.nextInt(4); k > 0; k--) {
            String[] names = {"subject", "reply", "h", "ü", ""};
            b.putHeaders(names[rnd.nextInt(names.length)], bytes(rnd, 10));
        }
        if (rnd.nextBoolean()) {
            b.setAckInbox("_INBOX." + rnd.nextInt(1000)).setCorrelationId("c-" + rnd.nextInt());
        }
        b.setAckPolicyValue(rnd.nextInt(5));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        b.build().writeTo(out);
        CodedOutputStream extra = CodedOutputStream.newInstance(out);
        if (rnd.nextInt(3) == 0) { // unknown fields of every wire type
            extra.writeUInt64(20 + rnd.nextInt(50), rnd.nextLong());
            extra.writeByteArray(30, new byte[] {1, 2});
            extra.writeFixed32(41, 7);
            extra.writeFixed64(42, 8);
        }
        if (rnd.nextInt(4) == 0) { // a known field again (last wins) or with another wire type
            extra.writeByteArray(3, new byte[] {9, 9});
            extra.writeUInt64(10, 5); // ackInbox as a varint: an unknown field
            extra.writeByteArray(12, new byte[] {1}); // ackPolicy length-delimited: unknown
        }
        extra.flush();
        return out.toByteArray();
    }

    private static byte[] withField(int field, byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeByteArray(3, new byte[] {1});
        c.writeByteArray(field, raw);
        c.flush();
        return out.toByteArray();
    }

    private static ByteString bytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max)];
        rnd.nextBytes(b);
        return ByteString.copyFrom(b);
    }
}
