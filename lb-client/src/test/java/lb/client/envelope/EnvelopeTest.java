package lb.client.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.liftbridge.proto.Api;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final long SEED = 0x1b5eedL;

    @Test
    void encodesTheHeaderAsUpstreamDoes() {
        byte[] env = Envelope.encode(MessageType.ACK, new byte[] {1, 2, 3}, false);
        assertEquals("b90e43b4" + "00" + "08" + "00" + "01" + "010203", HEX.formatHex(env));
    }

    @Test
    void encodesTheCrcOfThePayloadBigEndian() {
        byte[] payload = "123456789".getBytes();
        byte[] env = Envelope.encode(MessageType.PUBLISH, payload, true);
        // 0xE3069283 is the published CRC-32C check value of "123456789".
        assertEquals("b90e43b4" + "00" + "0c" + "01" + "00" + "e3069283"
                + HEX.formatHex(payload), HEX.formatHex(env));
    }

    @Test
    void roundTripsRandomMessagesWithAndWithoutCrc() throws EnvelopeException {
        Random rnd = new Random(SEED);
        for (int i = 0; i < 2_000; i++) {
            Api.Message m = randomMessage(rnd);
            boolean crc = rnd.nextBoolean();
            byte[] env = Envelope.encode(MessageType.PUBLISH, m, crc);
            assertArrayEquals(Envelope.encode(MessageType.PUBLISH, m.toByteArray(), crc), env,
                    "both encoders agree");
            assertEquals(m, Envelope.decodePublish(env), "seed " + SEED + " iteration " + i);
            assertEquals(m, Envelope.decodePublishAliased(env), "aliased, seed " + SEED + " iteration " + i);
        }
    }

    @Test
    void roundTripsAcks() throws EnvelopeException {
        Api.Ack ack = Api.Ack.newBuilder().setStream("orders").setOffset(42)
                .setCorrelationId("c-1").setAckError(Api.Ack.Error.INCORRECT_OFFSET).build();
        assertEquals(ack, Envelope.decodeAck(Envelope.encodeAck(ack)));
    }

    @Test
    void acceptsAnEmptyPayload() throws EnvelopeException {
        assertEquals(Api.Message.getDefaultInstance(),
                Envelope.decodePublish(Envelope.encode(MessageType.PUBLISH, new byte[0], false)));
        assertEquals(Api.Message.getDefaultInstance(),
                Envelope.decodePublish(Envelope.encode(MessageType.PUBLISH, new byte[0], true)));
    }

    @Test
    void refusesShortInputAsNotAnEnvelope() {
        for (int n = 0; n < 8; n++) {
            byte[] b = Arrays.copyOf(HEX.parseHex("b90e43b4000800"), n);
            assertReason(EnvelopeException.Reason.TOO_SHORT, b);
        }
        assertReason(EnvelopeException.Reason.TOO_SHORT, null);
    }

    @Test
    void refusesPlainDataAsNotAnEnvelope() {
        EnvelopeException e = assertReason(EnvelopeException.Reason.BAD_MAGIC,
                "hello, world".getBytes());
        assertFalse(e.reason().magicMatched());
        assertFalse(Envelope.hasMagic("hello".getBytes()));
    }

    @Test
    void refusesAnotherVersion() {
        byte[] env = Envelope.encodePublish(sample());
        env[4] = 1;
        EnvelopeException e = assertReason(EnvelopeException.Reason.BAD_VERSION, env);
        assertTrue(e.reason().magicMatched());
    }

    @Test
    void refusesTheWrongTypeIncludingUndefinedTypes() {
        assertReason(EnvelopeException.Reason.WRONG_TYPE, Envelope.encodeAck(Api.Ack.getDefaultInstance()));
        byte[] env = Envelope.encodePublish(sample());
        env[7] = (byte) 200;
        EnvelopeException e = assertReason(EnvelopeException.Reason.WRONG_TYPE, env);
        assertTrue(e.getMessage().contains("unknown(200)"), e.getMessage());
    }

    @Test
    void refusesHeaderLengthsOutsideTheBuffer() {
        byte[] env = Envelope.encodePublish(sample());
        for (int bad : new int[] {0, 7, env.length + 1, 255}) {
            env[5] = (byte) bad;
            assertReason(EnvelopeException.Reason.BAD_HEADER_LENGTH, env);
        }
    }

    @Test
    void refusesACrcFlagWithoutRoomForTheCrc() {
        byte[] env = Envelope.encodePublish(sample());
        env[6] = Envelope.FLAG_CRC; // header length still 8
        assertReason(EnvelopeException.Reason.BAD_HEADER_LENGTH, env);
        byte[] tiny = HEX.parseHex("b90e43b4000c0100" + "0000");
        assertReason(EnvelopeException.Reason.BAD_HEADER_LENGTH, tiny);
    }

    @Test
    void ignoresReservedFlagBitsAsUpstreamDoes() throws EnvelopeException {
        byte[] env = Envelope.encodePublish(sample());
        env[6] = (byte) 0xFE;
        assertEquals(sample(), Envelope.decodePublish(env));
    }

    @Test
    void refusesEveryFlippedPayloadBitUnderCrc() {
        byte[] env = Envelope.encode(MessageType.PUBLISH, sample(), true);
        for (int i = Envelope.HEADER_LEN_CRC * 8; i < env.length * 8; i++) {
            byte[] bad = env.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertReason(EnvelopeException.Reason.BAD_CRC, bad);
        }
    }

    @Test
    void refusesAGarbledPayload() {
        byte[] env = Envelope.encode(MessageType.PUBLISH, HEX.parseHex("0aff"), false);
        assertReason(EnvelopeException.Reason.BAD_PAYLOAD, env);
    }

    @Test
    void refusesATruncatedPayload() {
        byte[] env = Envelope.encodePublish(sample());
        // The last field is ackPolicy (0x60 0x01): cutting its value leaves a tag with no value.
        assertReason(EnvelopeException.Reason.BAD_PAYLOAD, Arrays.copyOf(env, env.length - 1));
    }

    @Test
    void randomBytesNeverThrowAnythingButTheTypedError() {
        Random rnd = new Random(SEED);
        byte[] valid = Envelope.encode(MessageType.PUBLISH, sample(), true);
        int decoded = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            switch (i % 3) {
                case 0 -> {
                    b = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(b);
                }
                case 1 -> { // magic, then random header and payload
                    b = new byte[4 + rnd.nextInt(64)];
                    rnd.nextBytes(b);
                    System.arraycopy(valid, 0, b, 0, 4);
                }
                default -> { // a valid envelope with a few random bytes changed or cut
                    b = Arrays.copyOf(valid, rnd.nextInt(valid.length + 1));
                    for (int k = rnd.nextInt(4); k > 0 && b.length > 0; k--) {
                        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    }
                }
            }
            Api.Message copied = null;
            try {
                copied = Envelope.decodePublish(b);
            } catch (EnvelopeException expected) {
                // compared below
            }
            try {
                assertEquals(copied, Envelope.decodePublishAliased(b), "input " + i + " decodes the same aliased");
            } catch (EnvelopeException e) {
                assertEquals(null, copied, "input " + i + " refused only when aliased: " + e.getMessage());
            }
            try {
                Envelope.decodePublish(b);
                Envelope.decodeAck(b);
                decoded++;
            } catch (EnvelopeException expected) {
                // the only failure allowed
            } catch (RuntimeException e) {
                fail("seed " + SEED + " input " + i + " (" + HEX.formatHex(b) + ") threw " + e, e);
            }
        }
        assertTrue(decoded < 100_000, "some inputs must have been refused");
    }

    private static EnvelopeException assertReason(EnvelopeException.Reason reason, byte[] b) {
        EnvelopeException e = assertThrows(EnvelopeException.class, () -> Envelope.decodePublish(b));
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    private static Api.Message sample() {
        return Api.Message.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFromUtf8("hello")).setAckInbox("inbox.1")
                .setCorrelationId("c").setAckPolicy(Api.AckPolicy.ALL).setOffset(-1).build();
    }

    private static Api.Message randomMessage(Random rnd) {
        Api.Message.Builder b = Api.Message.newBuilder()
                .setOffset(rnd.nextLong())
                .setKey(ByteString.copyFrom(randomBytes(rnd, 16)))
                .setValue(ByteString.copyFrom(randomBytes(rnd, 4096)))
                .setAckInbox("inbox." + rnd.nextInt(1000))
                .setCorrelationId(Long.toHexString(rnd.nextLong()))
                .setAckPolicy(Api.AckPolicy.forNumber(rnd.nextInt(3)));
        for (int h = rnd.nextInt(4); h > 0; h--) {
            b.putHeaders("h" + rnd.nextInt(100), ByteString.copyFrom(randomBytes(rnd, 32)));
        }
        return b.build();
    }

    private static byte[] randomBytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }
}
