package lb.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.KnownLength;
import io.liftbridge.proto.Api;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageView} against the generated parser as the model: for random messages, merged
 * encodings (repeated fields), unknown fields, truncations and corruptions, the view accepts
 * exactly what the generated parser accepts (or, for random corruption, never more) and every
 * accessor says what the generated message says.
 */
class MessageViewTest {

    private static final String[] WORDS = {"", "a", "subject", "reply", "héllo", "日本", "x.y.z", "\u0000", "😀"};

    private static String word(Random r) {
        return WORDS[r.nextInt(WORDS.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(1000)));
    }

    private static ByteString bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return ByteString.copyFrom(b);
    }

    private static Api.Message randomMessage(Random r) {
        Api.Message.Builder b = Api.Message.newBuilder();
        if (r.nextBoolean()) {
            b.setOffset(r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1_000_000));
        }
        if (r.nextBoolean()) {
            b.setKey(bytes(r, 20));
        }
        if (r.nextInt(5) > 0) {
            b.setValue(bytes(r, r.nextInt(10) == 0 ? 20_000 : 300));
        }
        if (r.nextBoolean()) {
            b.setTimestamp(r.nextLong());
        }
        if (r.nextBoolean()) {
            b.setStream(word(r));
        }
        if (r.nextBoolean()) {
            b.setPartition(r.nextInt(5) == 0 ? -r.nextInt(10) : r.nextInt(100));
        }
        if (r.nextBoolean()) {
            b.setSubject(word(r));
        }
        if (r.nextBoolean()) {
            b.setReplySubject(word(r));
        }
        for (int i = r.nextInt(4); i > 0; i--) {
            b.putHeaders(word(r), bytes(r, 10));
        }
        if (r.nextInt(4) == 0) {
            b.setAckInbox(word(r));
        }
        if (r.nextInt(4) == 0) {
            b.setCorrelationId(word(r));
        }
        if (r.nextInt(4) == 0) {
            b.setAckPolicyValue(r.nextInt(4));
        }
        return b.build();
    }

    /** Unknown fields of every wire type a Liftbridge peer might add (numbers 13 and up). */
    private static byte[] unknownFields(Random r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        for (int i = r.nextInt(3); i > 0; i--) {
            int field = 13 + r.nextInt(100);
            switch (r.nextInt(4)) {
                case 0 -> c.writeInt64(field, r.nextLong());
                case 1 -> c.writeFixed64(field, r.nextLong());
                case 2 -> c.writeFixed32(field, r.nextInt());
                default -> c.writeBytes(field, bytes(r, 12));
            }
        }
        // A known field number with another wire type is an unknown field too.
        if (r.nextInt(4) == 0) {
            c.writeFixed32(1 + r.nextInt(12), r.nextInt());
        }
        c.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void assertSame(Api.Message want, MessageView v) {
        assertEquals(want.getOffset(), v.offset());
        assertEquals(want.getTimestamp(), v.timestamp());
        assertEquals(want.getPartition(), v.partition());
        assertEquals(want.getKey(), v.key());
        assertEquals(want.getValue(), v.value());
        assertEquals(want.getValue().size(), v.valueSize());
        ByteBuffer vb = v.valueBuffer();
        assertTrue(vb.isReadOnly());
        byte[] copy = new byte[vb.remaining()];
        vb.get(copy);
        assertArrayEquals(want.getValue().toByteArray(), copy);
        assertEquals(want.getStream(), v.stream());
        assertEquals(want.getSubject(), v.subject());
        assertEquals(want.getReplySubject(), v.replySubject());
        assertEquals(want.getAckInbox(), v.ackInbox());
        assertEquals(want.getCorrelationId(), v.correlationId());
        assertEquals(want.getAckPolicyValue(), v.ackPolicyValue());
        assertEquals(want.getHeadersMap(), v.headers());
        assertEquals(new ArrayList<>(want.getHeadersMap().keySet()), new ArrayList<>(v.headers().keySet()),
                "headers in the generated map's order");
        for (String k : want.getHeadersMap().keySet()) {
            assertEquals(want.getHeadersMap().get(k), v.header(k));
        }
        assertEquals(want, v.toMessage());
        assertEquals(want.toString().isEmpty(), v.toMessage().toString().isEmpty());
    }

    @Test
    void randomMessagesMergedEncodingsAndUnknownFieldsReadAsTheGeneratedParserReadsThem() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 3_000; i++) {
            List<byte[]> parts = new ArrayList<>();
            for (int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0); n > 0; n--) {
                parts.add(randomMessage(r).toByteArray()); // concatenation = merge: last value wins
                parts.add(unknownFields(r));
            }
            byte[] wire = concat(parts.toArray(new byte[0][]));
            Api.Message want = Api.Message.parseFrom(wire);
            assertSame(want, MessageView.parse(wire.clone()));
            assertSame(want, MessageView.MARSHALLER.parse(new KnownLengthStream(wire)));
            assertSame(want, MessageView.MARSHALLER.parse(new ByteArrayInputStream(wire)));
        }
    }

    @Test
    void theEmptyHandshakeAndAbsentFieldsReadAsDefaults() throws Exception {
        MessageView v = MessageView.parse(new byte[0]);
        assertSame(Api.Message.getDefaultInstance(), v);
        assertEquals(0, v.valueBuffer().remaining());
        assertSame(Api.Message.getDefaultInstance(),
                MessageView.MARSHALLER.parse(new KnownLengthStream(new byte[0])));
    }

    @Test
    void everyTruncationIsRefusedExactlyWhenTheGeneratedParserRefusesIt() throws Exception {
        Random r = new Random(7);
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            byte[] wire = concat(randomMessage(r).toByteArray(), unknownFields(r));
            for (int len = 0; len < wire.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(wire, len);
                Api.Message want;
                try {
                    want = Api.Message.parseFrom(cut);
                } catch (InvalidProtocolBufferException e) {
                    assertThrows(InvalidProtocolBufferException.class, () -> MessageView.parse(cut),
                            "accepted what the generated parser refuses: " + e.getMessage());
                    assertThrows(RuntimeException.class, () -> MessageView.MARSHALLER.parse(new KnownLengthStream(cut)));
                    refused++;
                    continue;
                }
                assertSame(want, MessageView.parse(cut)); // cut at a field boundary: a shorter message
            }
        }
        assertTrue(refused > 1_000, "the truncations exercised refusal: " + refused);
    }

    @Test
    void corruptedBytesAreNeverAcceptedWhenTheGeneratedParserRefusesThem() throws Exception {
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] wire = randomMessage(r).toByteArray();
            if (wire.length == 0) {
                continue;
            }
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                wire[r.nextInt(wire.length)] = (byte) r.nextInt(256);
            }
            MessageView v;
            try {
                v = MessageView.parse(wire);
            } catch (InvalidProtocolBufferException e) {
                continue; // refusing more (e.g. a group, which Liftbridge never sends) is allowed
            }
            Api.Message want = Api.Message.parseFrom(wire); // must not throw: the view accepted it
            assertSame(want, v);
        }
    }

    @Test
    void invalidUtf8InAStringOrAHeaderNameIsRefusedLikeTheGeneratedParser() throws Exception {
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        for (int field : new int[] {5, 7, 8, 10, 11}) { // stream, subject, reply, ackInbox, correlationId
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeInt64(1, 3);
            c.writeByteArray(field, bad);
            c.flush();
            byte[] wire = out.toByteArray();
            assertThrows(InvalidProtocolBufferException.class, () -> Api.Message.parseFrom(wire));
            assertThrows(InvalidProtocolBufferException.class, () -> MessageView.parse(wire));
        }
        // A header entry whose name (field 1 of the entry) is not UTF-8.
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeBytes(1, ByteString.copyFrom(bad));
        e.writeBytes(2, ByteString.copyFromUtf8("v"));
        e.flush();
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(msg);
        c.writeByteArray(9, entry.toByteArray());
        c.flush();
        byte[] wire = msg.toByteArray();
        boolean generatedRefuses;
        try {
            Api.Message.parseFrom(wire);
            generatedRefuses = false;
        } catch (InvalidProtocolBufferException x) {
            generatedRefuses = true;
        }
        assertTrue(generatedRefuses, "the generated parser checks header names");
        assertThrows(InvalidProtocolBufferException.class, () -> MessageView.parse(wire));
    }

    @Test
    void keyAndValueAliasTheReceivedBytesAndTheStreamRoundTrips() throws Exception {
        Api.Message m = Api.Message.newBuilder().setOffset(5).setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFromUtf8("value")).putHeaders("subject", ByteString.copyFromUtf8("s"))
                .build();
        byte[] wire = m.toByteArray();
        MessageView v = MessageView.parse(wire);
        int at = indexOf(wire, "value".getBytes(StandardCharsets.UTF_8));
        wire[at] = 'V'; // only to show the aliasing; callers must never do this
        assertEquals("Value", v.value().toStringUtf8());
        assertEquals(ByteString.copyFrom(wire), v.encoded());
        assertArrayEquals(wire, MessageView.MARSHALLER.stream(v).readAllBytes());
        assertEquals(v.toMessage(), MessageView.of(v.toMessage()).toMessage());
        assertTrue(v.toString().contains("offset: 5"), v.toString());
        assertThrows(UnsupportedOperationException.class, () -> v.headers().put("x", ByteString.EMPTY));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /** A stream that knows its length, as gRPC's deframed messages do. */
    private static final class KnownLengthStream extends InputStream implements KnownLength {
        private final ByteArrayInputStream in;

        KnownLengthStream(byte[] b) {
            in = new ByteArrayInputStream(b);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public int available() {
            return in.available();
        }
    }
}
