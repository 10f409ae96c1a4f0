package lb.cli.group;

import java.io.PrintWriter;
import java.util.List;

/** Plain aligned-column tables: the first row is the header; two spaces between columns. */
final class Tables {
    private Tables() {
    }

    static void print(PrintWriter out, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r.get(i));
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r.get(i).length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
