package lb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Output of non-message commands: a table for people ({@code text}, {@code wide}) or JSON for
 * machines ({@code json}, also {@code --json}). A picocli mixin; stateless otherwise.
 */
final class Output {

    /** Built on first use: quick commands (--version, help) never pay for Jackson's start-up. */
    private static final class Holder {
        static final JsonMapper JSON = JsonMapper.builder().build();
    }

    static JsonMapper json() {
        return Holder.JSON;
    }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text (default), wide (more columns) or json.")
    String format = "text";

    @Option(names = "--json", description = "Same as --format json.")
    boolean json;

    boolean isJson() {
        if (json) {
            return true;
        }
        return switch (format) {
            case "json" -> true;
            case "text", "wide" -> false;
            default -> throw new UsageException("unknown format '" + format + "': expected text, wide or json");
        };
    }

    boolean wide() {
        return "wide".equals(format);
    }

    static ObjectNode object() {
        return json().createObjectNode();
    }

    /** Prints a JSON tree in the chosen machine format. */
    void print(PrintWriter out, Object node) {
        printJson(out, node);
    }

    static void printJson(PrintWriter out, Object node) {
        out.println(json().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        out.flush();
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
