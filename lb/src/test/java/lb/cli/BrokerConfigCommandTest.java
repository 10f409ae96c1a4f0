package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** lb broker config print|validate: no broker needed. */
class BrokerConfigCommandTest {

    @TempDir
    Path dir;
    final Map<String, String> env = new HashMap<>();

    Result run(String... args) {
        env.putIfAbsent("HOME", dir.resolve("home").toString());
        env.putIfAbsent("XDG_DATA_HOME", dir.resolve("data").toString());
        return CliHarness.run(env, new byte[0], false, args);
    }

    static Result ok(Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    @Test
    void printsTheDefaultsAsAConfigFileThatValidates() throws Exception {
        String yaml = ok(run("broker", "config", "print")).out();
        JsonNode n = YAMLMapper.builder().build().readTree(yaml);
        assertEquals(9292, n.path("port").asInt(), yaml);
        assertEquals("always", n.path("sync").asString(), yaml);
        assertEquals(dir.resolve("data").resolve("lb").resolve("liftbridge-default").toString(),
                n.path("data.dir").asString(), yaml);
        Path f = Files.writeString(dir.resolve("printed.yaml"), yaml);
        assertEquals(f + ": valid\n", ok(run("broker", "config", "validate", f.toString())).out());
    }

    @Test
    void mergesFileEnvironmentAndFlagsAndSaysWhereEachValueCameFrom() throws Exception {
        Path f = Files.writeString(dir.resolve("lb.yaml"), """
                port: 9300
                streams:
                  retention:
                    max:
                      age: 24h
                      messages: 100
                """);
        env.put("LIFTBRIDGE_STREAMS_RETENTION_MAX_MESSAGES", "7");
        String text = ok(run("broker", "config", "print", "-c", f.toString(), "--port", "9400",
                "-X", "batch.max.messages=64", "--format", "text")).out();
        assertTrue(text.lines().anyMatch(l -> l.matches("port\\s+9400\\s+flag --port")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("streams\\.retention\\.max\\.age\\s+24h\\s+file .*lb\\.yaml")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches(
                "streams\\.retention\\.max\\.messages\\s+7\\s+env LIFTBRIDGE_STREAMS_RETENTION_MAX_MESSAGES")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("batch\\.max\\.messages\\s+64\\s+flag -X")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("logging\\.level\\s+info\\s+default")), text);
        JsonNode j = JsonMapper.builder().build().readTree(ok(run("broker", "config", "print", "-c", f.toString(),
                "--json")).out());
        assertEquals(9300, j.path("port").asInt());
        assertEquals(ExitCodes.USAGE, run("broker", "config", "print", "-X", "no.such=1").code());
    }

    @Test
    void validateReportsEveryProblemWithItsLine() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), """
                port: 9300
                logging:
                  level: loud
                streams:
                  retention.max.age: 3x
                nope: 1
                """);
        Result r = run("broker", "config", "validate", f.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains(f + ":3: configuration setting \"logging.level\""), r.err());
        assertTrue(r.err().contains(f + ":5: configuration setting \"streams.retention.max.age\": \"3x\""), r.err());
        assertTrue(r.err().contains(f + ":6: Unknown configuration setting \"nope\""), r.err());
        assertTrue(r.err().contains("3 problems"), r.err());
        JsonNode j = JsonMapper.builder().build().readTree(run("broker", "config", "validate", f.toString(), "--json").out());
        assertEquals(false, j.path("valid").asBoolean());
        assertEquals(3, j.path("errors").size());
        assertEquals(3, j.path("errors").get(0).path("line").asInt());
        assertEquals("logging.level", j.path("errors").get(0).path("key").asString());

        Path syntax = Files.writeString(dir.resolve("syntax.yaml"), "port: 1\nstreams: [\n");
        Result s = run("broker", "config", "validate", syntax.toString());
        assertEquals(ExitCodes.USAGE, s.code(), s.toString());
        assertTrue(s.err().contains("not valid YAML"), s.err());
        assertEquals(ExitCodes.NOT_FOUND, run("broker", "config", "validate", dir.resolve("missing.yaml").toString()).code());
        // A flag is checked with the file, as at start-up.
        Path good = Files.writeString(dir.resolve("good.yaml"), "port: 9300\n");
        assertEquals(ExitCodes.USAGE, run("broker", "config", "validate", good.toString(), "--sync", "sometimes").code());
    }

    @Test
    void yamlFormatForAdminOutput() {
        String y = ok(run("broker", "config", "validate", "--format", "yaml",
                writeUnchecked("v.yaml", "port: 1\n"))).out();
        assertTrue(y.contains("valid: true"), y);
    }

    String writeUnchecked(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
