package lb.cli;

import lb.cli.format.Encoding;
import lb.cli.format.FormatOptions;
import lb.cli.format.MessageFormats;
import lb.cli.format.MessageFormatter;
import picocli.CommandLine.Option;

/** The message output options of {@code tail}, {@code replay} and {@code get} (a picocli mixin). */
final class MessageFormatOptions {

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", completionCandidates = Formats.class,
            description = "pretty (default on a terminal), raw (default when piped), json, jsonl, help (the "
                    + "JSON fields), or a template with %% tokens: %%s stream, %%p partition, %%o offset, %%k key, "
                    + "%%v value, %%d time, %%h{%%k=%%v;} headers, %%S subject (all: lb help formats). "
                    + "$LB_FORMAT sets the default when it names one of these or is a template.")
    String format;

    @Option(names = "-K", paramLabel = "DELIM", description = "raw: print the key and DELIM before each value.")
    String keyDelimiter;

    @Option(names = "-D", paramLabel = "DELIM", description = "raw: write DELIM after each value (default \\n).")
    String delimiter = "\n";

    @Option(names = "--key-encoding", paramLabel = "ENC", description = "Keys in json/jsonl/templates: auto (the default: utf8, or base64 when not UTF-8), utf8, base64, hex.")
    String keyEncoding = "auto";

    @Option(names = "--value-encoding", paramLabel = "ENC",
            description = "Values in json/jsonl/templates: auto (the default: utf8, or base64 when not UTF-8), utf8, "
                    + "base64, hex, json.")
    String valueEncoding = "auto";

    MessageFormatter formatter(Io io, LbCommand root) {
        String f = format != null ? format : io.outTty ? "pretty" : "raw";
        try {
            FormatOptions o = new FormatOptions(Encoding.parse(keyEncoding), Encoding.parse(valueEncoding),
                    unescape(delimiter), keyDelimiter == null ? null : unescape(keyDelimiter),
                    root.connection.verbosity() >= 1,
                    root.color(io.outTty));
            return MessageFormats.of(f, o);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The named formats, for completion (templates are free text). */
    static final class Formats extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Formats() {
            super(java.util.List.of("pretty", "raw", "json", "jsonl", FormatHelp.VALUE));
        }
    }

    static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\0", "\0");
    }

}
