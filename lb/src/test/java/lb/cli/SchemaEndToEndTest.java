package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The schemas --format help prints hold every field the commands really print: each command's
 * JSON from a live in-JVM broker is checked against its schema, and its YAML is the same tree.
 */
@org.junit.jupiter.api.Timeout(90)
class SchemaEndToEndTest extends BrokerCliTest {


    @BeforeAll
    static void prepare() throws Exception {
        ok(h.run("stream", "create", "sch", "-p", "2"));
        ok(h.run("publish", "sch", "-p", "0", "-k", "k1", "-H", "trace=abc", "--correlation-id", "c-1", "one"));
        ok(h.run("publish", "sch", "-p", "1", "two"));
        ok(h.run("cursor", "set", "--id", "w1", "sch", "-p", "0", "--offset", "0"));
        ok(h.run("-s", h.servers(), "--timeout", "3s", "context", "add", "ctx", "--description", "test"));
    }

    /** Runs {@code args} with --json and checks the output against {@code schema}; returns the tree. */
    static JsonNode check(Schema schema, String... args) {
        String[] withJson = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--json"))
                .toArray(String[]::new);
        JsonNode tree = JSON.readTree(ok(h.run(withJson)).out());
        assertEquals(List.of(), schema.undocumented(tree), String.join(" ", args) + ": " + tree);
        return tree;
    }

    @Test
    void streamAndClusterCommands() {
        JsonNode list = check(HelpTopics.STREAM_LIST, "stream", "list");
        assertEquals("sch", list.get(0).path("name").asString());
        check(HelpTopics.STREAM_DESCRIBE, "stream", "describe", "sch", "--all");
        check(HelpTopics.STREAM_OFFSETS, "stream", "offsets", "sch");
        check(HelpTopics.STREAM_OFFSETS, "stream", "offsets", "sch", "@-1h");
        check(HelpTopics.CLUSTER_INFO, "cluster", "info");
        check(HelpTopics.CURSOR_LIST, "cursor", "list");
        check(HelpTopics.CURSOR_GET, "cursor", "get", "--id", "w1", "sch");
    }

    @Test
    void messages() {
        String jsonl = ok(h.run("replay", "sch", "--format", "jsonl")).out();
        assertEquals(2, jsonl.lines().count(), jsonl);
        for (String line : jsonl.lines().toList()) {
            assertEquals(List.of(), HelpTopics.ENVELOPE.undocumented(JSON.readTree(line)), line);
        }
        JsonNode one = JSON.readTree(ok(h.run("get", "sch", "0", "-p", "0", "-f", "json")).out());
        assertEquals(List.of(), HelpTopics.ENVELOPE.undocumented(one));
        assertEquals("abc", one.path("headers").path("trace").asString());
    }

    @Test
    void contextsAndBrokerConfig() throws Exception {
        check(HelpTopics.CONTEXT_LIST, "context", "list");
        check(HelpTopics.CONTEXT_SHOW, "context", "show", "ctx");
        check(HelpTopics.CONTEXT_SHOW_RESOLVED, "--context", "ctx", "context", "show", "--resolved");
        check(HelpTopics.BROKER_CONFIG_PRINT, "broker", "config", "print");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "port: lots\n");
        JsonNode v = JSON.readTree(h.run("broker", "config", "validate", bad.toString(), "--json").out());
        assertEquals(List.of(), HelpTopics.BROKER_CONFIG_VALIDATE.undocumented(v), v.toString());
        assertTrue(v.path("errors").size() > 0, v.toString());
    }

    @Test
    void groups() {
        ok(h.run("tail", "sch", "--group", "gs", "--from", "earliest", "--count", "2"));
        JsonNode list = check(HelpTopics.GROUP_LIST, "group", "list");
        assertTrue(list.toString().contains("\"gs\""), list.toString());
        JsonNode d = check(HelpTopics.GROUP_DESCRIBE, "group", "describe", "gs");
        assertEquals(2, d.path("partitions").size(), d.toString());
        JsonNode plan = check(HelpTopics.GROUP_SEEK, "group", "seek", "gs", "--to", "earliest");
        assertEquals(2, plan.size(), plan.toString());
        String yaml = ok(h.run("group", "describe", "gs", "--format", "yaml")).out();
        assertEquals(d, YAMLMapper.builder().build().readTree(yaml));
    }

    @Test
    void healthVersionAndActivity() {
        JsonNode health = check(HelpTopics.CLUSTER_HEALTH, "cluster", "health");
        assertTrue(health.path("healthy").asBoolean(), health.toString());
        JsonNode version = check(HelpTopics.VERSION, "version");
        assertEquals(BuildInfo.load().version(), version.path("version").asString());
        // A stream of events: one JSON object per line; YAML: one document per event.
        String lines = ok(h.run("activity", "tail", "earliest", "--to", "end", "--format", "json")).out();
        assertTrue(lines.lines().count() >= 1, lines);
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : lines.lines().toList()) {
            JsonNode e = JSON.readTree(line);
            assertEquals(List.of(), HelpTopics.ACTIVITY_TAIL.undocumented(e), line);
            events.add(e);
        }
        assertTrue(events.stream().anyMatch(e -> e.path("op").asString().equals("CREATE_STREAM")), lines);
        String yaml = ok(h.run("activity", "tail", "earliest", "--to", "end", "--format", "yaml")).out();
        List<JsonNode> docs = new java.util.ArrayList<>();
        try (var parser = YAMLMapper.builder().build().readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (parser.hasNextValue()) {
                docs.add(parser.nextValue());
            }
        }
        assertEquals(events.subList(0, Math.min(events.size(), docs.size())), docs.subList(0,
                Math.min(events.size(), docs.size())), yaml);
        assertTrue(docs.size() >= events.size(), "every event again (maybe more by now): " + yaml);
        // --format is what LB_FORMAT sets: a single check prints one (pretty) object.
        assertEquals(health.path("brokers"), JSON.readTree(ok(h.run("cluster", "health", "--format", "json")).out())
                .path("brokers"));
    }

    @Test
    void yamlIsTheSameTree() {
        for (List<String> cmd : List.of(List.of("stream", "describe", "sch"), List.of("cluster", "info"),
                List.of("stream", "list"), List.of("version"))) {
            JsonNode json = JSON.readTree(ok(h.run(concat(cmd, "--format", "json"))).out());
            JsonNode yaml = YAMLMapper.builder().build().readTree(ok(h.run(concat(cmd, "--format", "yaml"))).out());
            assertEquals(json, yaml, cmd.toString());
        }
    }

    static String[] concat(List<String> a, String... b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.Arrays.stream(b)).toArray(String[]::new);
    }
}
