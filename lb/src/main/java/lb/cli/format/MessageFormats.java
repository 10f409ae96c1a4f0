package lb.cli.format;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The message formats of {@code tail}, {@code replay} and {@code get} (CLI.md "Output formats
 * for messages"): {@code pretty}, {@code raw}, {@code json}, {@code jsonl}, or a template
 * containing {@code %}.
 */
public final class MessageFormats {

    /** The names accepted by {@code --format} for messages, besides templates. */
    public static final String NAMES = "pretty, raw, json, jsonl, or a template with % tokens "
            + "(see lb replay --help)";

    private MessageFormats() {
    }

    /**
     * The formatter for a {@code --format} value.
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    public static MessageFormatter of(String spec, FormatOptions o) {
        if (spec.indexOf('%') >= 0) {
            return TemplateFormatter.compile(spec);
        }
        return switch (spec) {
            case "pretty", "text" -> pretty(o);
            case "raw" -> raw(o);
            case "json" -> json(o, true);
            case "jsonl" -> json(o, false);
            default -> throw new IllegalArgumentException("unknown message format '" + spec
                    + "': expected " + NAMES);
        };
    }

    /** {@code stream[p]@offset  time  key=…  value}, headers below with {@code -v}. */
    static MessageFormatter pretty(FormatOptions o) {
        String dim = o.color() ? "\u001b[2m" : "";
        String bold = o.color() ? "\u001b[1m" : "";
        String reset = o.color() ? "\u001b[0m" : "";
        return (m, n, out) -> {
            StringBuilder sb = new StringBuilder(64 + m.value().length);
            sb.append(bold).append(m.stream()).append('[').append(m.partition()).append("]@")
                    .append(m.offset()).append(reset).append("  ").append(dim)
                    .append(Instant.ofEpochMilli(Math.floorDiv(m.timestampNs(), 1_000_000L)))
                    .append(reset).append("  ");
            if (m.key() != null) {
                sb.append("key=");
                printable(sb, m.key());
                sb.append("  ");
            }
            printable(sb, m.value());
            sb.append('\n');
            if (o.verbose()) {
                for (Map.Entry<String, byte[]> h : m.headers().entrySet()) {
                    sb.append("    ").append(dim).append(h.getKey()).append(": ").append(reset);
                    printable(sb, h.getValue());
                    sb.append('\n');
                }
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        };
    }

    /** Value bytes as they are, then the delimiter; the key and {@code -K} first when set. */
    static MessageFormatter raw(FormatOptions o) {
        byte[] delim = o.rawDelimiter().getBytes(StandardCharsets.UTF_8);
        byte[] keyDelim = o.rawKeyDelimiter() == null ? null
                : o.rawKeyDelimiter().getBytes(StandardCharsets.UTF_8);
        return (m, n, out) -> {
            if (keyDelim != null) {
                if (m.key() != null) {
                    out.write(m.key());
                }
                out.write(keyDelim);
            }
            out.write(m.value());
            out.write(delim);
        };
    }

    static MessageFormatter json(FormatOptions o, boolean pretty) {
        JsonEnvelope env = new JsonEnvelope(o.keyEncoding(), o.valueEncoding());
        return (m, n, out) -> {
            env.write(m, nonClosing(out), pretty);
            out.write('\n');
        };
    }

    /** Text for people: valid UTF-8 as is (control characters escaped), other bytes as \xNN. */
    static void printable(StringBuilder sb, byte[] b) {
        if (Encoding.isUtf8(b)) {
            String s = new String(b, StandardCharsets.UTF_8);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            sb.append(String.format("\\x%02x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
        } else {
            for (byte x : b) {
                int v = x & 0xFF;
                if (v >= 0x20 && v < 0x7f && v != '\\') {
                    sb.append((char) v);
                } else {
                    sb.append(String.format("\\x%02x", v));
                }
            }
        }
    }

    /** Jackson closes the stream it writes to; the formats must leave stdout open. */
    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        };
    }
}
