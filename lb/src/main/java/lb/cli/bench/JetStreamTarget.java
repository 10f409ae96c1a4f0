package lb.cli.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A NATS JetStream server as a bench target, through jnats's JetStream API, for the side-by-side
 * comparison. A "partition" is one JetStream stream: {@code NAME} for a single partition, else
 * {@code NAME-0..n-1}, on subject {@code NAME.<p>}, with file storage and one replica and
 * otherwise JetStream's defaults (its lazy fsync among them). Publishing: {@code publish} (waits
 * for the PubAck) for window 1, {@code publishAsync} otherwise; reading: an ordered consumer.
 *
 * <p>Each publisher and reader has its own connection. Threads: see {@link Target}.
 */
final class JetStreamTarget implements Target {

    private final String url;
    private final Duration timeout;
    private final Connection admin;
    private final JetStreamManagement jsm;
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    JetStreamTarget(String url, Duration timeout) throws Exception {
        this.url = url;
        this.timeout = timeout;
        this.admin = connect();
        this.jsm = admin.jetStreamManagement();
    }

    private Connection connect() throws Exception {
        return Nats.connect(new Options.Builder().server(url).connectionName("lb-bench-jetstream")
                .connectionTimeout(timeout).build());
    }

    @Override
    public String name() {
        return "jetstream";
    }

    /** The JetStream stream that plays partition {@code p} of {@code stream}. */
    static String streamName(String stream, int partitions, int p) {
        return partitions == 1 ? stream : stream + "-" + p;
    }

    static String subject(String stream, int p) {
        return stream + "." + p;
    }

    @Override
    public void createStream(String stream, int partitions) throws Exception {
        for (int p = 0; p < partitions; p++) {
            jsm.addStream(StreamConfiguration.builder()
                    .name(streamName(stream, partitions, p))
                    .subjects(subject(stream, p))
                    .storageType(StorageType.File)
                    .replicas(1)
                    .build());
        }
    }

    @Override
    public void deleteStream(String stream) throws Exception {
        int n = partitions(stream);
        for (int p = 0; p < n; p++) {
            jsm.deleteStream(streamName(stream, n, p));
        }
    }

    @Override
    public int partitions(String stream) throws Exception {
        List<String> names = jsm.getStreamNames();
        if (names.contains(stream)) {
            return 1;
        }
        int n = 0;
        while (names.contains(stream + "-" + n)) {
            n++;
        }
        return n;
    }

    @Override
    public Publisher publisher(String stream, int partition, int window, AckListener listener)
            throws Exception {
        Connection c = connect();
        opened.add(c);
        JetStream js = c.jetStream();
        String subject = subject(stream, partition);
        Semaphore permits = new Semaphore(window);
        AtomicInteger outstanding = new AtomicInteger();
        return new Publisher() {
            @Override
            public void acquire() throws InterruptedException {
                if (window > 1) {
                    permits.acquire();
                }
            }

            @Override
            public void send(byte[] value, long token) throws Exception {
                if (window == 1) {
                    PublishAck a;
                    try {
                        a = js.publish(subject, value);
                    } catch (java.io.IOException | JetStreamApiException e) {
                        listener.onError(token, e);
                        return;
                    }
                    listener.onAck(token, a.getSeqno());
                    return;
                }
                outstanding.incrementAndGet();
                js.publishAsync(subject, value).whenComplete((a, error) -> {
                    outstanding.decrementAndGet();
                    permits.release();
                    if (error != null) {
                        listener.onError(token, error);
                    } else {
                        listener.onAck(token, a.getSeqno());
                    }
                });
            }

            @Override
            public int awaitOutstanding(Duration t) {
                long deadline = System.nanoTime() + t.toNanos();
                while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                return outstanding.get();
            }

            @Override
            public void close() {
                closeQuietly(c);
            }
        };
    }

    @Override
    public Reader reader(String stream, int partition, boolean fromStart, int window) throws Exception {
        int n = Math.max(1, partitions(stream));
        Connection c = connect();
        opened.add(c);
        StreamContext sc = c.getStreamContext(streamName(stream, n, partition));
        long last = fromStart ? sc.getStreamInfo().getStreamState().getLastSequence() : Long.MAX_VALUE;
        IterableConsumer it = sc.createOrderedConsumer(new OrderedConsumerConfiguration()
                        .deliverPolicy(fromStart ? DeliverPolicy.All : DeliverPolicy.New))
                .iterate(ConsumeOptions.builder().batchSize(Math.max(2, window)).build());
        return new Reader() {
            private boolean ended = fromStart && last == 0;

            @Override
            public Delivery poll(Duration t) throws InterruptedException {
                if (ended) {
                    return null;
                }
                Message m;
                try {
                    m = it.nextMessage(t);
                } catch (io.nats.client.JetStreamStatusCheckedException e) {
                    throw new IllegalStateException("JetStream consumer failed: " + e.getMessage(), e);
                }
                if (m == null) {
                    return null;
                }
                long seq = m.metaData().streamSequence();
                if (seq >= last) {
                    ended = true;
                }
                byte[] data = m.getData();
                return new Delivery(seq, java.nio.ByteBuffer.wrap(data == null ? new byte[0] : data).asReadOnlyBuffer());
            }

            @Override
            public boolean ended() {
                return ended;
            }

            @Override
            public void close() {
                it.stop();
                closeQuietly(c);
            }
        };
    }

    @Override
    public void roundTrip(String stream) throws Exception {
        admin.RTT();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        closeQuietly(admin);
    }
}
