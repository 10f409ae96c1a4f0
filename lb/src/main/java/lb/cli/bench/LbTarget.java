package lb.cli.bench;

import com.google.protobuf.UnsafeByteOperations;
import io.liftbridge.proto.Api;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.concurrent.locks.LockSupport;
import lb.client.LiftbridgeClient;
import lb.client.LiftbridgeException;
import lb.client.MessageOptions;
import lb.client.MessageView;
import lb.client.StreamOptions;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;

/**
 * An lb broker as a bench target. Publishing goes over gRPC ({@code PublishAsync}, or the unary
 * {@code Publish} when the window is 1) or, with {@link Path#NATS}, as Liftbridge envelopes
 * published straight to the partition subject with an ack inbox, the way Liftbridge's Go client
 * publishes to NATS. Reading uses {@code Subscribe}, taking undecoded {@link MessageView}s in bursts
 * ({@link Subscription#pollViews}): the reader needs only each offset and value.
 *
 * <p>Each publisher has its own client (so its own HTTP/2 or NATS connection), as separate
 * producer processes would. Clients come from the command's own connection path
 * ({@link lb.cli.LbCommand#connect(int)}), so the global TLS options, contexts and {@code -vv}
 * call tracing apply as they do to every other command. Threads: see {@link Target}.
 */
final class LbTarget implements Target {

    /** How messages reach the broker. */
    /** How publishes reach the broker: the PublishAsync stream, the unary Publish RPC, or NATS envelopes. */
    enum Path { GRPC, UNARY, NATS }

    private final IntFunction<LiftbridgeClient> clients;
    private final Duration timeout;
    private final Api.AckPolicy ackPolicy;
    private final Path path;
    private final String natsUrl;
    private final LiftbridgeClient admin;
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    /**
     * @param clients  opens a client allowing that many async publishes in flight (the caller's
     *                 seeds, deadline, TLS and tracing); each is closed by this target
     * @param timeout  the call deadline, also used to connect to NATS for {@link Path#NATS}
     */
    LbTarget(IntFunction<LiftbridgeClient> clients, Duration timeout, Api.AckPolicy ackPolicy, Path path,
             String natsUrl) {
        if (path == Path.NATS && (natsUrl == null || natsUrl.isBlank())) {
            throw new IllegalArgumentException("--path nats needs --nats URL (the broker's NATS server)");
        }
        this.clients = clients;
        this.timeout = timeout;
        this.ackPolicy = ackPolicy;
        this.path = path;
        this.natsUrl = natsUrl;
        this.admin = client(1);
    }

    private LiftbridgeClient client(int maxInFlight) {
        return clients.apply(Math.max(1, maxInFlight));
    }

    @Override
    public String name() {
        return "lb";
    }

    @Override
    public void createStream(String stream, int partitions) {
        admin.createStream(stream, stream, StreamOptions.defaults().partitions(partitions));
        admin.fetchMetadata();
    }

    @Override
    public void deleteStream(String stream) {
        admin.deleteStream(stream);
    }

    @Override
    public int partitions(String stream) {
        return admin.fetchMetadata().partitionCount(stream);
    }

    @Override
    public Publisher publisher(String stream, int partition, int window, AckListener listener)
            throws Exception {
        Publisher p = path == Path.NATS
                ? new NatsEnvelopePublisher(partitionSubject(stream, partition), window, listener)
                : path == Path.UNARY ? new UnaryPublisher(stream, partition, listener)
                : new AsyncPublisher(stream, partition, window, listener);
        opened.add(p);
        return p;
    }

