package lb.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion from a picocli command tree: subcommand names, option names, and values of
 * options and positional parameters from a {@link ValueCompleter} (given the command and the
 * parameter, e.g. the {@code STREAM} of {@code tail}). Knows nothing of what the commands do. Called on JLine's
 * reading thread; the value completer must answer quickly (use a cache).
 */
public final class CommandTreeCompleter implements Completer {

    /** Candidate values of a parameter, e.g. live stream names for {@code STREAM}. */
    @FunctionalInterface
    public interface ValueCompleter {
        /**
         * @param command the (sub)command the line has reached (e.g. lb stream describe)
         * @param param the option or positional parameter whose value is being typed
         * @param words every word of the line before the one being completed
         */
        List<String> values(CommandSpec command, ArgSpec param, List<String> words);
    }

    private final CommandSpec root;
    private final ValueCompleter values;

    public CommandTreeCompleter(CommandSpec root, ValueCompleter values) {
        this.root = root;
        this.values = values;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words().subList(0, Math.min(line.wordIndex(), line.words().size()));
        String current = line.word() == null ? "" : line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        candidates.addAll(complete(words, current));
    }

    /**
     * Where a line's words lead in the tree: the deepest subcommand, its path, how many
     * positional parameters were given, and the option still waiting for its value (or null).
     */
    record Walk(CommandSpec spec, List<String> path, int positionals, OptionSpec pendingOption) {
    }

    /** Follows {@code words} (complete words, before the one being typed) through the tree of {@code root}. */
    static Walk walk(CommandSpec root, List<String> words) {
        CommandSpec spec = root;
        List<String> path = new ArrayList<>();
        int positionals = 0;
        OptionSpec pendingOption = null;
        for (String w : words) {
            if (pendingOption != null) {
                pendingOption = null;
                continue;
            }
            if (w.startsWith("-") && w.length() > 1) {
                OptionSpec o = spec.findOption(w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
                if (o != null && o.arity().min() > 0 && !w.contains("=")) {
                    pendingOption = o;
                }
                continue;
            }
            CommandLine sub = positionals == 0 ? spec.subcommands().get(w) : null;
            if (sub != null) {
                spec = sub.getCommandSpec();
                path.add(spec.name());
                continue;
            }
            positionals++;
        }
        return new Walk(spec, List.copyOf(path), positionals, pendingOption);
    }

    /** The candidates for {@code current} after {@code words} (testable without a terminal). */
    public List<Candidate> complete(List<String> words, String current) {
        List<Candidate> out = new ArrayList<>();
        Walk walk = walk(root, words);
        CommandSpec spec = walk.spec();
        int positionals = walk.positionals();
        OptionSpec pendingOption = walk.pendingOption();
        if (pendingOption != null) {
            for (String v : values(spec, pendingOption, words)) {
                out.add(new Candidate(v, v, null, null, null, null, true));
            }
            return out;
        }
        if (current.startsWith("-")) {
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                String desc = o.description().length > 0 ? o.description()[0] : null;
                for (String n : o.names()) {
                    out.add(new Candidate(n, n, "options", desc, null, null, true));
                }
            }
            return out;
        }
        if (positionals == 0) {
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                CommandSpec s = e.getValue().getCommandSpec();
                if (s.usageMessage().hidden()) {
                    continue;
                }
                String desc = s.usageMessage().description().length > 0 ? s.usageMessage().description()[0] : null;
                out.add(new Candidate(e.getKey(), e.getKey(), "commands", desc, null, null, true));
            }
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.index().contains(positionals)) {
                for (String v : values(spec, p, words)) {
                    out.add(new Candidate(v, v, null, null, null, null, true));
                }
                break;
            }
        }
        return out;
    }

    private List<String> values(CommandSpec spec, ArgSpec param, List<String> words) {
        List<String> r = new ArrayList<>();
        if (param.completionCandidates() != null) {
            param.completionCandidates().forEach(r::add);
        }
        if (r.isEmpty() && values != null) {
            r.addAll(values.values(spec, param, List.copyOf(words)));
        }
        return r;
    }
}
