package lb.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.liftbridge.proto.Api;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-serialised PublishAsync request against the generated protobuf code: the generated
 * parser must read back exactly the request the generated builder would have made from the same
 * arguments (the pre-existing {@code MessageOptions.toRequest}).
 */
class EncodedPublishTest {

    private static final String[] NAMES = {"", "s", "orders", "ünïcode-☃", "x".repeat(200)};

    @Test
    void randomRequestsParseAsTheGeneratedBuilderWouldHaveMadeThem() throws IOException {
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            MessageOptions o = MessageOptions.create();
            if (rnd.nextBoolean()) {
                o.key(bytes(rnd, rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(40)));
            }
            for (int h = rnd.nextInt(3); h > 0; h--) {
                o.header(NAMES[rnd.nextInt(NAMES.length)], bytes(rnd, rnd.nextInt(20)));
            }
            o.ackPolicy(Api.AckPolicy.forNumber(rnd.nextInt(3)));
            if (rnd.nextBoolean()) {
                o.ackInbox(NAMES[rnd.nextInt(NAMES.length)]);
            }
            String id = null;
            if (rnd.nextBoolean()) {
                id = NAMES[rnd.nextInt(NAMES.length)];
                o.correlationId(id);
            }
            o.expectedOffset(switch (rnd.nextInt(4)) {
                case 0 -> -1;
                case 1 -> 0;
                case 2 -> rnd.nextInt(1000);
                default -> rnd.nextLong();
            });
            String stream = NAMES[rnd.nextInt(NAMES.length)];
            int partition = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(3);
            ByteString value = ByteString.copyFrom(bytes(rnd, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300)));
            ByteString generated = rnd.nextBoolean() ? ByteString.copyFromUtf8("lb-1-2-" + i) : null;

            Api.PublishRequest.Builder want = o.toRequest(stream, partition, value);
            if (generated != null) {
                want.setCorrelationId(generated.toStringUtf8());
            }
            EncodedPublish got = EncodedPublish.encode(ByteString.copyFromUtf8(stream), partition, value, o,
                    generated);
            byte[] drained = drain(EncodedPublish.MARSHALLER.stream(got));
            assertArrayEquals(got.bytes(), drained);
            assertArrayEquals(got.bytes(), EncodedPublish.MARSHALLER.stream(got).readAllBytes(), "read byte-wise");
            Api.PublishRequest parsed = Api.PublishRequest.parseFrom(drained);
            assertEquals(want.build(), parsed, "request " + i);
            if (o.headers.isEmpty()) {
                assertArrayEquals(want.build().toByteArray(), drained, "the generated writer's bytes, " + i);
            }
            assertEquals(TextFormat.shortDebugString(want.build()), got.toString());
        }
    }

    @Test
    void headersKeepTheirValues() throws IOException {
        MessageOptions o = MessageOptions.create().header("a", "1".getBytes(StandardCharsets.UTF_8))
                .header("b", new byte[0]).correlationId("c");
        Api.PublishRequest r = Api.PublishRequest.parseFrom(EncodedPublish.encode(ByteString.copyFromUtf8("s"), 1,
                ByteString.copyFromUtf8("v"), o, null).bytes());
        assertEquals(ByteString.copyFromUtf8("1"), r.getHeadersOrThrow("a"));
        assertEquals(ByteString.EMPTY, r.getHeadersOrThrow("b"));
        assertEquals("c", r.getCorrelationId());
        assertEquals(1, r.getPartition());
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** What gRPC does with a Drainable: drains it into its output. */
    private static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(in.available(), ((io.grpc.Drainable) in).drainTo(out));
        assertEquals(0, in.available());
        return out.toByteArray();
    }
}