    /** The NATS subject of a partition (wire-contract §5.1): the stream's subject, then {@code .n}. */
    private String partitionSubject(String stream, int partition) {
        Api.StreamMetadata m = admin.fetchMetadata().stream(stream);
        if (m == null) {
            throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_STREAM, "no such stream: " + stream);
        }
        return partition == 0 ? m.getSubject() : m.getSubject() + "." + partition;
    }

    @Override
    public Reader reader(String stream, int partition, boolean fromStart, int window) {
        SubscriptionOptions o = SubscriptionOptions.create().partition(partition).window(window);
        if (fromStart) {
            o.startAtEarliest().stopAtLatest();
        } else {
            o.startAtNewOnly();
        }
        LiftbridgeClient c = client(1);
        opened.add(c);
        Subscription s = c.subscribe(stream, o);
        return new Reader() {
            // Taken from the subscription in bursts (one hand-over per burst), served one by one,
            // undecoded: only the offset and the value are read.
            private final java.util.ArrayList<MessageView> burst = new java.util.ArrayList<>();
            private int next;

            @Override
            public Delivery poll(Duration t) throws InterruptedException {
                if (next == burst.size()) {
                    burst.clear();
                    next = 0;
                    if (s.pollViews(burst, Math.max(1, window), t) == 0) {
                        return null;
                    }
                }
                MessageView m = burst.get(next++);
                return new Delivery(m.offset(), m.valueBuffer());
            }

            @Override
            public boolean ended() {
                return s.end() != null && next == burst.size(); // and the burst is served
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public void roundTrip(String stream) {
        admin.fetchPartitionMetadata(stream, 0);
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("lb bench: closing a connection failed: " + e);
            }
        }
        admin.close();
    }

    /** Counts outstanding publishes; waiting for zero polls, since it happens once per run. */
    private abstract static class Counted implements Publisher {
        final AtomicInteger outstanding = new AtomicInteger();

        @Override
        public int awaitOutstanding(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return outstanding.get();
        }
    }

    /** {@code --path unary}: the unary Publish RPC, one at a time, waiting for each ack. */
    private final class UnaryPublisher extends Counted {
        private final LiftbridgeClient client = client(1);
        private final String stream;
        private final MessageOptions options;
        private final AckListener listener;

        UnaryPublisher(String stream, int partition, AckListener listener) {
            this.stream = stream;
            this.options = MessageOptions.create().partition(partition).ackPolicy(ackPolicy);
            this.listener = listener;
        }

        @Override
        public void acquire() {
        }

        @Override
        public void send(byte[] value, long token) {
            Api.Ack ack;
            try {
                ack = client.publish(stream, value, options);
            } catch (RuntimeException e) {
                listener.onError(token, e);
                return;
            }
            listener.onAck(token, ack == null ? -1 : ack.getOffset());
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Pipelined gRPC: PublishAsync with at most {@code window} outstanding. */
    private final class AsyncPublisher extends Counted {
        private final LiftbridgeClient client;
        private final String stream;
        private final MessageOptions options;
        private final AckListener listener;
        private final Semaphore permits;

        AsyncPublisher(String stream, int partition, int window, AckListener listener) {
            this.client = client(window);
            this.stream = stream;
            this.options = MessageOptions.create().partition(partition).ackPolicy(ackPolicy);
            this.listener = listener;
            this.permits = new Semaphore(window);
        }

        @Override
        public void acquire() throws InterruptedException {
            permits.acquire();
        }

        @Override
        public void send(byte[] value, long token) {
            outstanding.incrementAndGet();
            client.publishAsync(stream, UnsafeByteOperations.unsafeWrap(value), options, (ack, error) -> {
                outstanding.decrementAndGet();
                permits.release();
                if (error != null) {
                    listener.onError(token, error);
                } else {
                    listener.onAck(token, ack == null ? -1 : ack.offset());
                }
            });
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Envelopes on NATS: each message is a publish envelope carrying the ack inbox and the token
     * as correlation id; acks come back on the inbox and are matched by that id.
     */
    private final class NatsEnvelopePublisher extends Counted {
        private final Connection nats;
        private final String subject;
        private final String inbox;
        private final AckListener listener;
        private final Semaphore permits;
        private final boolean acked = ackPolicy != Api.AckPolicy.NONE;

        NatsEnvelopePublisher(String subject, int window, AckListener listener) throws Exception {
            this.subject = subject;
            this.listener = listener;
            this.permits = new Semaphore(window);
            this.nats = Nats.connect(new Options.Builder().server(natsUrl).connectionName("lb-bench")
                    .connectionTimeout(timeout).build());
            this.inbox = nats.createInbox();
            Dispatcher d = nats.createDispatcher(this::onAck);
            d.subscribe(inbox);
            nats.flush(timeout);
        }

        private void onAck(io.nats.client.Message m) {
            Api.Ack ack;
            long token;
            try {
                ack = Envelope.decodeAck(m.getData());
                token = Long.parseLong(ack.getCorrelationId());
            } catch (EnvelopeException | NumberFormatException e) {
                System.err.println("lb bench: ignored a malformed ack on " + inbox + ": " + e.getMessage());
                return;
            }
            outstanding.decrementAndGet();
            permits.release();
            if (ack.getAckError() != Api.Ack.Error.OK) {
                listener.onError(token, new IllegalStateException("ack error " + ack.getAckError()));
            } else {
                listener.onAck(token, ack.getOffset());
            }
        }

        @Override
        public void acquire() throws InterruptedException {
            if (acked) {
                permits.acquire();
            }
        }

        @Override
        public void send(byte[] value, long token) {
            Api.Message env = Api.Message.newBuilder()
                    .setValue(UnsafeByteOperations.unsafeWrap(value))
                    .setAckInbox(inbox)
                    .setCorrelationId(Long.toString(token))
                    .setAckPolicy(ackPolicy)
                    .build();
            if (acked) {
                outstanding.incrementAndGet();
            }
            nats.publish(subject, Envelope.encodePublish(env));
            if (!acked) {
                listener.onAck(token, -1);
            }
        }

        @Override
        public int awaitOutstanding(Duration timeout) {
            try {
                nats.flush(timeout);
            } catch (Exception e) {
                System.err.println("lb bench: NATS flush failed: " + e);
            }
            return super.awaitOutstanding(timeout);
        }

        @Override
        public void close() {
            try {
                nats.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
