package lb.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code -vv}: one line on stderr per gRPC call of the client, when it ends: method, target,
 * status, duration, and for streams the messages each way (nats {@code --trace} style).
 * {@code -vvv} adds a line per message with its start (protobuf text, cut at 200 characters).
 *
 * <p>Threads: calls start on the command's thread and end on gRPC's; every line is one
 * {@code println} on a PrintStream, which is synchronized, so lines never interleave.
 */
final class CallTrace implements ClientInterceptor {

    private static final int MAX_MESSAGE_CHARS = 200;

    private final PrintStream err;
    private final boolean messages;

    CallTrace(PrintStream err, boolean messages) {
        this.err = err;
        this.messages = messages;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String name = method.getBareMethodName();
        String target = next.authority();
        AtomicLong sent = new AtomicLong();
        AtomicLong received = new AtomicLong();
        boolean streaming = method.getType() != MethodDescriptor.MethodType.UNARY;
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            private long startNs;

            @Override
            public void start(Listener<R> listener, Metadata headers) {
                startNs = System.nanoTime();
                if (streaming) {
                    err.println("lb: grpc " + name + " " + target + " started");
                }
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onMessage(R message) {
                        received.incrementAndGet();
                        if (messages) {
                            err.println("lb: grpc " + name + " < " + text(message));
                        }
                        super.onMessage(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        double ms = (System.nanoTime() - startNs) / 1e6;
                        String counts = streaming ? String.format(" (%d sent, %d received)", sent.get(), received.get())
                                : "";
                        err.println(String.format("lb: grpc %s %s %s%s %.1f ms%s", name, target, status.getCode(),
                                status.getDescription() == null ? "" : ": " + status.getDescription(), ms, counts));
                        super.onClose(status, trailers);
                    }
                }, headers);
            }

            @Override
            public void sendMessage(Q message) {
                sent.incrementAndGet();
                if (messages) {
                    err.println("lb: grpc " + name + " > " + text(message));
                }
                super.sendMessage(message);
            }
        };
    }

    private static String text(Object message) {
        String s = message instanceof com.google.protobuf.MessageOrBuilder m
                ? com.google.protobuf.TextFormat.shortDebugString(m) : String.valueOf(message);
        return s.length() > MAX_MESSAGE_CHARS ? s.substring(0, MAX_MESSAGE_CHARS) + "..." : s;
    }
}
