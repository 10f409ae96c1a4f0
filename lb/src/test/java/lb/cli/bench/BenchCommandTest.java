package lb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;
import lb.broker.server.BrokerServer;
import lb.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code lb bench} end to end against a real broker (embedded NATS, real files and sockets) and,
 * when Debian's nats-server is installed, against JetStream. Small message counts: these check
 * behaviour and the completeness accounting, not speed.
 */
class BenchCommandTest {

    @TempDir
    static Path dir;
    static BrokerServer broker;
    static int natsPort;

    @BeforeAll
    static void start() throws IOException {
        natsPort = freePort();
        String yaml = "port: 0\nhost: 127.0.0.1\nlisten: 127.0.0.1:0\ndata.dir: " + dir.resolve("data") + "\n"
                + "clustering.server.id: b1\nnats.embedded: true\n"
                + "nats.servers: [\"nats://127.0.0.1:" + natsPort + "\"]\n";
        broker = BrokerServer.start(ConfigLoader.load(yaml, "test.yaml", new ConfigOverrides(), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            return Report.MAPPER.readTree(out);
        }
    }

    static Run bench(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    String server() {
        return "127.0.0.1:" + broker.port();
    }

    @Test
    void publishesOverGrpcAndNatsThenReadsEveryOffsetBack() {
        Run a = bench("pub", "s1", "-s", server(), "--create", "--msgs", "2000", "--size", "64B",
                "--window", "50", "--json", "--no-progress");
        assertEquals(0, a.exit(), a.err());
        JsonNode j = a.json();
        assertEquals(2000, j.get("messages").asLong());
        assertTrue(j.get("complete").asBoolean());
        assertTrue(j.get("latency_us").get("p99").asDouble() > 0);
        double cpu = j.get("client_cpu_us_per_msg").asDouble();
        // Sending, acking and checking a message cannot be free, nor take a CPU-second here.
        assertTrue(cpu > 0 && cpu < 1_000_000, j.toString());

        Run n = bench("pub", "s1", "-s", server(), "--path", "nats", "--nats", "nats://127.0.0.1:" + natsPort,
                "--msgs", "1000", "--window", "20", "--json", "--no-progress");
        assertEquals(0, n.exit(), n.err());
        assertEquals(1000, n.json().get("messages").asLong());

        Run sync = bench("pub", "s1", "-s", server(), "--msgs", "50", "--window", "1", "--json", "--no-progress");
        assertEquals(0, sync.exit(), sync.err());
        assertEquals(50, sync.json().get("messages").asLong());
        Run unary = bench("pub", "s1", "-s", server(), "--msgs", "50", "--window", "1", "--path", "unary",
                "--json", "--no-progress");
        assertEquals(0, unary.exit(), unary.err());
        assertEquals(50, unary.json().get("messages").asLong());
        assertTrue(unary.json().get("complete").asBoolean());
        Run unaryWindow = bench("pub", "s1", "-s", server(), "--msgs", "50", "--path", "unary", "--no-progress");
        assertEquals(2, unaryWindow.exit(), unaryWindow.err());
        assertTrue(unaryWindow.err().contains("--window 1"), unaryWindow.err());

        Run r = bench("sub", "s1", "-s", server(), "--json", "--no-progress", "--cleanup");
        assertEquals(0, r.exit(), r.err());
        assertEquals(3100, r.json().get("messages").asLong());
        assertEquals(0, r.json().get("missing").asLong());
        assertTrue(r.json().get("complete").asBoolean());
    }

    @Test
    void fourClientsOnFourPartitionsWithCsvAndText(@TempDir Path tmp) throws IOException {
        Path csv = tmp.resolve("out.csv");
        Run a = bench("pub", "s4", "-s", server(), "--create", "--cleanup", "--partitions", "4", "--clients", "4",
                "--msgs", "2000", "--csv", csv.toString(), "--no-progress");
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().contains("2000 records sent"), a.out());
        assertTrue(a.out().contains("Completeness: all 2000 acknowledged"), a.out());
        assertTrue(a.out().matches("(?s).*\nClient CPU: \\d+\\.\\d\\d µs per message \\(this process, all threads\\)\\.\n.*"),
                a.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("workload,target,"));
        assertTrue(lines.get(1).startsWith("pub,lb,grpc,s4,4,4,"), lines.get(1));
    }

    @Test
    void endToEndAtAFixedRateMeasuresFromTheSchedule() {
        Run e = bench("e2e", "se", "-s", server(), "--create", "--cleanup", "--msgs", "500", "--rate", "1000/s",
                "--json", "--no-progress");
        assertEquals(0, e.exit(), e.err());
        JsonNode j = e.json();
        assertEquals(500, j.get("messages").asLong());
        assertTrue(j.get("latency_from_scheduled_send").asBoolean());
        // 500 messages at 1000/s cannot take less than about half a second.
        assertTrue(j.get("seconds").asDouble() >= 0.45, j.toString());
    }

    @Test
    void roundTripsAndUsageErrors() {
        Run c = bench("pub", "srt", "-s", server(), "--create", "--msgs", "1", "--no-progress");
        assertEquals(0, c.exit(), c.err());
        Run r = bench("rtt", "srt", "-s", server(), "--msgs", "100", "--json", "--no-progress", "--cleanup");
        assertEquals(0, r.exit(), r.err());
        assertEquals(100, r.json().get("messages").asLong());
        assertEquals(2, bench("pub", "x", "-s", server(), "--ack", "maybe").exit());
        assertEquals(2, bench("pub", "x", "-s", server(), "--size", "12parsecs").exit());
        assertEquals(3, bench("pub", "no-such-stream", "-s", server(), "--no-progress").exit());
    }

    @Test
    void jetStreamRunsTheSameWorkloads() throws Exception {
        Path nats = Path.of("/usr/sbin/nats-server");
        assumeTrue(Files.isExecutable(nats), "Debian's nats-server is not installed");
        int port = freePort();
        Process p = new ProcessBuilder(nats.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
                "-sd", dir.resolve("js").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPort(port, p);
            String url = "nats://127.0.0.1:" + port;
            Run a = bench("pub", "js1", "--jetstream", url, "--create", "--partitions", "2", "--clients", "2",
                    "--msgs", "1000", "--json", "--no-progress");
            assertEquals(0, a.exit(), a.err());
            assertEquals(1000, a.json().get("messages").asLong());
            assertEquals("jetstream", a.json().get("target").asString());
            Run r = bench("sub", "js1", "--jetstream", url, "--json", "--no-progress", "--cleanup");
            assertEquals(0, r.exit(), r.err());
            assertEquals(1000, r.json().get("messages").asLong());
            assertTrue(r.json().get("complete").asBoolean());
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    static void awaitPort(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IOException("nats-server did not start on port " + port, e);
                }
                Thread.sleep(20);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
