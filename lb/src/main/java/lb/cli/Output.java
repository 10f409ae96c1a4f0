package lb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Output of non-message commands: a table for people ({@code text}, {@code wide}) or a tree for
 * machines: {@code json} (also {@code --json}) or {@code yaml}. A picocli mixin; stateless
 * otherwise. Public for the commands of {@code lb.cli.group}.
 *
 * <p>Every command prints its tree through {@link #print}, so each takes every format;
 * {@code help} is answered before the command runs ({@link FormatHelp}).
 */
public final class Output {

    /** Built on first use: quick commands (--version, help) never pay for Jackson's start-up. */
    private static final class Holder {
        static final JsonMapper JSON = JsonMapper.builder().build();
    }

    /** Separate from JSON: only commands asked for YAML load the YAML module (about 40 ms). */
    private static final class YamlHolder {
        static final YAMLMapper YAML = YAMLMapper.builder()
                .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
                .build();
    }

    static JsonMapper json() {
        return Holder.JSON;
    }

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Formats.class,
            description = "text, wide (more columns), json, yaml, or help (what the JSON fields mean); "
                    + "default text, or $LB_FORMAT when it names one of these.")
    String format = "text";

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    public Output() {
    }

    /** An Output whose --format defaults to {@code format} (e.g. yaml for a configuration). */
    static Output defaulting(String format) {
        Output o = new Output();
        o.format = format;
        return o;
    }

    /**
     * True for a machine format (json or yaml): print a tree with {@link #print}.
     *
     * @throws UsageException (exit 2) for a format that is not text, wide, json or yaml
     */
    public boolean structured() {
        if (json) {
            return true;
        }
        return switch (format) {
            case "json", "yaml" -> true;
            case "text", "wide" -> false;
            default -> throw new UsageException("unknown format '" + format
                    + "': expected text, wide, json, yaml or help");
        };
    }

    boolean yaml() {
        return !json && "yaml".equals(format);
    }

    boolean wide() {
        return "wide".equals(format);
    }

    /** Prints a tree (Jackson node or plain maps and lists) as JSON or YAML, as --format says. */
    public void print(PrintWriter out, Object node) {
        if (yaml()) {
            out.print(YamlHolder.YAML.writeValueAsString(node));
            out.flush();
        } else {
            out.println(json().writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out.flush();
        }
    }

    /**
     * The text of one item of a stream of them (a command that runs until Ctrl-C, or watches):
     * JSON as one compact line (JSON Lines), YAML as one document; ends with a newline.
     */
    String item(Object node) {
        return yaml() ? "---\n" + YamlHolder.YAML.writeValueAsString(node)
                : json().writeValueAsString(node) + System.lineSeparator();
    }

    static ObjectNode object() {
        return json().createObjectNode();
    }

    /** The values of --format, for completion. */
    static final class Formats extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Formats() {
            super(List.of("text", "wide", "json", "yaml", FormatHelp.VALUE));
        }
    }

    /** A left-aligned text table; cells are padded to the widest value of their column. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;
        private final boolean[] highlight;
        private final List<Boolean> rowHighlight = new ArrayList<>();

        Table(String... header) {
            this.columns = header.length;
            this.highlight = new boolean[0];
            rows.add(header);
            rowHighlight.add(false);
        }

        Table row(Object... cells) {
            return alertRow(false, cells);
        }

        /** A row; {@code alert} rows are shown in red when colour is on. */
        Table alertRow(boolean alert, Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(r);
            rowHighlight.add(alert);
            return this;
        }

        int size() {
            return rows.size() - 1;
        }

        void print(PrintWriter out, boolean color) {
            int[] w = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            for (int j = 0; j < rows.size(); j++) {
                String[] r = rows.get(j);
                StringBuilder sb = new StringBuilder();
                boolean red = color && rowHighlight.get(j);
                if (red) {
                    sb.append("\u001b[31m");
                }
                for (int i = 0; i < columns; i++) {
                    sb.append(r[i]);
                    if (i < columns - 1) {
                        sb.append(" ".repeat(w[i] - r[i].length() + 2));
                    }
                }
                if (red) {
                    sb.append("\u001b[0m");
                }
                out.println(sb.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
