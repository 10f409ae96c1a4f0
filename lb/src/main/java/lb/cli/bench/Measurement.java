package lb.cli.bench;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one measured phase of a workload collects: a latency histogram (nanoseconds, 3
 * significant digits), message and byte counts per client, errors, and the completeness
 * bookkeeping — which tokens were acknowledged or received (each exactly once) and, per
 * partition, which offsets were acknowledged (each at most once).
 *
 * <p>Threads: recorded into from any thread (workers and transport callbacks); HdrHistogram's
 * {@link Recorder} is wait-free for writers, the bit sets are guarded by their own monitors.
 * {@link #drainInterval()} and {@link #total()} belong to the command's thread.
 */
final class Measurement {

    /** Token layout: client index in the high bits, sequence number in the low 40. */
    static final int SEQ_BITS = 40;
    static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    private final Recorder latency = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final AtomicLongArray perClient;
    private final BitSet[] seen;
    private final BitSet[] offsets;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder duplicateOffsets = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong lastEventNs = new AtomicLong();
    private volatile String firstError;
    volatile long startNs;
    /** CPU time of this process at {@link #start()}, nanoseconds; -1 when the JVM does not tell. */
    volatile long startCpuNs = -1;
    /** Messages sent (pub, e2e, rtt) or read (sub); set at the end of the phase. */
    volatile long sent;
    /** Offsets skipped by a catch-up read; set at the end of the phase. */
    volatile long gaps;

    Measurement(int clients, int partitions) {
        perClient = new AtomicLongArray(clients);
        seen = new BitSet[clients];
        for (int i = 0; i < clients; i++) {
            seen[i] = new BitSet();
        }
        offsets = new BitSet[partitions];
        for (int i = 0; i < partitions; i++) {
            offsets[i] = new BitSet();
        }
    }

    static long token(int client, long seq) {
        return ((long) client << SEQ_BITS) | seq;
    }

    static int client(long token) {
        return (int) (token >>> SEQ_BITS);
    }

    static long seq(long token) {
        return token & SEQ_MASK;
    }

    void start() {
        startCpuNs = processCpuNs();
        startNs = System.nanoTime();
        lastEventNs.set(startNs);
    }

    /**
     * CPU time (user + system, every thread: the workload's, the transport's, JIT and GC) this
     * process used since {@link #start()}, in nanoseconds; -1 when the JVM does not tell.
     */
    long cpuNs() {
        long now = processCpuNs();
        return now < 0 || startCpuNs < 0 ? -1 : now - startCpuNs;
    }

    private static long processCpuNs() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /**
     * Counts one acknowledged or received message: its token must not have been seen before (a
     * second sighting is a duplicate and counts nothing else), and its latency is recorded.
     */
    void record(long token, long latencyNs, int size) {
        int c = client(token);
        long seq = seq(token);
        if (c < 0 || c >= seen.length || seq > Integer.MAX_VALUE) {
            errors.increment();
            return;
        }
        BitSet s = seen[c];
        synchronized (s) {
            if (s.get((int) seq)) {
                duplicates.increment();
                return;
            }
            s.set((int) seq);
        }
        perClient.incrementAndGet(c);
        bytes.add(size);
        if (latencyNs >= 0) {
            latency.recordValue(Math.max(1, latencyNs));
        }
        event();
    }

    /** Counts one received message of a read without tokens (catch-up read), no latency. */
    void recordRead(int client, int size) {
        perClient.incrementAndGet(client);
        bytes.add(size);
        event();
    }

    /** Notes an acknowledged offset of {@code partition}; a second ack of one offset is counted. */
    void ackedOffset(int partition, long offset) {
        if (offset < 0 || offset > Integer.MAX_VALUE || partition >= offsets.length) {
            return;
        }
        BitSet b = offsets[partition];
        synchronized (b) {
            if (b.get((int) offset)) {
                duplicateOffsets.increment();
            } else {
                b.set((int) offset);
            }
        }
    }

    void duplicate() {
        duplicates.increment();
    }

    void error(Throwable t) {
        errors.increment();
        if (firstError == null) {
            firstError = String.valueOf(t.getMessage() == null ? t : t.getMessage());
        }
    }

    private void event() {
        long now = System.nanoTime();
        long prev;
        while ((prev = lastEventNs.get()) < now && !lastEventNs.compareAndSet(prev, now)) {
            // retry: another thread moved it
        }
    }

    /** Moves what was recorded since the last call into the total; the interval histogram. */
    Histogram drainInterval() {
        Histogram h = latency.getIntervalHistogram();
        total.add(h);
        return h;
    }

    Histogram total() {
        drainInterval();
        return total;
    }

    long count() {
        long n = 0;
        for (int i = 0; i < perClient.length(); i++) {
            n += perClient.get(i);
        }
        return n;
    }

    long count(int client) {
        return perClient.get(client);
    }

    int clients() {
        return perClient.length();
    }

    long bytes() {
        return bytes.sum();
    }

    long duplicates() {
        return duplicates.sum();
    }

    long duplicateOffsets() {
        return duplicateOffsets.sum();
    }

    long errors() {
        return errors.sum();
    }

    String firstError() {
        return firstError;
    }

    /** Nanoseconds from {@link #start()} to the last recorded message. */
    long elapsedNs() {
        return Math.max(1, lastEventNs.get() - startNs);
    }
}
