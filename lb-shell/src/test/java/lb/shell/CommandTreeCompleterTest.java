package lb.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Completion from a small picocli tree, with a value completer that records what it was asked. */
class CommandTreeCompleterTest {

    @Command(name = "app", subcommands = {Thing.class, Other.class})
    static final class App {
    }

    @Command(name = "thing", subcommands = Show.class, description = "Things.")
    static final class Thing {
    }

    @Command(name = "show", description = "Show a thing.")
    static final class Show {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = {"-p", "--part"}, paramLabel = "P", description = "A part.")
        int part;
        @Option(names = "--flag", description = "A flag.")
        boolean flag;
        @Option(names = "--mode", completionCandidates = Modes.class, description = "A mode.")
        String mode;
    }

    @Command(name = "other")
    static final class Other {
    }

    static final class Modes extends ArrayList<String> {
        Modes() {
            super(List.of("fast", "slow"));
        }
    }

    final List<String> asked = new ArrayList<>();
    final CommandTreeCompleter c = new CommandTreeCompleter(new CommandLine(new App()).getCommandSpec(),
            (spec, param, words) -> {
                String path = spec.qualifiedName(" ").substring("app".length()).strip();
                String label = param.paramLabel();
                asked.add(path + ":" + label);
                return label.equals("NAME") ? List.of("alpha", "beta") : label.equals("P") ? List.of("0", "1") : List.of();
            });

    TreeSet<String> values(List<String> words, String current) {
        TreeSet<String> r = new TreeSet<>();
        for (Candidate x : c.complete(words, current)) {
            r.add(x.value());
        }
        return r;
    }

    @Test
    void subcommandsThenLiveValuesThenOptions() {
        assertEquals(new TreeSet<>(List.of("other", "thing")), values(List.of(), ""));
        assertEquals(new TreeSet<>(List.of("show")), values(List.of("thing"), ""));
        assertEquals(new TreeSet<>(List.of("alpha", "beta")), values(List.of("thing", "show"), "al"));
        assertEquals(List.of("thing show:NAME"), asked);
        assertTrue(values(List.of("thing", "show", "alpha"), "-").containsAll(List.of("-p", "--part", "--flag", "--mode")));
        assertEquals(new TreeSet<>(List.of("0", "1")), values(List.of("thing", "show", "alpha", "-p"), ""));
        assertEquals(new TreeSet<>(List.of("fast", "slow")), values(List.of("thing", "show", "--mode"), ""));
        // A flag takes no value: the next word is the positional again.
        assertEquals(new TreeSet<>(List.of("alpha", "beta")), values(List.of("thing", "show", "--flag"), ""));
        // Past the last positional there is nothing to offer.
        assertEquals(new TreeSet<>(), values(List.of("thing", "show", "alpha", "extra"), ""));
    }
}
