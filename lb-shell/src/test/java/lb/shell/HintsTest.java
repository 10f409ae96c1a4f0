package lb.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The hint for the word under the cursor, on the small tree of {@link CommandTreeCompleterTest}. */
class HintsTest {

    final Hints hints = new Hints(new CommandLine(new CommandTreeCompleterTest.App()).getCommandSpec());

    @Test
    void nothingOnAnEmptyLine() {
        assertEquals(List.of(), hints.hint(List.of(), ""));
    }

    @Test
    void commandNamesTheirDescriptionAndSynopsis() {
        assertEquals(List.of("app thing: Things.", "usage: app thing COMMAND"), hints.hint(List.of(), "thing"));
        assertEquals(List.of("app thing show: Show a thing.", "usage: app thing show [OPTIONS] NAME"),
                hints.hint(List.of("thing"), "show"));
        // A prefix of several commands lists them.
        assertEquals(List.of("app", "commands: other"), hints.hint(List.of(), "ot"));
    }

    @Test
    void optionsByFullNameUniquePrefixOrValuePosition() {
        List<String> path = List.of("thing", "show", "alpha");
        assertEquals("-p, --part P: A part.", hints.hint(path, "--part").get(0));
        assertEquals("-p, --part P: A part.", hints.hint(path, "--pa").get(0));
        assertEquals("-p, --part P: A part.", hints.hint(path, "--part=3").get(0));
        assertEquals("--mode <mode>: A mode. [fast, slow]", hints.hint(path, "--mo").get(0));
        // Typing the option's value still shows the option.
        assertEquals("-p, --part P: A part.", hints.hint(List.of("thing", "show", "-p"), "1").get(0));
        // An ambiguous prefix (none here) or an unknown option falls back to the command.
        assertEquals("app thing show: Show a thing.", hints.hint(path, "--nope").get(0));
        assertEquals("usage: app thing show [OPTIONS] NAME", hints.hint(path, "--nope").get(1));
    }

    @Test
    void positionalByIndex() {
        assertEquals("NAME", hints.hint(List.of("thing", "show"), "al").get(0));
        // Past the last positional: the command itself.
        assertEquals("app thing show: Show a thing.", hints.hint(List.of("thing", "show", "alpha"), "x").get(0));
    }
}
