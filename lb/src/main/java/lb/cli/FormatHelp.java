package lb.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --format help} (rpk's habit): print what a command's machine output holds, field by
 * field, from the {@link HelpTopics#SCHEMAS} that {@code lb help formats} shows too, and exit 0
 * without contacting a broker. {@link Main} checks for it before a command runs and when its
 * required arguments are missing, so {@code lb stream describe --format help} needs no stream
 * name. Stateless.
 */
final class FormatHelp {

    static final String VALUE = "help";

    private FormatHelp() {
    }

    /** Whether {@code spec}'s {@code --format} option was given {@code help}. */
    static boolean requested(CommandSpec spec) {
        OptionSpec o = spec.findOption("--format");
        return o != null && VALUE.equals(o.getValue());
    }

    /** The schemas of {@code spec}'s output, by its path without the leading "lb"; empty when it has none. */
    static List<Schema> schemas(CommandSpec spec) {
        String path = spec.qualifiedName(" ");
        int space = path.indexOf(' ');
        return HelpTopics.SCHEMAS.getOrDefault(space < 0 ? "" : path.substring(space + 1), List.of());
    }

    /**
     * Prints the schemas of {@code spec}'s output and returns exit code 0.
     *
     * @throws picocli.CommandLine.ParameterException (a usage error) when the command has no
     *         documented machine output
     */
    static int print(CommandSpec spec, PrintWriter out) {
        List<Schema> schemas = schemas(spec);
        if (schemas.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    spec.qualifiedName(" ") + " has no JSON output to describe");
        }
        out.print(String.join("\n", schemas.stream().map(Schema::render).toList()));
        out.println();
        out.println("lb help formats: every output format, template tokens and JSON shape.");
        out.flush();
        return ExitCodes.OK;
    }
}
