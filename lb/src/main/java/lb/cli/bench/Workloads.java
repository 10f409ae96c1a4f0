package lb.cli.bench;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The workloads of {@code lb bench}, written once against {@link Target} so that lb and
 * JetStream run exactly the same client code:
 *
 * <ol>
 *   <li>{@code pub}: {@code clients} publishers, client i on partition {@code i mod partitions},
 *       each with at most {@code window} publishes outstanding; latency = ack time minus send
 *       time (minus the scheduled send time with {@code --rate}); every publish must be
 *       acknowledged exactly once and no offset twice.</li>
 *   <li>{@code sub}: one reader per partition from the first stored message to the newest one at
 *       the start (catch-up read); offsets must follow one another without gap or repeat.</li>
 *   <li>{@code e2e}: readers of new messages start first, then publishers as in {@code pub};
 *       each message carries its (scheduled) send time and token; latency = receive time minus
 *       that; every message must arrive exactly once.</li>
 *   <li>{@code rtt}: bare request/response round trips, one outstanding per client.</li>
 * </ol>
 *
 * <p>Threads: each client runs on its own named platform thread ({@code lb-bench-<workload>-<i>});
 * the calling thread waits for them and prints progress.
 */
final class Workloads {

    /** How long a reader waits per poll; constants, since a poll runs once per message. */
    private static final Duration READ_POLL = Duration.ofMillis(100);
    private static final Duration E2E_POLL = Duration.ofMillis(50);

    /** Ring of send times per publisher: enough for every publish outstanding within a timeout. */
    private static final int MAX_RING = 1 << 20;

    /** Everything a run needs. {@code msgs} &lt;= 0 with a duration: run for the duration. */
    record Settings(String workload, String stream, int clients, int partitions, long msgs,
                    Duration duration, int size, int window, double rate, Duration warmup,
                    Duration timeout, String ack, String path, PrintWriter progress) {

        boolean paced() {
            return rate > 0;
        }
    }

    private Workloads() {
    }

    // ------------------------------------------------------------------ pub

    static Measurement pub(Target t, Settings s) throws Exception {
        warmUp(s, () -> publishPhase(t, s, new Measurement(s.clients(), s.partitions()), 0,
                s.warmup(), null, "warm-up"));
        Measurement m = new Measurement(s.clients(), s.partitions());
        publishPhase(t, s, m, s.msgs(), s.duration(), null, s.workload());
        return m;
    }

