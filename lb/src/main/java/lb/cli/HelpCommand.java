package lb.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;

/**
 * {@code lb help [COMMAND... | TOPIC]}: a command's usage ({@code lb help stream create}, as
 * picocli's own help command does), or a topic: {@code formats} (message formats, template
 * tokens with a kcat to lb table, value encodings, the JSON envelope and the JSON shapes of
 * other commands) and {@code examples} (task-oriented recipes, like {@code nats cheat}).
 * Runs on the caller's thread; stateless apart from what picocli hands it.
 */
@Command(name = "help", helpCommand = true,
        description = {"Show a command's help (lb help stream create), or a topic: formats, examples.",
            "formats: output formats, template tokens (with kcat's), value encodings, JSON shapes.",
            "examples: recipes for common tasks."})
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    /** Topic name → its text. */
    static final Map<String, String> TOPICS = Map.of("formats", HelpTopics.FORMATS, "examples", HelpTopics.EXAMPLES);

    @Parameters(paramLabel = "COMMAND|TOPIC", arity = "0..*", completionCandidates = Topics.class,
            description = "A command (e.g. stream create) or a topic: formats, examples.")
    List<String> words;

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter outWriter,
                     PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine parent = self.getParent();
        if (words == null || words.isEmpty()) {
            parent.usage(out, colors);
            return;
        }
        String topic = TOPICS.get(words.get(0));
        if (topic != null && words.size() == 1 && !parent.getSubcommands().containsKey(words.get(0))) {
            out.print(topic);
            out.flush();
            return;
        }
        CommandLine target = parent;
        for (String w : words) {
            CommandLine sub = target.getSubcommands().get(w);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "unknown command or topic '" + String.join(" ", words)
                        + "': expected a command (see lb --help) or a topic: formats, examples");
            }
            target = sub;
        }
        target.usage(out, colors);
    }

    /** The topics, for completion. */
    static final class Topics extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Topics() {
            super(List.of("formats", "examples"));
        }
    }
}
