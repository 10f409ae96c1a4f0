package lb.cli.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.cli.format.PublishRecord;

/**
 * An rpk-style parse template for {@code lb publish --input TEMPLATE}: how to cut stdin into
 * messages. Immutable once parsed; {@link #reader} gives a single-threaded reader.
 *
 * <p>Tokens: {@code %k} key, {@code %v} value, {@code %p} partition (decimal), {@code %h}
 * headers ({@code NAME=VALUE} pairs separated by commas; empty for none), {@code %%} a percent
 * sign; escapes {@code \n \r \t \0 \\ \xNN}. Everything else is literal text that must appear
 * in the input exactly. A field ends at the literal text that follows it, so two fields need a
 * literal between them; a template ending in a field gets an implicit {@code \n}. The template
 * is applied again and again until stdin ends; the last record may lack its final delimiter.
 * Examples: {@code '%k\t%v\n'}, {@code '%p:%k=%v\n'}, {@code '%h|%v\n'}, {@code '%v\x00'}.
 */
public final class InputTemplate {

    /** The help text listing the tokens. */
    public static final String HELP = "%k key, %v value, %p partition, %h headers (a=1,b=2), %% percent; "
            + "escapes \\n \\t \\r \\0 \\\\ \\xNN; literal text between fields is the delimiter";

    private enum Kind { KEY, VALUE, PARTITION, HEADERS }

    /** A field and the literal bytes that end it. */
    private record Step(byte[] prefix, Kind kind, byte[] delimiter) {
    }

    private final List<Step> steps;
    private final String text;

    private InputTemplate(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** True when {@code --input} names a template rather than a mode (lines, raw, jsonl). */
    public static boolean isTemplate(String input) {
        return input.indexOf('%') >= 0;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException saying what is wrong and what is accepted
     */
    public static InputTemplate parse(String text) {
        List<Object> items = new ArrayList<>(); // byte[] literals and Kinds, alternating after merging
        ByteArrayOutputStream lit = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 1 >= text.length()) {
                    throw bad(text, "a lone % at the end");
                }
                char t = text.charAt(i + 1);
                i += 2;
                if (t == '%') {
                    lit.write('%');
                    continue;
                }
                Kind k = switch (t) {
                    case 'k' -> Kind.KEY;
                    case 'v' -> Kind.VALUE;
                    case 'p' -> Kind.PARTITION;
                    case 'h' -> Kind.HEADERS;
                    default -> throw bad(text, "unknown token %" + t);
                };
                if (items.isEmpty() || items.getLast() instanceof Kind) {
                    if (!items.isEmpty() && lit.size() == 0) {
                        throw bad(text, "two fields need literal text between them");
                    }
                }
                items.add(lit.toByteArray());
                lit.reset();
                items.add(k);
            } else if (c == '\\' && i + 1 < text.length()) {
                char e = text.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'n' -> lit.write('\n');
                    case 'r' -> lit.write('\r');
                    case 't' -> lit.write('\t');
                    case '0' -> lit.write(0);
                    case '\\' -> lit.write('\\');
                    case 'x' -> {
                        if (i + 2 > text.length()) {
                            throw bad(text, "\\x needs two hex digits");
                        }
                        try {
                            lit.write(Integer.parseInt(text.substring(i, i + 2), 16));
                        } catch (NumberFormatException ex) {
                            throw bad(text, "\\x needs two hex digits, not '" + text.substring(i, i + 2) + "'");
                        }
                        i += 2;
                    }
                    default -> throw bad(text, "unknown escape \\" + e + " (use \\n \\r \\t \\0 \\\\ \\xNN)");
                }
            } else {
                int cp = text.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                lit.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        byte[] tail = lit.toByteArray();
        if (items.isEmpty()) {
            throw bad(text, "no field: use at least %v");
        }
        // items: prefix0, kind0, prefix1, kind1, ...; the prefix of field i+1 is the delimiter of field i.
        List<Step> steps = new ArrayList<>();
        boolean hasValue = false;
        for (int j = 0; j < items.size(); j += 2) {
            byte[] prefix = j == 0 ? (byte[]) items.get(0) : new byte[0];
            Kind k = (Kind) items.get(j + 1);
            byte[] delim = j + 2 < items.size() ? (byte[]) items.get(j + 2) : tail.length == 0 ? new byte[] {'\n'} : tail;
            hasValue |= k == Kind.VALUE;
            for (Step s : steps) {
                if (s.kind() == k) {
                    throw bad(text, "a field appears twice");
                }
            }
            steps.add(new Step(prefix, k, delim));
        }
        if (!hasValue) {
            throw bad(text, "no %v");
        }
        return new InputTemplate(text, List.copyOf(steps));
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("input template '" + text + "': " + why + " (" + HELP + ")");
    }

