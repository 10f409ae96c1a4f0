package lb.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The documented shape of one command's machine output (JSON, and YAML with the same tree):
 * a heading, an optional example, one line per field (name, type, meaning) and notes. The
 * texts live in {@link HelpTopics}; {@code lb help formats} and {@code --format help} both
 * render them with {@link #render()}, so the two never disagree. Immutable.
 *
 * <p>Field names are paths: {@code partitions[].id} is {@code id} in each element of the
 * array {@code partitions}; a segment in capitals ({@code headers.NAME}, {@code configs.KEY})
 * stands for any key of an object (in last place, also a key holding dots). For an output that is an array of objects
 * ({@link #array}), fields are those of each element.
 *
 * @param heading  first line, e.g. "lb stream list --format json|yaml: an array of objects"
 * @param array    whether the output is an array whose elements the fields describe
 * @param example  example lines shown before the fields (may be empty)
 * @param fields   the fields, parents before their children
 * @param notes    lines printed after the fields (may be empty)
 */
record Schema(String heading, boolean array, List<String> example, List<Field> fields, List<String> notes) {

    private static final int WIDTH = 80;
    private static final String INDENT = "  ";

    /** One field: its path, JSON type ({@code string}, {@code integer|null}, {@code [object]}...) and meaning. */
    record Field(String name, String type, String meaning) {
    }

    static Field field(String name, String type, String meaning) {
        return new Field(name, type, meaning);
    }

    /** The text: heading, example, an aligned field table (meanings wrapped at 80 columns), notes. */
    String render() {
        StringBuilder sb = new StringBuilder(heading).append('\n');
        if (!example.isEmpty()) {
            sb.append('\n');
            example.forEach(l -> sb.append(INDENT).append(l).append('\n'));
        }
        int nameWidth = fields.stream().mapToInt(f -> f.name().length()).max().orElse(0) + 2;
        int typeWidth = fields.stream().mapToInt(f -> f.type().length()).max().orElse(0) + 2;
        int indent = INDENT.length() + nameWidth + typeWidth;
        sb.append('\n');
        for (Field f : fields) {
            sb.append(INDENT).append(pad(f.name(), nameWidth)).append(pad(f.type(), typeWidth));
            List<String> lines = wrap(f.meaning(), WIDTH - indent);
            sb.append(lines.get(0)).append('\n');
            for (String l : lines.subList(1, lines.size())) {
                sb.append(" ".repeat(indent)).append(l).append('\n');
            }
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(l -> sb.append(INDENT).append(l).append('\n'));
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(1, width - s.length()));
    }

    /** Splits {@code text} at spaces into lines of at most {@code width} characters (longer words stay whole). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * The paths in {@code json} that no field documents, for tests that hold the schema to the
     * real output: every object key is looked up by its path (array elements add {@code []},
     * capitalised segments match any key). Empty when everything is documented.
     */
    List<String> undocumented(JsonNode json) {
        List<String> missing = new ArrayList<>();
        if (array) {
            for (JsonNode e : json) {
                walk(e, "", missing);
            }
        } else {
            walk(json, "", missing);
        }
        return missing.stream().distinct().toList();
    }

    private void walk(JsonNode node, String prefix, List<String> missing) {
        if (node.isArray()) {
            for (JsonNode e : node) {
                walk(e, prefix + "[]", missing);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            String documented = documented(path);
            if (documented == null) {
                missing.add(path);
            } else if (hasChildren(documented)) {
                walk(e.getValue(), documented, missing);
            }
        }
    }

    /** The field name matching {@code path}: exactly, else through a capitalised wildcard segment; or null. */
    private String documented(String path) {
        for (Field f : fields) {
            if (f.name().equals(path)) {
                return f.name();
            }
        }
        for (Field f : fields) {
            if (matches(f.name(), path)) {
                return f.name();
            }
        }
        return null;
    }

    private boolean hasChildren(String name) {
        return fields.stream().anyMatch(f -> f.name().startsWith(name + ".") || f.name().startsWith(name + "[]"));
    }

    private static boolean matches(String pattern, String path) {
        String[] p = pattern.split("\\.");
        String[] q = path.split("\\.");
        // A wildcard in last place takes the rest: keys may hold dots (configs.retention.max.age).
        boolean tail = wildcard(p[p.length - 1]);
        if (tail ? q.length < p.length : p.length != q.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals(q[i]) && !wildcard(p[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean wildcard(String segment) {
        String s = segment.replace("[]", "");
        return !s.isEmpty() && s.chars().allMatch(c -> Character.isUpperCase(c) || c == '_');
    }
}
