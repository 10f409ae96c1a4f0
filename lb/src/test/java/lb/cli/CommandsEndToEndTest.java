package lb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every command end to end against an in-JVM broker, with exit codes and output formats. */
@org.junit.jupiter.api.Timeout(90)
class CommandsEndToEndTest extends BrokerCliTest {


    /** LB_FORMAT sets --format where it names one of the command's formats; a flag still wins. */
    @Test
    void formatFromTheEnvironment() {
        ok(h.run("stream", "create", "envfmt"));
        ok(h.run("publish", "envfmt", "hello"));
        try {
            h.env.put("LB_FORMAT", "json");
            assertEquals("envfmt", JSON.readTree(ok(h.run("stream", "describe", "envfmt")).out()).get("name").asString());
            assertEquals("hello", JSON.readTree(ok(h.run("get", "envfmt", "0")).out()).get("value").asString());
            assertTrue(ok(h.run("stream", "describe", "envfmt", "--format", "text")).out().startsWith("stream envfmt"));
            h.env.put("LB_FORMAT", "jsonl"); // not a format of describe: ignored there
            assertTrue(ok(h.run("stream", "describe", "envfmt")).out().startsWith("stream envfmt"));
            assertEquals(1, ok(h.run("replay", "envfmt")).out().lines().count());
            h.env.put("LB_FORMAT", "%o=%v\\n");
            assertEquals("0=hello\n", ok(h.run("replay", "envfmt")).out());
            h.env.put("LB_FORMAT", "yaml");
            assertTrue(ok(h.run("stream", "describe", "envfmt")).out().contains("name: envfmt"));
        } finally {
            h.env.remove("LB_FORMAT");
        }
    }

    @Test
    void streamAdmin() {
        ok(h.run("stream", "create", "adm", "-p", "3"));
        Result exists = h.run("stream", "create", "adm");
        assertEquals(1, exists.code(), exists.toString());
        assertEquals("lb: stream adm already exists (--if-not-exists accepts that)\n", exists.err());
        Result accepted = ok(h.run("stream", "create", "adm", "--if-not-exists"));
        assertEquals("lb: stream adm already exists; left as it is\n", accepted.err());
        assertEquals(new Result(0, new byte[0], "").toString(),
                ok(h.run("-q", "stream", "create", "adm", "--if-not-exists")).toString());
        assertTrue(ok(h.run("stream", "list")).out().contains("adm"));
        assertEquals("adm\n", ok(h.run("stream", "list", "^adm$", "--names")).out());
        JsonNode d = JSON.readTree(ok(h.run("stream", "describe", "adm", "--json")).out());
        assertEquals(3, d.path("partitions").size());
        assertEquals("b1", d.path("partitions").get(0).path("leader").asString());
        String table = ok(h.run("stream", "describe", "adm", "-p", "1")).out();
        assertTrue(table.contains("PARTITION  LEADER  REPLICAS  ISR"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("1 ")), table);
        ok(h.run("stream", "pause", "adm", "-p", "0"));
        ok(h.run("stream", "readonly", "adm", "-p", "2"));
        JsonNode d2 = JSON.readTree(ok(h.run("stream", "describe", "adm", "--json")).out());
        assertTrue(d2.path("partitions").get(2).path("readonly").asBoolean());
        ok(h.run("stream", "readonly", "adm", "--off"));
        // Destructive without --yes and without a terminal: refused.
        assertEquals(ExitCodes.REFUSED, h.run("stream", "delete", "adm").code());
        ok(h.run("stream", "delete", "adm", "--yes"));
        assertEquals(ExitCodes.NOT_FOUND, h.run("stream", "describe", "adm").code());
    }

    @Test
    void publishLinesThenReplayRawAndTemplate() {
        ok(h.run("stream", "create", "lines"));
        Result p = ok(h.run(utf8("a\nb\nc\n"), "publish", "lines"));
        assertTrue(p.err().contains("published 3 messages"), p.err());
        assertEquals("a\nb\nc\n", ok(h.run("replay", "lines")).out());
        assertEquals("b\nc\n", ok(h.run("replay", "lines", "--from", "1")).out());
        assertEquals("b\n", ok(h.run("replay", "lines", "-o", "1:1")).out());
        assertEquals("c\n", ok(h.run("replay", "lines", "-n", "1")).out());
        assertEquals("c\n", ok(h.run("replay", "lines", "--from-offset", "-1")).out());
        assertEquals("b\nc\n", ok(h.run("replay", "lines", "--from", "+1")).out());
        assertEquals("", ok(h.run("replay", "lines", "--from", "@-1h", "--to", "@-59m")).out().replace("a\nb\nc\n", "x"));
        assertEquals("lines[0]@0 a\nlines[0]@1 b\n",
                ok(h.run("replay", "lines", "--to", "1", "--format", "%s[%p]@%o %v\\n")).out());
        assertEquals("a\n", ok(h.run("get", "lines", "0")).out());
        assertEquals(ExitCodes.NOT_FOUND, h.run("get", "lines", "9").code());
    }

