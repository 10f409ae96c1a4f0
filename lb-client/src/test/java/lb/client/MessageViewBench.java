package lb.client;

import com.google.protobuf.ByteString;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.io.ByteArrayInputStream;

/**
 * A bench main (not a test): the transport thread's decoding cost per Subscribe response, the
 * generated parser (gRPC's protobuf marshaller) against {@link MessageView#MARSHALLER}, on the
 * message a catch-up read of {@code lb bench} receives (256-byte value, the broker's "subject"
 * header, stream, subject, partition, offset, timestamp). Each round parses 1M messages per
 * variant, alternating; the figures are ns per message, best of the rounds. Single-threaded, so
 * far less sensitive to the machine's load than an end-to-end bench.
 *
 * <p>Run: {@code java -cp lb/target/lb.jar:lb-client/target/test-classes lb.client.MessageViewBench [rounds]}
 */
public final class MessageViewBench {

    private MessageViewBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        byte[] wire = Api.Message.newBuilder().setOffset(123_456).setTimestamp(System.nanoTime())
                .setStream("R").setSubject("R").setPartition(0)
                .setValue(ByteString.copyFrom(new byte[256]))
                .putHeaders("subject", ByteString.copyFromUtf8("R")).build().toByteArray();
        MethodDescriptor.Marshaller<Api.Message> generated = APIGrpc.getSubscribeMethod().getResponseMarshaller();
        int n = 1_000_000;
        long bestGenerated = Long.MAX_VALUE;
        long bestView = Long.MAX_VALUE;
        long bestViewUse = Long.MAX_VALUE;
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Api.Message m = generated.parse(new Stream(wire));
                sink += m.getOffset() + m.getValue().size();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                MessageView v = MessageView.MARSHALLER.parse(new Stream(wire));
                sink += v.offset() + v.valueSize();
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) { // as lb bench's reader uses it
                MessageView v = MessageView.MARSHALLER.parse(new Stream(wire));
                sink += v.offset() + v.valueBuffer().remaining();
            }
            long t3 = System.nanoTime();
            bestGenerated = Math.min(bestGenerated, t1 - t0);
            bestView = Math.min(bestView, t2 - t1);
            bestViewUse = Math.min(bestViewUse, t3 - t2);
        }
        System.out.printf("message of %d bytes; ns per message, best of %d rounds of %d:%n", wire.length, rounds, n);
        System.out.printf("  generated parser (Api.Message)     %6.1f%n", bestGenerated / (double) n);
        System.out.printf("  MessageView                        %6.1f%n", bestView / (double) n);
        System.out.printf("  MessageView + valueBuffer()        %6.1f%n", bestViewUse / (double) n);
        System.out.println("(checksum " + sink + ")");
    }

    /** Like gRPC's deframed message streams: knows its length. */
    private static final class Stream extends ByteArrayInputStream implements KnownLength {
        Stream(byte[] b) {
            super(b);
        }
    }

}
