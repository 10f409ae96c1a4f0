package lb.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What a shell completion script needs to know of the command tree to walk a command line
 * itself: which word leads to which subcommand, which options take a value, and which option
 * values and positional parameters have live candidates from {@code lb __complete}
 * ({@link #liveKind}). Paths are subcommand names joined by spaces ("stream describe"; "" is
 * the root). Built once from a tree; immutable after construction.
 */
final class CompletionTree {

    /** "parent/word" → the canonical path of the subcommand the word names (aliases included). */
    final Map<String, String> children = new LinkedHashMap<>();
    /** path → the option names that take a value under it. */
    final Map<String, List<String>> valued = new LinkedHashMap<>();
    /**
     * "path|opt:NAME" or "path|pos:N" → the {@code lb __complete} kind of that slot's values:
     * streams, partitions (of the line's first positional), contexts or groups.
     */
    final Map<String, String> live = new LinkedHashMap<>();

    CompletionTree(CommandLine root) {
        walk(root.getCommandSpec(), "");
    }

    private void walk(CommandSpec spec, String path) {
        if (spec.usageMessage().hidden()) {
            return;
        }
        List<String> opts = new ArrayList<>();
        valued.put(path, opts);
        for (OptionSpec o : spec.options()) {
            if (o.arity().max() > 0) {
                opts.addAll(List.of(o.names()));
                String kind = liveKind(spec, o);
                if (kind != null) {
                    for (String n : o.names()) {
                        live.put(path + "|opt:" + n, kind);
                    }
                }
            }
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            String kind = liveKind(spec, p);
            if (kind != null && !p.hidden()) {
                int last = Math.min(p.index().max(), p.index().min() + 3); // variable arity: a few slots
                for (int i = p.index().min(); i <= last; i++) {
                    live.put(path + "|pos:" + i, kind);
                }
            }
        }
        List<CommandSpec> seen = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            if (s.usageMessage().hidden()) {
                continue;
            }
            String sub = path.isEmpty() ? s.name() : path + " " + s.name();
            children.put(path + "/" + e.getKey(), sub);
            if (!seen.contains(s)) {
                seen.add(s);
                walk(s, sub);
            }
        }
    }

    /**
     * The live kind of a parameter's values, or null: stream names for STREAM positionals and
     * the NAME of stream commands (not {@code stream create}); partitions for {@code -p} options
     * labelled P (not the partition count of {@code stream create}); contexts for
     * {@code --context} and the NAME of context commands (not {@code context add}); consumer
     * groups for GROUP positionals and {@code tail --group}.
     */
    static String liveKind(CommandSpec spec, ArgSpec arg) {
        String label = arg.paramLabel();
        String path = spec.qualifiedName(" ");
        boolean creates = spec.name().equals("create") || spec.name().equals("add");
        if (arg instanceof OptionSpec o) {
            List<String> names = List.of(o.names());
            if (names.contains("--context")) {
                return "contexts";
            }
            if ((names.contains("-p") || names.contains("--partition")) && (label.equals("P") || label.startsWith("P["))) {
                return "partitions";
            }
            if (names.contains("--group") && path.equals("lb tail")) {
                return "groups";
            }
            return null;
        }
        if (label.equals("STREAM") || label.equals("STREAM...")) {
            return "streams";
        }
        if (label.equals("NAME") && !creates && path.startsWith("lb stream ")) {
            return "streams";
        }
        if (label.equals("NAME") && !creates && path.startsWith("lb context ")) {
            return "contexts";
        }
        if (label.equals("GROUP")) {
            return "groups";
        }
        return null;
    }
}
