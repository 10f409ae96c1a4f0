package lb.cli.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;
import lb.broker.server.BrokerServer;
import lb.cli.Main;
import lb.client.Consumer;
import lb.client.ConsumerOptions;
import lb.client.LiftbridgeClient;
import lb.client.MessageOptions;
import lb.client.StreamOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lb group} against a real broker (embedded NATS, real sockets) while consumers run:
 * list, describe (members, holders, committed offset, HW, lag as a table and JSON) and seek
 * (dry run by default, refused while the group has members, written with --execute).
 */
class GroupCommandTest {

    @TempDir
    Path dir;
    BrokerServer broker;
    LiftbridgeClient client;
    final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        int nats;
        try (ServerSocket s = new ServerSocket(0)) {
            nats = s.getLocalPort();
        }
        String yaml = "port: 0\nhost: 127.0.0.1\nlisten: 127.0.0.1:0\ndata.dir: " + dir.resolve("data") + "\n"
                + "clustering.server.id: b1\nnats.embedded: true\nnats.servers: [\"nats://127.0.0.1:" + nats + "\"]\n"
                + "cursors.stream.partitions: 2\nactivity.stream.enabled: true\ngroups.consumer.timeout: 5s\n";
        broker = BrokerServer.start(ConfigLoader.load(yaml, "test.yaml", new ConfigOverrides(), Map.of()));
        client = LiftbridgeClient.connect(servers());
    }

    @AfterEach
    void stop() {
        for (Consumer c : consumers) {
            c.close();
        }
        client.close();
        broker.close();
    }

    String servers() {
        return "127.0.0.1:" + broker.port();
    }

    record Run(int code, String out, String err) {
    }

    Run lb(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-s");
        all.add(servers());
        int code = cl.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    Consumer member(String id) {
        Consumer c = Consumer.join(LiftbridgeClient.connect(servers()), ConsumerOptions.create("g", id)
                .streams("orders").autoOffset(ConsumerOptions.AutoOffset.EARLIEST).checkpointInterval(Duration.ZERO));
        consumers.add(c);
        return c;
    }

    /** Consumes {@code n} messages and commits them. */
    static void consume(Consumer c, int n) throws InterruptedException {
        int got = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got < n && System.nanoTime() < deadline) {
            if (c.poll(Duration.ofMillis(50)) != null) {
                got++;
            }
        }
        assertEquals(n, got, "messages consumed");
        c.commit();
    }

    static int held(Consumer c) {
        return c.assignment().values().stream().mapToInt(List::size).sum();
    }

    @Test
    void describeShowsMembersCheckpointsAndLagWhileConsumersRun() throws Exception {
        client.createStream("orders", "orders", StreamOptions.defaults().partitions(2));
        for (int i = 0; i < 10; i++) { // 5 per partition: offsets 0..4, HW 4
            client.publish("orders", ("m" + i).getBytes(StandardCharsets.UTF_8),
                    MessageOptions.create().partition(i % 2).ackPolicy(Api.AckPolicy.LEADER));
        }
        Consumer a = member("a");
        Consumer b = member("b");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // Settled: each holds one partition (a held both until its next assignment poll).
        while (!(held(a) == 1 && held(b) == 1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(1, 1), List.of(held(a), held(b)), "one partition each");
        consume(a, 2); // a's partition: committed 1, lag 3
        consume(b, 5); // b's partition: committed 4, lag 0
        int pa = a.assignment().get("orders").get(0);
        int pb = b.assignment().get("orders").get(0);

        Run json = lb("group", "describe", "g", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode d = JsonMapper.builder().build().readTree(json.out());
        assertTrue(d.get("active").asBoolean());
        assertEquals("b1", d.get("coordinator").asString());
        assertEquals(3, d.get("lag").asLong());
        assertEquals(List.of("a", "b"), List.copyOf(d.get("members").propertyNames()));
        for (JsonNode p : d.get("partitions")) {
            boolean ofA = p.get("partition").asInt() == pa;
            assertEquals(ofA ? "a" : "b", p.get("member").asString());
            assertEquals(4, p.get("highWatermark").asLong());
            assertEquals(ofA ? 1 : 4, p.get("committed").asLong());
            assertEquals(ofA ? 3 : 0, p.get("lag").asLong());
        }
        Run text = lb("group", "describe", "g");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("MEMBERS      a, b"), text.out());
        assertTrue(text.out().matches("(?s).*\\norders\\s+" + pa + "\\s+a\\s+1\\s+4\\s+3\\n.*"), text.out());
        assertTrue(text.out().matches("(?s).*\\norders\\s+" + pb + "\\s+b\\s+4\\s+4\\s+0\\n.*"), text.out());

        Run list = lb("group", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().matches("(?s)GROUP\\s+STATE.*\\ng\\s+active\\s+b1\\s+\\d+\\s+2\\s+3\\n"), list.out());

        // Seek: a dry run writes nothing; --execute is refused while members run.
        Run plan = lb("group", "seek", "g", "--to", "earliest");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.err().contains("dry run"), plan.err());
        assertEquals(1, client.fetchCursor(Consumer.cursorId("g"), "orders", pa));
        assertEquals(6, lb("group", "seek", "g", "--to", "earliest", "--execute").code());

        a.close();
        b.close();
        Run moved = lb("group", "seek", "g", "--to", "-2", "--execute");
        assertEquals(0, moved.code(), moved.err());
        assertEquals(2, client.fetchCursor(Consumer.cursorId("g"), "orders", pa), "resume at the last 2");
        Run after = lb("group", "describe", "g", "--json");
        JsonNode gone = JsonMapper.builder().build().readTree(after.out());
        assertEquals(false, gone.get("active").asBoolean());
        assertEquals(4, gone.get("lag").asLong(), "2 + 2 behind after the seek");
        assertEquals(3, lb("group", "describe", "nope").code(), "unknown group: not found");
    }
}
