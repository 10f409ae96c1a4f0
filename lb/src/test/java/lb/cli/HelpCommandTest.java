package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** lb help: topics, command help as before, and recipes that parse against the real tree. */
class HelpCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CliHarness.Result r = CliHarness.run(Map.of("HOME", "/nonexistent"), new byte[0], false, args);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void topicsPrintTheirText() {
        Run f = run("help", "formats");
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("FROM KCAT (-f) TO LB") && f.out().contains("\"value_encoding\""), f.out());
        Run e = run("help", "examples");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("lb stream create orders -p 3"), e.out());
    }

    @Test
    void commandHelpWorksAsBefore() {
        Run r = run("help", "stream", "create");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: lb stream create"), r.out());
        Run root = run("help");
        assertTrue(root.out().startsWith("Usage: lb"), root.out());
        Run bad = run("help", "nosuch");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("unknown command or topic 'nosuch'"), bad.err());
    }

    /** Every "lb ..." recipe parses: options and subcommands exist, values convert. */
    @Test
    void everyExampleParses() {
        int n = 0;
        for (String line : HelpTopics.EXAMPLES.lines().map(String::strip).toList()) {
            if (!line.startsWith("lb ")) {
                continue;
            }
            String cmd = line.split("[|<>]")[0].strip();
            List<String> words = words(cmd);
            CommandLine cl = Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(), System.out, System.err,
                    false, false, false, Map.of()));
            try {
                cl.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("recipe does not parse: " + line + ": " + e.getMessage(), e);
            }
            n++;
        }
        assertTrue(n > 30, "only " + n + " recipes");
    }

    /** Splits like a shell for the recipes' needs: spaces, single quotes. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }
}
