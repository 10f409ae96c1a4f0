package lb.broker.metadata;

import io.liftbridge.proto.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Measures the metadata path on real files (not a test; run by hand):
 * <pre>
 *   ./mvnw -q -pl lb-broker exec:java -Dexec.classpathScope=test \
 *       -Dexec.mainClass=lb.broker.metadata.LocalCommandLogBench [-Dexec.args=DIR]
 * </pre>
 * 1. CreateStream one at a time (latency, dominated by one fsync each);
 * 2. CreateStream with 64 in flight (group commit throughput);
 * 3. restart with 1,000 single-partition streams: replay from the log only, then from a snapshot.
 */
public final class LocalCommandLogBench {
    private LocalCommandLogBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("lb-meta-bench");
        System.out.printf("directory %s, %d cores, load %.2f%n", base, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // 1. sequential
        Path d1 = base.resolve("seq");
        try (LocalCommandLog log = new LocalCommandLog(d1, "n1", LocalCommandLog.DEFAULT_SNAPSHOT_THRESHOLD)) {
            MetadataFsm fsm = new MetadataFsm();
            log.start(fsm);
            MetadataController c = new MetadataController(log, fsm, () -> List.of("n1"), Clock.systemUTC());
            int n = 2_000;
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                c.createStream(req("seq-" + i)).get(30, TimeUnit.SECONDS);
                lat[i] = System.nanoTime() - s;
            }
            long total = System.nanoTime() - t0;
            Arrays.sort(lat);
            System.out.printf("sequential CreateStream: %d in %.0f ms = %.0f/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    n, total / 1e6, n / (total / 1e9), lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
        }

        // 2. pipelined
        Path d2 = base.resolve("pipe");
        try (LocalCommandLog log = new LocalCommandLog(d2, "n1", LocalCommandLog.DEFAULT_SNAPSHOT_THRESHOLD)) {
            MetadataFsm fsm = new MetadataFsm();
            log.start(fsm);
            MetadataController c = new MetadataController(log, fsm, () -> List.of("n1"), Clock.systemUTC());
            int n = 20_000;
            Semaphore window = new Semaphore(64);
            List<CompletableFuture<StreamInfo>> all = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                window.acquire();
                CompletableFuture<StreamInfo> f = c.createStream(req("pipe-" + i));
                f.whenComplete((r, e) -> window.release());
                all.add(f);
            }
            for (CompletableFuture<StreamInfo> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
            long total = System.nanoTime() - t0;
            System.out.printf("pipelined CreateStream (64 in flight): %d in %.0f ms = %.0f/s%n", n, total / 1e6, n / (total / 1e9));
        }

        // 3. restart with 1,000 streams
        for (int threshold : new int[] {1_000_000, 1_000}) {
            Path d3 = base.resolve("restart-" + threshold);
            try (LocalCommandLog log = new LocalCommandLog(d3, "n1", threshold)) {
                MetadataFsm fsm = new MetadataFsm();
                log.start(fsm);
                MetadataController c = new MetadataController(log, fsm, () -> List.of("n1"), Clock.systemUTC());
                List<CompletableFuture<StreamInfo>> all = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    all.add(c.createStream(req("s-" + i)));
                }
                for (CompletableFuture<StreamInfo> f : all) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            long t0 = System.nanoTime();
            MetadataFsm fsm = new MetadataFsm();
            try (LocalCommandLog log = new LocalCommandLog(d3, "n1", threshold)) {
                log.start(fsm);
            }
            long total = System.nanoTime() - t0;
            System.out.printf("restart with %d streams (%s): %.1f ms%n", fsm.view().streams().size(),
                    threshold == 1_000 ? "from a snapshot" : "replaying 1,000 log entries", total / 1e6);
        }
    }

    private static Api.CreateStreamRequest req(String name) {
        return Api.CreateStreamRequest.newBuilder().setName(name).setSubject("bench." + name).build();
    }
}