    /** A reader of records from {@code in}; not thread-safe. */
    public Reader reader(InputStream in) {
        return new Reader(in);
    }

    /** Reads one record at a time. */
    public final class Reader {
        private final InputStream in;
        private long record;

        Reader(InputStream in) {
            this.in = in;
        }

        /**
         * The next record, or null at the end of input.
         *
         * @throws IllegalArgumentException when the input does not match (record number and why)
         */
        public PublishRecord next() throws IOException {
            record++;
            byte[] key = null;
            byte[] value = null;
            Integer partition = null;
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (int s = 0; s < steps.size(); s++) {
                Step st = steps.get(s);
                for (int b = 0; b < st.prefix().length; b++) {
                    int c = in.read();
                    if (c < 0 && s == 0 && b == 0) {
                        return null;
                    }
                    if (c != (st.prefix()[b] & 0xff)) {
                        throw new IllegalArgumentException("input record " + record + " does not start with '"
                                + printable(st.prefix()) + "' (template '" + text + "')");
                    }
                }
                Field f = new Field();
                boolean last = s == steps.size() - 1;
                boolean eof = !readUntil(f, st.delimiter());
                byte[] bytes = Arrays.copyOf(f.a, f.n);
                if (eof) {
                    if (s == 0 && st.prefix().length == 0 && bytes.length == 0) {
                        return null;
                    }
                    if (!last) {
                        throw new IllegalArgumentException("input record " + record + ": input ended before '"
                                + printable(st.delimiter()) + "' (template '" + text + "')");
                    }
                }
                switch (st.kind()) {
                    case KEY -> key = bytes;
                    case VALUE -> value = bytes;
                    case PARTITION -> partition = partition(bytes);
                    case HEADERS -> headers(bytes, headers);
                }
            }
            return new PublishRecord(null, partition, key, value, headers, null);
        }

        /** Reads into {@code f} up to {@code d}, which is consumed; false when input ended first. */
        private boolean readUntil(Field f, byte[] d) throws IOException {
            int c;
            int lastByte = d[d.length - 1] & 0xff;
            while ((c = in.read()) >= 0) {
                f.add((byte) c);
                if (c == lastByte && f.endsWith(d)) {
                    f.n -= d.length;
                    return true;
                }
            }
            return false;
        }

        private Integer partition(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8).trim();
            try {
                int p = Integer.parseInt(s);
                if (p >= 0) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below with the record number
            }
            throw new IllegalArgumentException("input record " + record + ": partition '" + s
                    + "' is not a non-negative integer");
        }

        private void headers(byte[] b, Map<String, byte[]> out) {
            String s = new String(b, StandardCharsets.UTF_8);
            if (s.isEmpty()) {
                return;
            }
            for (String pair : s.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("input record " + record + ": header '" + pair
                            + "' is not NAME=VALUE");
                }
                out.put(pair.substring(0, eq), pair.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** A growable byte array (the field being read). */
    private static final class Field {
        byte[] a = new byte[256];
        int n;

        void add(byte b) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = b;
        }

        boolean endsWith(byte[] d) {
            return n >= d.length && Arrays.equals(a, n - d.length, n, d, 0, d.length);
        }
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
