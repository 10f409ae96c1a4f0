package lb.broker.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the embedded server against Debian's nats-server, in one run, same machine,
 * same jnats clients: 1 publisher → 1 subscriber and 1 → 10 subscribers, 256-byte messages.
 *
 * <p>Each server runs in its own process (the embedded one in a child JVM of this class), so
 * neither shares a heap or JIT with the clients. The publisher keeps at most {@code window}
 * messages in flight ahead of the slowest subscriber, which keeps both servers below their
 * slow-consumer limits; every run checks that no message was lost. Each scenario runs
 * {@code --runs} times per server, alternating servers, after a warm-up; the median is reported.
 *
 * <pre>
 *   java -cp ... lb.broker.nats.NatsBench [--messages 2000000] [--fanout-messages 300000] [--size 256] [--runs 3] [--io-threads N]
 * </pre>
 */
@SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException
public final class NatsBench {
    private NatsBench() {
    }

    public static void main(String[] args) throws Exception {
        int ioThreads = intArg(args, "--io-threads", NatsServerOptions.builder().build().ioThreads());
        if (args.length > 0 && args[0].equals("--serve-embedded")) {
            serveEmbedded(ioThreads);
            return;
        }
        int messages = intArg(args, "--messages", 2_000_000);
        int fanoutMessages = intArg(args, "--fanout-messages", 300_000);
        int size = intArg(args, "--size", 256);
        int runs = intArg(args, "--runs", 3);
        int window = intArg(args, "--window", 50_000);

        System.out.printf(Locale.ROOT, "cores=%d load=%s messages=%d fanout-messages=%d size=%d runs=%d embedded-io-threads=%d%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), messages, fanoutMessages, size, runs, ioThreads);
        try (NatsTarget reference = new NatsTarget.Debian(NatsTarget.Auth.NONE);
             ChildServer embedded = ChildServer.start(ioThreads)) {
            String[] names = {"nats-server", "embedded"};
            String[] urls = {reference.url(), embedded.url};
            long[] pids = {((NatsTarget.Debian) reference).pid(), embedded.process.pid()};
            for (String url : urls) { // warm up both (JIT in the child JVM and in these clients)
                pubSub(url, 200_000, size, window);
                fanOut(url, 20_000, size, 10, window);
            }
            double[][] single = new double[2][runs];
            double[][] fan = new double[2][runs];
            double[][] singleCpu = new double[2][runs];
            double[][] fanCpu = new double[2][runs];
            for (int r = 0; r < runs; r++) {
                for (int s = 0; s < 2; s++) {
                    long cpu0 = cpuMillis(pids[s]);
                    single[s][r] = pubSub(urls[s], messages, size, window);
                    long cpu1 = cpuMillis(pids[s]);
                    fan[s][r] = fanOut(urls[s], fanoutMessages, size, 10, window);
                    long cpu2 = cpuMillis(pids[s]);
                    singleCpu[s][r] = messages / Math.max(1e-3, (cpu1 - cpu0) / 1000.0);
                    fanCpu[s][r] = (long) fanoutMessages * 10 / Math.max(1e-3, (cpu2 - cpu1) / 1000.0);
                    System.out.printf(Locale.ROOT, "run %d %-11s 1->1 %,12.0f msg/s (%,.0f per server CPU-s)   1->10 %,12.0f msg/s delivered (%,.0f per server CPU-s)%n",
                            r + 1, names[s], single[s][r], singleCpu[s][r], fan[s][r], fanCpu[s][r]);
                }
            }
            report("1 -> 1 ", median(single[0]), median(single[1]));
            report("1 -> 10", median(fan[0]), median(fan[1]));
            System.out.println("server CPU efficiency (messages per CPU-second the server process used; less sensitive to other load):");
            report("1 -> 1 ", median(singleCpu[0]), median(singleCpu[1]));
            report("1 -> 10", median(fanCpu[0]), median(fanCpu[1]));
            System.out.printf(Locale.ROOT, "load after: %s%n", loadAverage());
        }
    }

    private static void report(String scenario, double reference, double embedded) {
        System.out.printf(Locale.ROOT, "%s  nats-server %,12.0f msg/s   embedded %,12.0f msg/s   ratio %.2f%n",
                scenario, reference, embedded, embedded / reference);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime (fields 14, 15)
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read CPU time of process " + pid, e);
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return dflt;
    }

    private static Connection connect(String url) throws Exception {
        return Nats.connect(new Options.Builder().server(url).noReconnect()
                .maxMessagesInOutgoingQueue(1_000_000).bufferSize(256 * 1024).build());
    }

    /** Publishes {@code messages} to one subscriber; returns messages per second end to end. */
    static double pubSub(String url, int messages, int size, int window) throws Exception {
        return fanOut(url, messages, size, 1, window) ;
    }

    /** Publishes {@code messages} to {@code subscribers}; returns delivered messages per second. */
    static double fanOut(String url, int messages, int size, int subscribers, int window) throws Exception {
        List<Connection> subs = new ArrayList<>();
        AtomicLong[] received = new AtomicLong[subscribers];
        try (Connection pub = connect(url)) {
            for (int i = 0; i < subscribers; i++) {
                Connection c = connect(url);
                subs.add(c);
                AtomicLong n = new AtomicLong();
                received[i] = n;
                Dispatcher d = c.createDispatcher(m -> n.incrementAndGet());
                d.setPendingLimits(-1, -1);
                d.subscribe("bench");
                c.flush(Duration.ofSeconds(10));
            }
            byte[] payload = new byte[size];
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                pub.publish("bench", payload);
                if ((i & 1023) == 0) {
                    while (i - minOf(received) > window) {
                        Thread.onSpinWait();
                    }
                }
            }
            pub.flush(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (minOf(received) < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("lost messages: subscribers got " + Arrays.toString(received) + " of " + messages);
                }
                Thread.sleep(1);
            }
            long elapsed = System.nanoTime() - start;
            long total = 0;
            for (AtomicLong r : received) {
                total += r.get();
            }
            if (total != (long) messages * subscribers) {
                throw new IllegalStateException("expected " + (long) messages * subscribers + " deliveries, got " + total);
            }
            return total * 1e9 / elapsed;
        } finally {
            for (Connection c : subs) {
                c.close();
            }
        }
    }

    private static long minOf(AtomicLong[] counters) {
        long min = Long.MAX_VALUE;
        for (AtomicLong c : counters) {
            min = Math.min(min, c.get());
        }
        return min;
    }

    /** The embedded server in a child JVM of this class (same class path). */
    private static final class ChildServer implements AutoCloseable {
        final Process process;
        final String url;

        private ChildServer(Process process, String url) {
            this.process = process;
            this.url = url;
        }

        static ChildServer start(int ioThreads) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    NatsBench.class.getName(), "--serve-embedded", "--io-threads", String.valueOf(ioThreads))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("URL ")) {
                p.destroyForcibly();
                throw new IllegalStateException("embedded server child did not start: " + line);
            }
            return new ChildServer(p, line.substring(4));
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close(); // the child exits when its stdin ends
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void serveEmbedded(int ioThreads) throws Exception {
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).ioThreads(ioThreads).build())) {
            System.out.println("URL " + server.clientUrl());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin (or die)
            }
        }
    }
}