    @Test
    void publishKeysHeadersFilesAndAsync() throws Exception {
        ok(h.run("stream", "create", "keyed", "-p", "2"));
        ok(h.run(utf8("k1:v1\nk2:v2\n"), "publish", "keyed", "-K", ":", "-p", "1", "-H", "trace=abc"));
        Path f = Files.write(dir.resolve("file.bin"), new byte[] {0, 1, 2, (byte) 0xff});
        ok(h.run("publish", "keyed", "--file", f.toString(), "-k", "bin", "-p", "0"));
        ok(h.run("pub", "keyed", "--count", "5", "--async", "--max-in-flight", "2", "-p", "0", "m{{n}}"));
        Result whole = ok(h.run(utf8("x\ny\n"), "produce", "keyed", "--input", "raw", "-p", "0", "--print", "%p@%o\\n"));
        assertEquals("0@6\n", whole.out());
        // reply and subject are set by the broker on every message.
        assertEquals("keyed[1]@0 k1=v1 reply=;subject=keyed.1;trace=abc;\nkeyed[1]@1 k2=v2 reply=;subject=keyed.1;trace=abc;\n",
                ok(h.run("replay", "keyed", "-p", "1", "--format", "%s[%p]@%o %k=%v %h{%k=%v;}\\n")).out());
        assertEquals("0001 02ff\n".replace(" ", ""),
                ok(h.run("get", "keyed", "0", "-p", "0", "--format", "%v{hex}\\n")).out());
        assertEquals("m1\nm2\nm3\nm4\nm5\n", ok(h.run("replay", "keyed", "-p", "0", "-o", "1:5")).out());
        // Expected offset: the next offset succeeds, a wrong one fails.
        ok(h.run("stream", "create", "occ", "--optimistic-concurrency"));
        ok(h.run("publish", "occ", "--expected-offset", "0", "first"));
        Result bad = h.run("publish", "occ", "--expected-offset", "5", "second");
        assertEquals(ExitCodes.FAILURE, bad.code(), bad.toString());
    }

