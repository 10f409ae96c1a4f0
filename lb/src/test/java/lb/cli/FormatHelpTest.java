package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * --format help on every command that has --format: the schema from HelpTopics, exit 0, no
 * broker contacted (the servers point at a closed port) and no required argument needed.
 */
class FormatHelpTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CliHarness.Result r = CliHarness.run(Map.of("HOME", "/nonexistent", "LB_SERVERS", "127.0.0.1:" + closedPort(),
                "LB_TIMEOUT", "300ms"), new byte[0], false, args);
        return new Run(r.code(), r.out(), r.err());
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every command path (without "lb") whose command has a --format option. */
    static java.util.Set<String> commandsWithFormat() {
        java.util.Set<String> out = new TreeSet<>();
        walk(Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(), System.out, System.err, false, false,
                false, Map.of())), out);
        return out;
    }

    private static void walk(CommandLine cl, java.util.Set<String> out) {
        if (cl.getCommandSpec().findOption("--format") != null) {
            out.add(cl.getCommandSpec().qualifiedName(" ").substring(3));
        }
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) { // aliases once
                walk(e.getValue(), out);
            }
        }
    }

    @Test
    void everyCommandWithFormatHasASchemaAndEverySchemaACommand() {
        java.util.Set<String> withFormat = commandsWithFormat();
        assertTrue(withFormat.containsAll(List.of("tail", "replay", "get", "stream list", "stream describe",
                "stream offsets", "cluster info", "cursor list", "broker config print", "context list",
                "context show")), withFormat.toString());
        assertEquals(withFormat, new TreeSet<>(HelpTopics.SCHEMAS.keySet()));
    }

    @Test
    void formatHelpPrintsTheSchemaWithoutArgumentsOrBroker() {
        for (String command : HelpTopics.SCHEMAS.keySet()) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--format");
            args.add("help");
            Run r = run(args.toArray(String[]::new));
            assertEquals(new Run(0, r.out(), ""), r, command);
            Schema first = HelpTopics.SCHEMAS.get(command).get(0);
            assertTrue(r.out().startsWith(first.render()), command + ":\n" + r.out());
            assertTrue(r.out().endsWith("lb help formats: every output format, template tokens and JSON shape.\n"));
        }
        // With the arguments too, and in the short form of the message commands.
        Run get = run("get", "orders", "42", "-f", "help");
        assertEquals(0, get.code(), get.err());
        assertTrue(get.out().startsWith(HelpTopics.ENVELOPE.render()), get.out());
        Run describe = run("stream", "describe", "orders", "--format", "help", "--json");
        assertTrue(describe.out().startsWith(HelpTopics.STREAM_DESCRIBE.render()), describe.out());
    }

    @Test
    void otherUsageErrorsStayUsageErrors() {
        Run missing = run("stream", "describe", "--format", "json");
        assertEquals(ExitCodes.USAGE, missing.code());
        assertTrue(missing.err().contains("Missing required parameter: 'NAME'"), missing.err());
        Run usage = run("stream", "list", "--format", "help", "--help");
        assertEquals(0, usage.code());
        assertTrue(usage.out().startsWith("Usage: lb stream list"), "--help wins: " + usage.out());
        Run unknown = run("stream", "list", "--format", "xml");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().contains("expected text, wide, json, yaml or help"), unknown.err());
    }

    @Test
    void helpFormatsShowsEverySchemaWithin80Columns() {
        Run f = run("help", "formats");
        assertEquals(0, f.code());
        for (List<Schema> schemas : HelpTopics.SCHEMAS.values()) {
            for (Schema s : schemas) {
                assertTrue(f.out().contains(s.render()), s.heading());
            }
        }
        for (String line : f.out().lines().toList()) {
            assertTrue(line.length() <= 80, "longer than 80 columns: " + line);
        }
    }

    @Test
    void renderAlignsAndWrapsMeanings() {
        Schema s = new Schema("h", false, List.of(), List.of(Schema.field("a", "string", "short"),
                Schema.field("longer.name", "integer|null", "word ".repeat(30).strip())), List.of("note"));
        String text = s.render();
        assertTrue(text.startsWith("h\n\n  a            string        short\n  longer.name  integer|null  word"), text);
        for (String line : text.lines().toList()) {
            assertTrue(line.length() <= 80, line);
        }
        assertTrue(text.contains("\n" + " ".repeat(29) + "word"), "continuation lines start under the meaning: " + text);
        assertTrue(text.endsWith("\n\n  note\n"), text);
    }

    @Test
    void undocumentedFindsFieldsTheSchemaDoesNotName() {
        JsonMapper json = JsonMapper.builder().build();
        Schema s = HelpTopics.STREAM_DESCRIBE;
        assertEquals(List.of(), s.undocumented(json.readTree("""
                {"name":"a","configs":{"retention.max.age":"1h"},"partitions":[{"id":0,"isr":["b1"]}]}""")));
        assertEquals(List.of("partitions[].epoch", "extra"), s.undocumented(json.readTree("""
                {"name":"a","partitions":[{"id":0,"epoch":3},{"id":1,"epoch":3}],"extra":1}""")));
        assertEquals(List.of("x"), HelpTopics.STREAM_LIST.undocumented(json.readTree("[{\"name\":\"a\",\"x\":1}]")));
        assertFalse(HelpTopics.ENVELOPE.undocumented(json.readTree("{\"headers\":{\"k\":\"v\"}}")).size() > 0);
    }
}
