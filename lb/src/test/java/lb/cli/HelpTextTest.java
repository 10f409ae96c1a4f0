package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help of every command reads well at 80 columns: no description cut mid-sentence into
 * separate lines, no line over 80 columns, and every option with a default value says what it is.
 */
class HelpTextTest {

    static List<CommandLine> commands() {
        List<CommandLine> out = new ArrayList<>();
        walk(Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(), System.out, System.err, false, false,
                false, Map.of())), out);
        return out;
    }

    private static void walk(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) {
                walk(e.getValue(), out);
            }
        }
    }

    @Test
    void usageFitsIn80ColumnsAndSentencesAreWhole() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : commands()) {
            String name = cl.getCommandSpec().qualifiedName();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            cl.usage(new PrintStream(buf, true, StandardCharsets.UTF_8), CommandLine.Help.Ansi.OFF);
            for (String line : buf.toString(StandardCharsets.UTF_8).lines().toList()) {
                if (line.length() > 80) {
                    problems.add(name + ": over 80 columns: " + line);
                }
            }
            for (String d : cl.getCommandSpec().usageMessage().description()) {
                if (d.endsWith(",")) {
                    problems.add(name + ": description line ends mid-sentence: " + d);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** An option whose value is not "absent" when not given must say its default. */
    @Test
    void everyOptionWithADefaultSaysIt() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cl : commands()) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp() || o.hidden() || o.arity().max() == 0) {
                    continue; // flags: off unless given
                }
                Object initial = o.defaultValue() != null ? o.defaultValue() : o.initialValue();
                if (initial == null || initial instanceof Collection<?> c && c.isEmpty()
                        || initial instanceof Map<?, ?> m && m.isEmpty() || initial.getClass().isArray()) {
                    continue; // absent unless given
                }
                String text = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
                if (!text.contains("default")) {
                    problems.add(cl.getCommandSpec().qualifiedName() + " " + o.longestName() + " (" + initial + ")");
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
