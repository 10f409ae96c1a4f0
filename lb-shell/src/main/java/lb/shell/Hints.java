package lb.shell;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The hint shown while typing a line of the shell: what the command, option or parameter under
 * the cursor is, taken from the picocli tree's descriptions. At most two lines: the thing under
 * the cursor, then the command's synopsis. Stateless and thread-safe; knows nothing of what the
 * commands do.
 */
public final class Hints {

    private final CommandSpec root;

    public Hints(CommandSpec root) {
        this.root = root;
    }

    /**
     * The hint for a line whose text before the cursor splits into {@code words} (complete) and
     * {@code current} (the word being typed, possibly empty). Empty when there is nothing to say
     * (empty line, unknown command).
     */
    public List<String> hint(List<String> words, String current) {
        if (words.isEmpty() && current.isEmpty()) {
            return List.of();
        }
        CommandTreeCompleter.Walk walk = CommandTreeCompleter.walk(root, words);
        CommandSpec spec = walk.spec();
        List<String> out = new ArrayList<>();
        if (walk.pendingOption() != null) {
            // The word being typed is the value of the option before it.
            out.add(describe(walk.pendingOption()));
        } else if (current.startsWith("-") && current.length() > 1) {
            OptionSpec o = option(spec, current);
            if (o != null) {
                out.add(describe(o));
            }
        } else if (walk.positionals() == 0 && !current.isEmpty() && spec.subcommands().get(current) != null) {
            spec = spec.subcommands().get(current).getCommandSpec();
            out.add(commandLine(spec));
        } else {
            PositionalParamSpec p = positional(spec, walk.positionals());
            if (p != null) {
                out.add(labelled(p.paramLabel(), first(p.description())));
            } else if (walk.positionals() == 0 && !spec.subcommands().isEmpty()) {
                List<String> subs = visibleSubcommands(spec).stream().filter(n -> n.startsWith(current)).toList();
                if (!subs.isEmpty()) {
                    out.add(commandLine(spec));
                    out.add("commands: " + String.join(" ", subs));
                }
                return out;
            }
        }
        if (out.isEmpty()) {
            out.add(commandLine(spec));
        }
        if (spec != root) {
            out.add(synopsis(spec));
        }
        return out;
    }

    /** The option {@code word} names: exactly ({@code --partition=1} too), or as the only option with that prefix. */
    private static OptionSpec option(CommandSpec spec, String word) {
        String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        OptionSpec exact = spec.findOption(name);
        if (exact != null) {
            return exact;
        }
        OptionSpec only = null;
        for (OptionSpec o : spec.options()) {
            for (String n : o.names()) {
                if (!o.hidden() && n.startsWith(name)) {
                    if (only != null && only != o) {
                        return null;
                    }
                    only = o;
                }
            }
        }
        return only;
    }

    private static PositionalParamSpec positional(CommandSpec spec, int index) {
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden() && p.index().contains(index)) {
                return p;
            }
        }
        return null;
    }

    /** {@code -p, --partition P[,P...]: Partitions to read.} */
    static String describe(OptionSpec o) {
        StringBuilder sb = new StringBuilder(String.join(", ", o.names()));
        if (o.arity().max() > 0) {
            sb.append(' ').append(o.paramLabel());
        }
        StringBuilder line = new StringBuilder(labelled(sb.toString(), first(o.description())));
        sb = line;
        List<String> values = candidates(o);
        if (!values.isEmpty()) {
            sb.append(" [").append(String.join(", ", values)).append(']');
        }
        return sb.toString();
    }

    private static List<String> candidates(ArgSpec a) {
        List<String> r = new ArrayList<>();
        if (a.completionCandidates() != null) {
            a.completionCandidates().forEach(r::add);
        }
        return r;
    }

    /** {@code stream describe: Show a stream's partitions.} */
    private static String commandLine(CommandSpec spec) {
        return labelled(spec.qualifiedName(" "), first(spec.usageMessage().description()));
    }

    private static String labelled(String what, String description) {
        return description.isEmpty() ? what : what + ": " + description;
    }

    /** {@code lb stream describe [OPTIONS] NAME}: the name, then the positional labels. */
    private static String synopsis(CommandSpec spec) {
        StringBuilder sb = new StringBuilder("usage: ").append(spec.qualifiedName(" "));
        if (spec.options().stream().anyMatch(o -> !o.hidden())) {
            sb.append(" [OPTIONS]");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            boolean optional = p.arity().min() == 0;
            sb.append(' ').append(optional ? "[" : "").append(p.paramLabel())
                    .append(p.arity().isVariable() ? "..." : "").append(optional ? "]" : "");
        }
        if (!spec.subcommands().isEmpty()) {
            sb.append(" COMMAND");
        }
        return sb.toString();
    }

    private static List<String> visibleSubcommands(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!s.usageMessage().hidden() && !names.contains(s.name())) {
                names.add(s.name());
            }
        }
        return names;
    }

    /** The first line of a description, with picocli's %n and %% undone. */
    private static String first(String[] lines) {
        if (lines == null || lines.length == 0) {
            return "";
        }
        String s = lines[0].replace("%n", " ").replace("%%", "%");
        return s.replaceAll("@\\|\\S+ ([^|]*)\\|@", "$1");
    }
}
