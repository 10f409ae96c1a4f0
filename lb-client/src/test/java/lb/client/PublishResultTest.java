package lb.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.liftbridge.proto.Api;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lazy PublishAsync response reader against the generated protobuf code: whatever the
 * generated writer produces, {@link PublishResult} must find the same offset, ack error,
 * correlation id, async error and (decoded late) ack.
 */
class PublishResultTest {

    private static final String[] IDS = {"", "1", "lb-12-3-456", "mine", "héllo-☃", "x".repeat(300)};

    @Test
    void randomResponsesReadTheSameAsTheGeneratedParserReadsThem() throws IOException {
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Api.PublishResponse.Builder r = Api.PublishResponse.newBuilder();
            if (rnd.nextInt(8) != 0) {
                Api.Ack.Builder a = Api.Ack.newBuilder()
                        .setStream("stream-" + rnd.nextInt(5))
                        .setPartitionSubject(rnd.nextBoolean() ? "" : "subj.1")
                        .setMsgSubject("m")
                        .setOffset(rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(1000))
                        .setAckInbox(rnd.nextBoolean() ? "" : "_INBOX.x")
                        .setCorrelationId(IDS[rnd.nextInt(IDS.length)])
                        .setAckPolicyValue(rnd.nextInt(3))
                        .setReceptionTimestamp(rnd.nextLong())
                        .setCommitTimestamp(rnd.nextLong())
                        .setAckErrorValue(rnd.nextInt(5));
                if (rnd.nextInt(4) == 0) { // a field this client does not know yet
                    a.setUnknownFields(UnknownFieldSet.newBuilder().addField(99,
                            UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("new"))
                                    .addVarint(7).build()).build());
                }
                r.setAck(a);
            }
            if (rnd.nextInt(4) == 0) {
                r.setAsyncError(Api.PublishAsyncError.newBuilder().setCodeValue(rnd.nextInt(5))
                        .setMessage("error " + i));
            }
            if (rnd.nextBoolean()) {
                r.setCorrelationId(IDS[rnd.nextInt(IDS.length)]);
            }
            boolean unknown = rnd.nextInt(5) == 0;
            if (unknown) {
                r.setUnknownFields(UnknownFieldSet.newBuilder().addField(50,
                        UnknownFieldSet.Field.newBuilder().addFixed64(5).addFixed32(6).build()).build());
            }
            Api.PublishResponse want = r.build();
            PublishResult got = PublishResult.MARSHALLER.parse(new ByteArrayInputStream(want.toByteArray()));
            String why = "response " + i + ": " + want;
            assertEquals(want.getAck().getOffset(), got.offset(), why);
            assertEquals(want.getAck().getAckError(), got.ackError(), why);
            assertEquals(want.getAck(), got.ack(), why);
            assertSame(got.ack(), got.ack(), "decoded once");
            if (!unknown && (!want.hasAsyncError() ? want.getCorrelationId().isEmpty()
                    : !want.getCorrelationId().isEmpty())) {
                assertEquals(com.google.protobuf.TextFormat.shortDebugString(want), got.toString(), why);
            }
            if (want.hasAsyncError()) {
                assertEquals(want.getAsyncError(), got.asyncError(), why);
                String id = want.getCorrelationId().isEmpty() ? want.getAck().getCorrelationId()
                        : want.getCorrelationId();
                assertEquals(id, got.correlationId(), why);
            } else {
                assertNull(got.asyncError(), why);
                assertEquals(want.getAck().getCorrelationId(), got.correlationId(), why);
            }
        }
    }

    @Test
    void malformedResponsesAreRefused() {
        byte[] truncated = Api.PublishResponse.newBuilder().setAck(Api.Ack.newBuilder().setCorrelationId("abc")
                .setOffset(5)).build().toByteArray();
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 2);
        assertThrows(RuntimeException.class, () -> PublishResult.MARSHALLER.parse(new ByteArrayInputStream(cut)));
        // An ack whose string is not UTF-8 still yields its offset; decoding it fails cleanly.
        byte[] badUtf8 = {0x0a, 0x05, 0x0a, 0x01, (byte) 0xff, 0x20, 0x07};
        PublishResult r = PublishResult.MARSHALLER.parse(new ByteArrayInputStream(badUtf8));
        assertEquals(7, r.offset());
        assertEquals(LiftbridgeException.Kind.INTERNAL, assertThrows(LiftbridgeException.class, r::ack).kind());
    }
}