    /**
     * Runs the publishers until each sent its share of {@code msgs} (or {@code duration} passed),
     * then waits for their acks. With {@code payload} null, every message has the same random
     * bytes and acks are recorded into {@code m}; otherwise {@code payload} stamps each message
     * and acks only count errors (e2e records on receipt).
     */
    private static void publishPhase(Target t, Settings s, Measurement m, long msgs, Duration duration,
                                     Stamper payload, String label) throws Exception {
        int clients = s.clients();
        long deadline = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        double periodNs = s.paced() ? 1e9 * clients / s.rate() : 0;
        LongAdder sent = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Target.Publisher> publishers = new ArrayList<>();
        List<long[]> rings = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                long n = share(msgs, clients, i);
                int ring = ringSize(n, s.window());
                long[] sentAt = new long[ring];
                rings.add(sentAt);
                int partition = i % s.partitions();
                Target.AckListener listener = payload == null
                        ? new Target.AckListener() {
                            @Override
                            public void onAck(long token, long offset) {
                                long lat = System.nanoTime() - sentAt[(int) (Measurement.seq(token) & (ring - 1))];
                                m.record(token, lat, s.size());
                                m.ackedOffset(partition, offset);
                            }

                            @Override
                            public void onError(long token, Throwable error) {
                                m.error(error);
                            }
                        }
                        : new Target.AckListener() {
                            @Override
                            public void onAck(long token, long offset) {
                                m.ackedOffset(partition, offset);
                            }

                            @Override
                            public void onError(long token, Throwable error) {
                                m.error(error);
                            }
                        };
                publishers.add(t.publisher(s.stream(), partition, s.window(), listener));
            }
            m.start();
            long start = m.startNs;
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                long n = share(msgs, clients, i);
                Target.Publisher p = publishers.get(i);
                long[] sentAt = rings.get(i);
                int mask = sentAt.length - 1;
                threads.add(Thread.ofPlatform().name("lb-bench-" + label + "-" + i).start(() -> {
                    byte[] fixed = new byte[s.size()];
                    ThreadLocalRandom.current().nextBytes(fixed);
                    try {
                        for (long k = 0; k < n; k++) {
                            long due = 0;
                            if (periodNs > 0) {
                                due = start + (long) (k * periodNs);
                                parkUntil(due);
                            }
                            if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                                break;
                            }
                            p.acquire();
                            long t0 = periodNs > 0 ? due : System.nanoTime();
                            long token = Measurement.token(client, k);
                            sentAt[(int) (k & mask)] = t0;
                            p.send(payload == null ? fixed : payload.stamp(s.size(), t0, token), token);
                            sent.increment();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            waitFor(threads, s, m, sent, label);
            for (Target.Publisher p : publishers) {
                int left = p.awaitOutstanding(s.timeout());
                if (left > 0) {
                    m.error(new IllegalStateException(left + " publish(es) not acknowledged within "
                            + s.timeout().toMillis() + " ms"));
                }
            }
        } finally {
            for (Target.Publisher p : publishers) {
                p.close();
            }
        }
        m.sent = sent.sum();
        if (failure.get() != null) {
            throw failure.get() instanceof Exception e ? e : new IllegalStateException(failure.get());
        }
    }

    /** Makes the payload of one e2e message. */
    interface Stamper {
        byte[] stamp(int size, long sentNs, long token);
    }

    /** An e2e payload: send time and token in the first 16 bytes, then zeros. */
    static byte[] stamp(int size, long sentNs, long token) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putLong(sentNs).putLong(token);
        return b;
    }

    // ------------------------------------------------------------------ sub

    static Measurement sub(Target t, Settings s) throws Exception {
        warmUp(s, () -> readPhase(t, s, new Measurement(s.partitions(), s.partitions()), s.warmup(), "warm-up"));
        Measurement m = new Measurement(s.partitions(), s.partitions());
        readPhase(t, s, m, s.duration(), s.workload());
        return m;
    }

    private static void readPhase(Target t, Settings s, Measurement m, Duration duration, String label)
            throws Exception {
        int parts = s.partitions();
        long deadline = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        List<Target.Reader> readers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder gaps = new LongAdder();
        AtomicBoolean incomplete = new AtomicBoolean();
        try {
            for (int p = 0; p < parts; p++) {
                readers.add(t.reader(s.stream(), p, true, s.window()));
            }
            m.start();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int partition = p;
                long limit = s.msgs() > 0 ? share(s.msgs(), parts, p) : Long.MAX_VALUE;
                Target.Reader r = readers.get(p);
                threads.add(Thread.ofPlatform().name("lb-bench-" + label + "-" + p).start(() -> {
                    long prev = -1;
                    long read = 0;
                    long idleSince = System.nanoTime();
                    try {
                        while (read < limit && !r.ended()) {
                            if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                                break;
                            }
                            Target.Delivery d = r.poll(READ_POLL);
                            if (d == null) {
                                if (!r.ended() && System.nanoTime() - idleSince > s.timeout().toNanos()) {
                                    incomplete.set(true);
                                    m.error(new IllegalStateException("partition " + partition
                                            + ": no message within " + s.timeout().toMillis() + " ms"));
                                    break;
                                }
                                continue;
                            }
                            idleSince = System.nanoTime();
                            if (prev >= 0) {
                                if (d.offset() <= prev) {
                                    m.duplicate();
                                    continue;
                                }
                                gaps.add(d.offset() - prev - 1);
                            }
                            prev = d.offset();
                            read++;
                            m.recordRead(partition, d.value().remaining());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            waitFor(threads, s, m, null, label);
        } finally {
            for (Target.Reader r : readers) {
                r.close();
            }
        }
        m.sent = m.count();
        m.gaps = gaps.sum();
        if (failure.get() != null) {
            throw failure.get() instanceof Exception e ? e : new IllegalStateException(failure.get());
        }
    }

    // ------------------------------------------------------------------ e2e

    static Measurement e2e(Target t, Settings s) throws Exception {
        if (s.size() < 16) {
            throw new IllegalArgumentException("e2e needs --size of at least 16 bytes (send time and id)");
        }
        warmUp(s, () -> endToEnd(t, s, new Measurement(s.clients(), s.partitions()), 0, s.warmup(), "warm-up"));
        Measurement m = new Measurement(s.clients(), s.partitions());
        endToEnd(t, s, m, s.msgs(), s.duration(), s.workload());
        return m;
    }

    private static void endToEnd(Target t, Settings s, Measurement m, long msgs, Duration duration,
                                 String label) throws Exception {
        int parts = s.partitions();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Target.Reader> readers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int p = 0; p < parts; p++) {
                readers.add(t.reader(s.stream(), p, false, Math.max(1024, s.window())));
            }
            for (int p = 0; p < parts; p++) {
                Target.Reader r = readers.get(p);
                threads.add(Thread.ofPlatform().name("lb-bench-" + label + "-reader-" + p).start(() -> {
                    try {
                        while (!stop.get()) {
                            Target.Delivery d = r.poll(E2E_POLL);
                            if (d == null) {
                                continue;
                            }
                            long now = System.nanoTime();
                            ByteBuffer b = d.value();
                            if (b.remaining() < 16) {
                                m.error(new IllegalStateException("a " + b.remaining()
                                        + "-byte message that this e2e run did not send (offset " + d.offset() + ")"));
                                continue;
                            }
                            long sentNs = b.getLong(b.position());
                            long token = b.getLong(b.position() + 8);
                            m.record(token, now - sentNs, b.remaining());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            publishPhase(t, s, m, msgs, duration, Workloads::stamp, label);
            // Wait for the last messages: until all arrived or nothing arrived for a timeout.
            long last = m.count();
            long idleSince = System.nanoTime();
            while (m.count() < m.sent && System.nanoTime() - idleSince < s.timeout().toNanos()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                long c = m.count();
                if (c != last) {
                    last = c;
                    idleSince = System.nanoTime();
                }
            }
        } finally {
            stop.set(true);
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(5));
            }
            for (Target.Reader r : readers) {
                r.close();
            }
        }
        if (failure.get() != null) {
            throw failure.get() instanceof Exception e ? e : new IllegalStateException(failure.get());
        }
    }

    // ------------------------------------------------------------------ rtt

    static Measurement rtt(Target t, Settings s) throws Exception {
        warmUp(s, () -> roundTrips(t, s, new Measurement(s.clients(), s.partitions()), 0, s.warmup(), "warm-up"));
        Measurement m = new Measurement(s.clients(), s.partitions());
        roundTrips(t, s, m, s.msgs(), s.duration(), s.workload());
        return m;
    }

    private static void roundTrips(Target t, Settings s, Measurement m, long msgs, Duration duration,
                                   String label) throws Exception {
        long deadline = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        double periodNs = s.paced() ? 1e9 * s.clients() / s.rate() : 0;
        LongAdder sent = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        m.start();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < s.clients(); i++) {
            int client = i;
            long n = share(msgs, s.clients(), i);
            threads.add(Thread.ofPlatform().name("lb-bench-" + label + "-" + i).start(() -> {
                try {
                    for (long k = 0; k < n; k++) {
                        long t0 = System.nanoTime();
                        if (periodNs > 0) {
                            t0 = m.startNs + (long) (k * periodNs);
                            parkUntil(t0);
                        }
                        if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                            break;
                        }
                        sent.increment();
                        t.roundTrip(s.stream());
                        m.record(Measurement.token(client, k), System.nanoTime() - t0, 0);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        waitFor(threads, s, m, sent, label);
        m.sent = sent.sum();
        if (failure.get() != null) {
            throw failure.get() instanceof Exception e ? e : new IllegalStateException(failure.get());
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** A phase that may throw. */
    private interface Phase {
        void run() throws Exception;
    }

    private static void warmUp(Settings s, Phase phase) throws Exception {
        if (s.warmup() == null || s.warmup().isZero()) {
            return;
        }
        if (s.progress() != null) {
            s.progress().printf("warming up for %s...%n", s.warmup());
            s.progress().flush();
        }
        phase.run();
    }

    /** Client i's part of {@code total}; unlimited when {@code total} is not positive. */
    static long share(long total, int parts, int i) {
        if (total <= 0) {
            return Long.MAX_VALUE;
        }
        return total / parts + (i < total % parts ? 1 : 0);
    }

    /** A power of two holding every send time that can be outstanding. */
    static int ringSize(long msgs, int window) {
        long want = Math.max(Math.min(msgs, MAX_RING), 2L * window);
        int ring = Integer.highestOneBit((int) Math.min(Math.max(want, 2), MAX_RING));
        return ring < want ? Math.min(ring << 1, MAX_RING) : ring;
    }

    static void parkUntil(long dueNs) {
        long wait;
        while ((wait = dueNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Joins the workers, printing progress once a second when asked to. */
    private static void waitFor(List<Thread> threads, Settings s, Measurement m, LongAdder sent, String label)
            throws InterruptedException {
        long lastCount = 0;
        long lastNs = System.nanoTime();
        for (Thread th : threads) {
            while (!th.join(Duration.ofSeconds(1))) {
                if (s.progress() != null) {
                    long now = System.nanoTime();
                    long c = m.count();
                    Histogram h = m.drainInterval();
                    double rate = (c - lastCount) * 1e9 / Math.max(1, now - lastNs);
                    s.progress().printf("%s: %,d msgs%s, %,.0f msg/s, p99 %s%n", label, c,
                            sent == null ? "" : " (" + String.format("%,d", sent.sum()) + " sent)",
                            rate, h.getTotalCount() == 0 ? "-" : Report.micros(h.getValueAtPercentile(99)) + " µs");
                    s.progress().flush();
                    lastCount = c;
                    lastNs = now;
                }
            }
        }
    }
}
