package lb.broker.log;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Commit-log benchmarks (a plain main, run by {@code scripts/log-bench}): 256-byte values,
 * append throughput by batch size and sync policy, group commit with concurrent appenders,
 * sequential read, offset and timestamp lookup latency, open time of a 1,000-segment log and of
 * 1,000 idle partitions. Prints one line per figure. Args: {@code [workDir] [secondsPerCase]}.
 */
public final class LogBench {

    private static final int VALUE = 256;

    private LogBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory(args.length > 0 ? Path.of(args[0])
                : Path.of(System.getProperty("java.io.tmpdir")), "lb-log-bench");
        double secs = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        System.out.printf("lb log bench: %d cpus, load %.2f, %s, %s%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        try {
            for (SyncPolicy sync : List.of(SyncPolicy.NONE, SyncPolicy.ALWAYS)) {
                for (int batch : new int[] {1, 16, 256}) {
                    append(work, sync, batch, 1, secs);
                }
            }
            append(work, SyncPolicy.ALWAYS, 16, 4, secs);
            append(work, SyncPolicy.ALWAYS, 64, 8, secs);
            readAndLookup(work, secs);
            openManySegments(work);
            openIdlePartitions(work);
        } finally {
            delete(work);
        }
    }

    private static List<LogRecord> batch(int n) {
        byte[] value = new byte[VALUE];
        new Random(1).nextBytes(value);
        List<LogRecord> b = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            b.add(LogRecord.of(System.nanoTime(), 1, null, value, Map.of(), "bench", ""));
        }
        return b;
    }

    private static void append(Path work, SyncPolicy sync, int batchSize, int threads,
                               double secs) throws Exception {
        Path d = work.resolve("append-" + sync + "-" + batchSize + "-" + threads);
        LogSettings s = LogSettings.defaults().withSync(sync)
                .withSegmentMaxBytes(256L << 20);
        try (CommitLog log = CommitLog.open(d, s)) {
            List<LogRecord> b = batch(batchSize);
            AtomicLong count = new AtomicLong();
            long warmEnd = System.nanoTime() + (long) (secs * 0.3e9);
            long[] startAt = new long[1];
            long end = warmEnd + (long) (secs * 1e9);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().name("bench-appender-" + t).start(() -> {
                    try {
                        while (true) {
                            long now = System.nanoTime();
                            if (now >= end) {
                                return;
                            }
                            log.append(b);
                            if (now >= warmEnd) {
                                count.addAndGet(batchSize);
                            }
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            startAt[0] = warmEnd;
            for (Thread t : ts) {
                t.join();
            }
            double rate = count.get() / ((end - startAt[0]) / 1e9);
            System.out.printf("append  sync=%-6s batch=%-3d appenders=%d  %,12.0f records/s  "
                    + "%7.1f MB/s%n", sync, batchSize, threads, rate,
                    rate * RecordCodec.sizeOf(b.get(0)) / 1e6);
        }
        delete(d);
    }

    private static void readAndLookup(Path work, double secs) throws Exception {
        Path d = work.resolve("read");
        int n = 2_000_000;
        try (CommitLog log = CommitLog.open(d, LogSettings.defaults().withSync(SyncPolicy.NONE)
                .withSegmentMaxBytes(128L << 20))) {
            byte[] value = new byte[VALUE];
            long ts0 = 1_000_000_000L;
            for (int i = 0; i < n; i += 256) {
                List<LogRecord> b = new ArrayList<>(256);
                for (int j = 0; j < 256; j++) {
                    b.add(LogRecord.of(ts0 + (i + j) * 1000L, 1, null, value, Map.of(), "bench",
                            ""));
                }
                log.append(b);
            }
            // Sequential read: 1 MiB chunks, walking entries (what replication/subscribe do).
            for (boolean decode : new boolean[] {false, true}) {
                long records = 0;
                long t0 = System.nanoTime();
                long end = t0 + (long) (secs * 1e9);
                while (System.nanoTime() < end) {
                    long off = 0;
                    while (off < log.logEndOffset()) {
                        Chunk c = log.read(off, 1 << 20, Long.MAX_VALUE);
                        if (decode) {
                            records += c.records().size();
                        } else {
                            ByteBuffer bb = c.bytes();
                            for (int p = 0; p < bb.limit(); p += bb.getInt(p) + 4) {
                                records++;
                            }
                        }
                        off = c.lastOffset() + 1;
                    }
                }
                double rate = records / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("read    sequential, 1 MiB chunks, %-22s %,12.0f records/s%n",
                        decode ? "decoded to LogRecord:" : "entries walked:", rate);
            }
            Random rnd = new Random(5);
            int lookups = 200_000;
            long[] lat = new long[lookups];
            for (int i = 0; i < lookups; i++) {
                long off = rnd.nextInt(n);
                long t0 = System.nanoTime();
                Chunk c = log.read(off, 1, Long.MAX_VALUE);
                lat[i] = System.nanoTime() - t0;
                if (c.firstOffset() != off) {
                    throw new IllegalStateException("lookup of " + off + " gave " + c);
                }
            }
            report("lookup  by offset (read 1 record)", lat);
            for (int i = 0; i < lookups; i++) {
                long off = rnd.nextInt(n);
                long t0 = System.nanoTime();
                long got = log.offsetForTimestamp(ts0 + off * 1000L);
                lat[i] = System.nanoTime() - t0;
                if (got != off) {
                    throw new IllegalStateException("time lookup of " + off + " gave " + got);
                }
            }
            report("lookup  by timestamp", lat);
        }
        delete(d);
    }

    private static void report(String what, long[] lat) {
        long[] s = lat.clone();
        Arrays.sort(s);
        System.out.printf("%-40s p50 %6.1f us  p99 %6.1f us  p99.9 %7.1f us%n", what,
                s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3,
                s[(int) (s.length * 0.999)] / 1e3);
    }

    private static void openManySegments(Path work) throws Exception {
        Path d = work.resolve("segments");
        LogSettings s = LogSettings.defaults().withSync(SyncPolicy.NONE).withSegmentMaxBytes(4096);
        try (CommitLog log = CommitLog.open(d, s)) {
            while (log.segmentCount() < 1000) {
                log.append(batch(16));
            }
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            try (CommitLog log = CommitLog.open(d, s)) {
                log.read(log.newestOffset(), 1, Long.MAX_VALUE);
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        System.out.printf("open    one log of 1,000 segments (best of 5)       %8.1f ms%n",
                best / 1e6);
        delete(d);
    }

    private static void openIdlePartitions(Path work) throws Exception {
        Path d = work.resolve("partitions");
        LogSettings s = LogSettings.defaults();
        int n = 1000;
        for (int i = 0; i < n; i++) {
            try (CommitLog log = CommitLog.open(d.resolve("p" + i), s)) {
                log.append(batch(10));
                log.setHighWatermark(9);
            }
        }
        List<CommitLog> logs = new ArrayList<>(n);
        long heap0 = usedHeap();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            logs.add(CommitLog.open(d.resolve("p" + i), s));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long heap = usedHeap() - heap0;
        System.out.printf("open    1,000 idle partitions (10 records each)    %8d ms, %,d bytes "
                + "heap each%n", ms, heap / n);
        for (CommitLog l : logs) {
            l.close();
        }
        delete(d);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
