package lb.cli.format;

/**
 * Options shared by the message formats.
 *
 * @param keyEncoding how keys are written in json, jsonl and templates
 * @param valueEncoding how values are written in json, jsonl and templates
 * @param rawDelimiter bytes written after each value by {@code raw} ({@code -D}, default "\n")
 * @param rawKeyDelimiter when not null, {@code raw} writes the key and this before the value ({@code -K})
 * @param verbose {@code pretty} also prints headers
 * @param color {@code pretty} uses ANSI colours
 */
public record FormatOptions(Encoding keyEncoding, Encoding valueEncoding, String rawDelimiter,
                            String rawKeyDelimiter, boolean verbose, boolean color) {

    public static FormatOptions defaults() {
        return new FormatOptions(Encoding.AUTO, Encoding.AUTO, "\n", null, false, false);
    }
}
