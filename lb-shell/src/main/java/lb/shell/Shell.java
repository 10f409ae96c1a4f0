package lb.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.widget.AutosuggestionWidgets;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A generic interactive shell over a picocli command tree (knows nothing of Liftbridge): reads
 * lines with JLine (history, tab completion of commands, options and live values, fish-like
 * autosuggestions from history, a hint pane describing the command or option under the cursor),
 * and hands each line's words to a {@link Runner}.
 *
 * <p>Threads: {@link #run()} reads and runs commands on the calling thread. Ctrl-C while a
 * command runs calls the {@link Runner#interrupt()} from JLine's signal thread; Ctrl-C at the
 * prompt clears the line; Ctrl-D or {@code exit}/{@code quit} leaves.
 */
public final class Shell {

    /** Runs one command line of the shell. */
    public interface Runner {
        /** Runs {@code words} (already split, quotes removed); returns the exit code. */
        int run(List<String> words, Terminal terminal);

        /** Ctrl-C while {@link #run} is running: stop it (called from another thread). */
        void interrupt();
    }

    private final Terminal terminal;
    private final CommandSpec spec;
    private final Runner runner;
    private final CommandTreeCompleter.ValueCompleter values;
    private final Supplier<String> prompt;
    private final Path historyFile;
    private final boolean hints;

    /**
     * @param spec the command tree offered for completion (the runner executes lines itself)
     * @param values live values for parameters (may be null)
     * @param prompt the prompt, asked before each line (must not block)
     * @param historyFile where history is kept across sessions, or null for none
     * @param hints whether to show the hint pane (on terminals that have one)
     */
    public Shell(Terminal terminal, CommandSpec spec, Runner runner, CommandTreeCompleter.ValueCompleter values,
                 Supplier<String> prompt, Path historyFile, boolean hints) {
        this.terminal = terminal;
        this.spec = spec;
        this.runner = runner;
        this.values = values;
        this.prompt = prompt;
        this.historyFile = historyFile;
        this.hints = hints;
    }

    /** The shell's line reader, configured (exposed for tests). */
    LineReader reader() throws IOException {
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName(spec.name())
                .completer(new CommandTreeCompleter(spec, values))
                .parser(new DefaultParser())
                .variable(LineReader.HISTORY_IGNORE, "*--password*:*token*:*secret*")
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .option(LineReader.Option.GROUP, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true);
        if (historyFile != null) {
            Files.createDirectories(historyFile.getParent());
            b.variable(LineReader.HISTORY_FILE, historyFile);
        }
        return b.build();
    }

    /** Reads and runs lines until {@code exit}, {@code quit} or Ctrl-D; returns the last exit code. */
    public int run() throws IOException {
        LineReader reader = reader();
        HintPane pane = null;
        if (!Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
            new AutosuggestionWidgets(reader).enable();
            // After the autosuggestions, so that their widgets are wrapped as well.
            pane = hints ? HintPane.install(reader, new Hints(spec)) : null;
        }
        int last = 0;
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt.get());
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt: a fresh line
                } catch (EndOfFileException e) {
                    break;
                } finally {
                    if (pane != null) {
                        pane.clear();
                    }
                }
                List<String> words = reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toList();
                if (words.isEmpty()) {
                    continue;
                }
                if (words.get(0).equals("exit") || words.get(0).equals("quit")) {
                    break;
                }
                // Installed per command: the line reader sets its own INT handlers while reading.
                Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, s -> runner.interrupt());
                try {
                    last = runner.run(words, terminal);
                } finally {
                    terminal.handle(Terminal.Signal.INT, previous);
                }
                terminal.flush();
            }
        } finally {
            if (pane != null) {
                pane.close();
            }
            reader.getHistory().save();
        }
        return last;
    }
}