    @Test
    void jsonlRoundTripsBinaryKeysHeadersAndValues() {
        ok(h.run("stream", "create", "src"));
        ok(h.run("stream", "create", "dst"));
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        String b64 = Base64.getEncoder().encodeToString(value);
        String in = "{\"key\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xc3, 0x28})
                + "\",\"key_encoding\":\"base64\",\"headers\":{\"h\":\"" + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xfe})
                + "\"},\"headers_encoding\":\"base64\",\"value\":\"" + b64 + "\",\"value_encoding\":\"base64\"}\n"
                + "{\"key\":\"plain\",\"headers\":{\"a\":\"b\"},\"value\":\"caf\u00e9\\n\"}\n";
        ok(h.run(utf8(in), "publish", "src", "--input", "jsonl"));
        Result src = ok(h.run("replay", "src", "--format", "jsonl"));
        ok(h.run(src.outBytes(), "publish", "dst", "--input", "jsonl"));
        Result dst = ok(h.run("replay", "dst", "--format", "jsonl"));
        List<JsonNode> a = lines(src.out());
        List<JsonNode> b = lines(dst.out());
        assertEquals(2, a.size());
        for (int i = 0; i < 2; i++) {
            for (String field : List.of("key", "key_encoding", "headers_encoding", "value", "value_encoding")) {
                assertEquals(a.get(i).path(field), b.get(i).path(field), field);
            }
            // Headers round-trip, except the two the broker sets on every message.
            var ha = (tools.jackson.databind.node.ObjectNode) a.get(i).path("headers").deepCopy();
            var hb = (tools.jackson.databind.node.ObjectNode) b.get(i).path("headers").deepCopy();
            ha.remove(List.of("subject", "reply"));
            hb.remove(List.of("subject", "reply"));
            assertEquals(ha, hb, "headers");
        }
        assertEquals(b64, b.get(0).path("value").asString());
        assertEquals("base64", b.get(0).path("key_encoding").asString());
        // Raw bytes out are the bytes in.
        assertArrayEquals(value, java.util.Arrays.copyOf(ok(h.run("get", "dst", "0", "--format", "raw", "-D", "")).outBytes(), 256));
    }

    static List<JsonNode> lines(String s) {
        List<JsonNode> r = new ArrayList<>();
        s.lines().forEach(l -> r.add(JSON.readTree(l)));
        return r;
    }

    @Test
    void goldenFormats() {
        ok(h.run("stream", "create", "gold"));
        ok(h.run("publish", "gold", "-k", "k", "-H", "h=v", "--correlation-id", "c1", "hello"));
        JsonNode j = JSON.readTree(ok(h.run("replay", "gold", "--format", "json")).out());
        assertEquals("gold", j.path("stream").asString());
        assertEquals(0, j.path("offset").asInt());
        assertEquals("k", j.path("key").asString());
        assertEquals("hello", j.path("value").asString());
        assertEquals("utf8", j.path("value_encoding").asString());
        assertEquals("v", j.path("headers").path("h").asString());
        String pretty = ok(h.run("replay", "gold", "--format", "pretty")).out();
        assertTrue(pretty.matches("gold\\[0\\]@0  \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z  key=k  hello\\n"), pretty);
        assertEquals("hello\n", ok(h.run("replay", "gold")).out());
        assertEquals("k:hello|", ok(h.run("replay", "gold", "-K", ":", "-D", "|")).out());
        assertEquals("6b 68656c6c6f 5\n", ok(h.run("replay", "gold", "--format", "%k{hex} %v{hex} %V\\n")).out());
    }

    @Test
    void exitCodes() {
        Result bad = h.run("replay", "nope", "--from", "yesterday");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("earliest") && bad.err().contains("@TIME"), bad.err());
        assertEquals(ExitCodes.USAGE, h.run("replay", "x", "-o", "1:2", "--from", "3").code());
        assertEquals(ExitCodes.USAGE, h.run("replay", "x", "--format", "yaml").code());
        assertEquals(ExitCodes.USAGE, h.run("stream", "nope").code());
        assertEquals(ExitCodes.NOT_FOUND, h.run("replay", "missing").code());
        assertEquals(ExitCodes.NOT_FOUND, h.run("publish", "missing", "x").code());
        assertEquals(ExitCodes.NOT_FOUND, h.run("--context", "ghost", "stream", "list").code());
        Result down = h.run("-s", "127.0.0.1:" + CliHarness.freePort(), "--timeout", "300ms", "stream", "list");
        assertEquals(ExitCodes.UNAVAILABLE, down.code(), down.toString());
        assertTrue(down.err().contains("Connection refused") && down.err().contains("lb broker start"),
                "says why and what to do: " + down.err());
        assertEquals(ExitCodes.UNAVAILABLE, h.run("-s", "127.0.0.1:" + CliHarness.freePort(), "--timeout", "300ms",
                "cluster", "health").code());
        assertEquals(7, h.run("stream", "create", "empty").code() + h.run("replay", "empty", "--exit-empty", "7").code());
        String help = ok(h.run("replay", "--help")).out();
        assertTrue(help.contains("Exit codes:") && help.contains("130"), help);
    }

    @Test
    void brokenPipeExitsQuietlyAndPartialFailureIsFive() {
        ok(h.run("stream", "create", "pipe"));
        ok(h.run(utf8("1\n2\n3\n4\n5\n"), "publish", "pipe"));
        // A reader that goes away after 4 bytes, like `| head -c 4`.
        java.io.OutputStream closing = new java.io.OutputStream() {
            int n;

            @Override
            public void write(int b) throws java.io.IOException {
                if (++n > 4) {
                    throw new java.io.IOException("Broken pipe");
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(java.io.InputStream.nullInputStream(), new java.io.PrintStream(closing, false),
                new java.io.PrintStream(err, true), false, false, false, h.env);
        assertEquals(0, Main.run(io, "replay", "pipe", "-q"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        ok(h.run("stream", "create", "partial"));
        assertEquals(ExitCodes.PARTIAL, h.run("stream", "delete", "partial", "never-was", "--yes").code());
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        ok(h.run("stream", "create", "colour"));
        ok(h.run("publish", "colour", "x"));
        java.util.Map<String, String> env = new java.util.HashMap<>(h.env);
        for (boolean noColor : new boolean[] {false, true}) {
            if (noColor) {
                env.put("NO_COLOR", "1");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Io tty = new Io(java.io.InputStream.nullInputStream(), new java.io.PrintStream(out, true),
                    new java.io.PrintStream(new ByteArrayOutputStream(), true), false, true, true, env);
            assertEquals(0, Main.run(tty, "replay", "colour"));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(!noColor, text.contains("\u001b["), text);
            assertTrue(text.startsWith(noColor ? "colour[0]@0" : "\u001b[1mcolour[0]@0"), text);
        }
    }

    @Test
    void tailFollowsAndStopsOnCancel() throws Exception {
        ok(h.run("stream", "create", "live"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Io io = h.io(new byte[0], out, new ByteArrayOutputStream());
        CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> Main.run(io, "tail", "live"));
        // The tail starts at 'end': publish until it has seen one message.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString(StandardCharsets.UTF_8).contains("ping")) {
            assertTrue(System.nanoTime() < deadline, "tail never printed");
            ok(h.run("publish", "live", "ping"));
            Thread.sleep(100);
        }
        io.cancel();
        assertEquals(ExitCodes.INTERRUPTED, tail.get(20, TimeUnit.SECONDS));
        assertEquals("ping\n", ok(h.run("tail", "live", "--from", "earliest", "-c", "1")).out());
    }

    @Test
    void cursors() {
        ok(h.run("stream", "create", "cur"));
        ok(h.run(utf8("a\nb\nc\n"), "publish", "cur"));
        assertEquals("-1\n", ok(h.run("cursor", "get", "--id", "c1", "cur")).out());
        ok(h.run("cursor", "set", "--id", "c1", "cur", "--offset", "1"));
        assertEquals("1\n", ok(h.run("cursor", "get", "--id", "c1", "cur")).out());
        ok(h.run("cursor", "set", "--id", "c2", "cur", "--to", "last"));
        assertEquals("1\n", ok(h.run("cursor", "get", "--id", "c2", "cur")).out());
        assertEquals(1, JSON.readTree(ok(h.run("cursor", "get", "--id", "c2", "cur", "--json")).out()).path("offset").asInt());
        assertEquals("id: c2\nstream: cur\npartition: 0\noffset: 1\n",
                ok(h.run("cursor", "get", "--id", "c2", "cur", "--format", "yaml")).out());
        JsonNode l = JSON.readTree(ok(h.run("cursor", "list", "cur", "--json")).out());
        assertEquals(2, l.size(), l.toString());
        assertEquals(ExitCodes.USAGE, h.run("cursor", "set", "--id", "c1", "cur").code());
    }

    @Test
    void clusterAndActivity() {
        String info = ok(h.run("cluster", "info")).out();
        assertTrue(info.contains("b1") && info.contains("1 broker"), info);
        assertEquals(1, JSON.readTree(ok(h.run("cluster", "info", "--json")).out()).path("brokers").size());
        assertTrue(ok(h.run("cluster", "health")).out().startsWith("healthy"));
        ok(h.run("cluster", "health", "--watch", "--exit-when-healthy"));
        ok(h.run("stream", "create", "act"));
        // The broker publishes activity events asynchronously: read until the event is there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String act = "";
        while (!(act.contains("CREATE_STREAM") && act.contains("\"act\""))) {
            assertTrue(System.nanoTime() < deadline, act);
            act = ok(h.run("activity", "tail", "earliest", "--to", "end")).out();
        }
        JsonNode first = JSON.readTree(ok(h.run("activity", "tail", "earliest", "--to", "end", "--json")).out().lines()
                .findFirst().orElseThrow());
        assertEquals("CREATE_STREAM", first.path("op").asString());
    }

    @Test
    void contextsAndPrecedence() {
        ok(h.run("-s", "10.0.0.1:1", "context", "add", "far"));
        ok(h.run("-s", h.servers(), "--timeout", "2s", "context", "add", "near", "--select"));
        assertTrue(ok(h.run("context", "list")).out().lines().anyMatch(l -> l.matches("\\*\\s+near\\s.*")));
        // env LB_SERVERS (set by the harness) beats the context; the flag beats env.
        JsonNode r = JSON.readTree(ok(h.run("context", "show", "--resolved", "--json")).out());
        assertEquals("env LB_SERVERS", r.path("servers").path("source").asString());
        assertEquals("context near", r.path("timeout").path("source").asString());
        JsonNode f = JSON.readTree(ok(h.run("-s", "x:1", "context", "show", "--resolved", "--json")).out());
        assertEquals("flag", f.path("servers").path("source").asString());
        h.env.remove("LB_SERVERS");
        try {
            ok(h.run("stream", "list")); // through the selected context
            ok(h.run("context", "use", "far"));
            assertEquals("far\n", ok(h.run("context", "current")).out());
            JsonNode g = JSON.readTree(ok(h.run("--no-context", "context", "show", "--resolved", "--json")).out());
            assertEquals("default", g.path("servers").path("source").asString());
            ok(h.run("context", "rm", "far"));
            assertEquals(ExitCodes.NOT_FOUND, h.run("context", "use", "far").code());
            ok(h.run("context", "use", "near"));
        } finally {
            h.env.put("LB_SERVERS", h.servers());
        }
    }
}
