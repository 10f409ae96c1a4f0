package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The global --tls-ca/--tls-cert/--tls-key options against an in-JVM broker that requires
 * mutual TLS (certificates made by openssl, as the broker's BrokerSecurityTest makes them).
 */
@org.junit.jupiter.api.Timeout(120)
class TlsEndToEndTest {

    @TempDir
    static Path dir;
    static CliHarness h;

    @BeforeAll
    static void start() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=lb-cli-test-ca");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        issue("server");
        issue("client");
        h = new CliHarness(dir, "tls.cert: " + dir.resolve("server.pem") + "\ntls.key: " + dir.resolve("server.key")
                + "\ntls.client.auth.enabled: true\ntls.client.auth.ca: " + dir.resolve("ca.pem") + "\n");
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** lb bench takes the global TLS options and -vv like every command (it builds several clients). */
    @Test
    void benchConnectsOverMutualTlsAndTracesCalls() {
        String ca = dir.resolve("ca.pem").toString();
        Result r = ok(h.run("-vv", "--tls-ca", ca, "--tls-cert", dir.resolve("client.pem").toString(), "--tls-key",
                dir.resolve("client.key").toString(), "bench", "pub", "tlsbench", "--create", "--msgs", "300",
                "--clients", "2", "--cleanup", "--json"));
        JsonNode report = JsonMapper.builder().build().readTree(r.out());
        assertEquals(300, report.path("messages").asLong(), r.out());
        assertTrue(report.path("complete").asBoolean(), r.out());
        assertEquals(List.of(), HelpTopics.BENCH.undocumented(report), "bench --format help covers " + r.out());
        for (String call : List.of("CreateStream", "PublishAsync", "DeleteStream")) {
            assertTrue(r.err().lines().anyMatch(l -> l.startsWith("lb: grpc " + call + " ")), call + " traced:\n" + r.err());
        }
        // One PublishAsync stream per client, traced when it ends with what went each way.
        java.util.regex.Pattern end = java.util.regex.Pattern.compile("lb: grpc PublishAsync .* \\((\\d+) sent, (\\d+) received\\)");
        List<java.util.regex.Matcher> ends = r.err().lines().map(end::matcher).filter(java.util.regex.Matcher::matches).toList();
        assertEquals(2, ends.size(), r.err());
        assertEquals(300, ends.stream().mapToInt(m -> Integer.parseInt(m.group(1))).sum(), r.err());
        assertEquals(300, ends.stream().mapToInt(m -> Integer.parseInt(m.group(2))).sum(), r.err());
        // Without the client identity the TLS broker refuses the bench like any other command.
        Result anonymous = h.run("--timeout", "2s", "--tls-ca", ca, "bench", "pub", "tlsbench2", "--create", "--msgs", "10");
        assertTrue(anonymous.code() != 0, anonymous.toString());
    }

    static void issue(String name) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", "san.cnf");
    }

    static void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + cmd + ": " + out);
    }

    static Result ok(Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    @Test
    void flagsAndEnvironmentConnectOverMutualTls() {
        String ca = dir.resolve("ca.pem").toString();
        String cert = dir.resolve("client.pem").toString();
        String key = dir.resolve("client.key").toString();
        ok(h.run("--tls-ca", ca, "--tls-cert", cert, "--tls-key", key, "stream", "create", "sec"));
        ok(h.run("--tls-ca", ca, "--tls-cert", cert, "--tls-key", key, "publish", "sec", "--count", "3", "m{{n}}"));
        // Plain text to a TLS port: unavailable. TLS without a client certificate: refused.
        assertEquals(ExitCodes.UNAVAILABLE, h.run("--timeout", "2s", "stream", "list").code());
        Result anonymous = h.run("--timeout", "2s", "--tls-ca", ca, "stream", "list");
        assertTrue(anonymous.code() != 0, anonymous.toString());
        Result half = h.run("--tls-ca", ca, "--tls-cert", cert, "stream", "list");
        assertEquals(ExitCodes.USAGE, half.code(), half.toString());
        assertTrue(half.err().contains("--tls-cert and --tls-key go together"), half.err());
        assertEquals(ExitCodes.USAGE, h.run("--tls-ca", dir.resolve("nope.pem").toString(), "stream", "list").code());
        h.env.put("LB_TLS_CA", ca);
        h.env.put("LB_TLS_CERT", cert);
        h.env.put("LB_TLS_KEY", key);
        try {
            assertEquals("m1\nm2\nm3\n", ok(h.run("replay", "sec")).out());
            JsonNode r = JsonMapper.builder().build().readTree(ok(h.run("context", "show", "--resolved", "--json")).out());
            assertEquals("env LB_TLS_CERT", r.path("tls-cert").path("source").asString());
            assertEquals(cert, r.path("tls-cert").path("value").asString());
            assertEquals("default", r.path("tls").path("source").asString());
        } finally {
            h.env.remove("LB_TLS_CA");
            h.env.remove("LB_TLS_CERT");
            h.env.remove("LB_TLS_KEY");
        }
        // lb context add stores the TLS flags; the context alone then connects over mutual TLS.
        ok(h.run("-s", h.servers(), "--tls-ca", ca, "--tls-cert", cert, "--tls-key", key, "context", "add", "secure"));
        assertTrue(ok(h.run("--context", "secure", "stream", "list", "--names")).out().contains("sec"));
        String shown = ok(h.run("--context", "secure", "context", "show", "--resolved")).out();
        assertTrue(shown.lines().anyMatch(l -> l.matches("tls-key\\s+\\S+client\\.key\\s+context secure")), shown);
        // Completion's background refresh reaches a TLS cluster with the context's settings.
        ok(h.run("--context", "secure", "__complete", "--refresh"));
        CompletionCache.Entry cached = CompletionCache.of(h.io(new byte[0], new java.io.ByteArrayOutputStream(),
                new java.io.ByteArrayOutputStream()), h.servers()).read();
        assertTrue(cached.reachable() && cached.partitions().containsKey("sec"), cached.toString());
    }
}
