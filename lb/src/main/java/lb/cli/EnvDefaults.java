package lb.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults from the environment for options that are not connection settings (those resolve in
 * {@link ConnectionOptions}, with contexts): {@code LB_FORMAT} for {@code --format}, applied by
 * each command only when it names one of that command's formats (a template with {@code %} for
 * the message commands), so that {@code LB_FORMAT=jsonl} changes {@code tail} and leaves
 * {@code stream list} alone. A flag on the command line always wins.
 */
final class EnvDefaults implements IDefaultValueProvider {

    static final String FORMAT = "LB_FORMAT";

    private final Io io;

    EnvDefaults(Io io) {
        this.io = io;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || !"--format".equals(o.longestName())) {
            return null;
        }
        String v = io.env(FORMAT);
        if (v == null || v.isBlank() || FormatHelp.VALUE.equals(v)) {
            return null;
        }
        Iterable<String> names = o.completionCandidates();
        if (names != null) {
            for (String n : names) {
                if (n.equals(v)) {
                    return v;
                }
            }
        }
        // The message commands also take templates; their names include "jsonl".
        boolean templates = names != null && java.util.stream.StreamSupport.stream(names.spliterator(), false)
                .anyMatch("jsonl"::equals);
        return templates && v.contains("%") ? v : null;
    }
}
