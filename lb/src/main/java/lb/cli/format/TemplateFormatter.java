package lb.cli.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code --format} template with rpk-style tokens (CLI.md "Output formats"), compiled once
 * into a list of parts. Thread-safe once compiled.
 *
 * <pre>
 * %s stream   %p partition  %o offset     %n message number (from 1)
 * %k key      %K key length %v value      %V value length
 * %d timestamp (epoch ms); %d{ms} %d{ns} %d{iso} %d{strftime:%F %T}
 * %h{…} headers, the inner template once per header with %k name and %v value
 * %H header count  %S NATS subject  %c correlation id  %% a percent sign
 * %k and %v take {hex}, {base64} or {json} (JSON text as is, anything else as a JSON string)
 * escapes: \n \r \t \\ \xNN
 * </pre>
 */
public final class TemplateFormatter implements MessageFormatter {

    /** One piece of the output. {@code h} is the current header inside %h{…}, else null. */
    @FunctionalInterface
    private interface Part {
        void write(MessageView m, long n, Map.Entry<String, byte[]> h, OutputStream out)
                throws IOException;
    }

    private final List<Part> parts;

    private TemplateFormatter(List<Part> parts) {
        this.parts = parts;
    }

    /**
     * Compiles a template.
     *
     * @throws IllegalArgumentException naming the bad token and its position
     */
    public static TemplateFormatter compile(String template) {
        return new TemplateFormatter(new Compiler(template).parse(false));
    }

    @Override
    public void write(MessageView m, long n, OutputStream out) throws IOException {
        for (Part p : parts) {
            p.write(m, n, null, out);
        }
    }

    private static final class Compiler {
        private final String t;
        private int i;

        Compiler(String t) {
            this.t = t;
        }

        List<Part> parse(boolean inHeaders) {
            List<Part> out = new ArrayList<>();
            Literal lit = new Literal();
            while (i < t.length()) {
                char c = t.charAt(i);
                if (inHeaders && c == '}') {
                    i++;
                    flush(lit, out);
                    return out;
                }
                if (c == '\\' && i + 1 < t.length()) {
                    i += 2;
                    char e = t.charAt(i - 1);
                    switch (e) {
                        case 'n' -> lit.append('\n');
                        case 'r' -> lit.append('\r');
                        case 't' -> lit.append('\t');
                        case '\\' -> lit.append('\\');
                        case 'x' -> {
                            if (i + 2 > t.length()) {
                                throw bad("\\x needs two hex digits");
                            }
                            try {
                                lit.appendByte(Integer.parseInt(t.substring(i, i + 2), 16));
                            } catch (NumberFormatException ex) {
                                throw bad("\\x needs two hex digits");
                            }
                            i += 2;
                        }
                        default -> lit.append('\\').append(e);
                    }
                    continue;
                }
                if (c != '%') {
                    lit.append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= t.length()) {
                    throw bad("a template cannot end with %");
                }
                char tok = t.charAt(i + 1);
                i += 2;
                if (tok == '%') {
                    lit.append('%');
                    continue;
                }
                flush(lit, out);
                String mod = modifier();
                out.add(token(tok, mod, inHeaders));
            }
            if (inHeaders) {
                throw bad("%h{ is not closed with }");
            }
            flush(lit, out);
            return out;
        }

        private String modifier() {
            if (i < t.length() && t.charAt(i) == '{' && !t.startsWith("{%", i)) {
                int end = t.indexOf('}', i);
                if (end < 0) {
                    throw bad("{ is not closed");
                }
                String mod = t.substring(i + 1, end);
                i = end + 1;
                return mod;
            }
            return null;
        }

        private Part token(char tok, String mod, boolean inHeaders) {
            return switch (tok) {
                case 's' -> text(m -> m.stream());
                case 'p' -> text(m -> Integer.toString(m.partition()));
                case 'o' -> text(m -> Long.toString(m.offset()));
                case 'S' -> text(m -> m.subject());
                case 'c' -> text(m -> m.correlationId());
                case 'H' -> text(m -> Integer.toString(m.headers().size()));
                case 'n' -> (m, n, h, out) -> out.write(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                case 'K' -> text(m -> Integer.toString(m.key() == null ? 0 : m.key().length));
                case 'V' -> text(m -> Integer.toString(m.value().length));
                case 'd' -> timestamp(mod);
                case 'k' -> {
                    BytesWriter w = bytesWriter(mod);
                    yield inHeaders
                            ? (m, n, h, out) -> out.write(h.getKey().getBytes(StandardCharsets.UTF_8))
                            : (m, n, h, out) -> w.write(m.key() == null ? new byte[0] : m.key(), out);
                }
                case 'v' -> {
                    BytesWriter w = bytesWriter(mod);
                    yield inHeaders
                            ? (m, n, h, out) -> w.write(h.getValue(), out)
                            : (m, n, h, out) -> w.write(m.value(), out);
                }
                case 'h' -> {
                    if (inHeaders) {
                        throw bad("%h cannot be nested");
                    }
                    if (i < t.length() && t.charAt(i) == '{') {
                        i++;
                        List<Part> inner = parse(true);
                        yield (m, n, h, out) -> {
                            for (Map.Entry<String, byte[]> e : m.headers().entrySet()) {
                                for (Part p : inner) {
                                    p.write(m, n, e, out);
                                }
                            }
                        };
                    }
                    yield (m, n, h, out) -> {
                        StringBuilder sb = new StringBuilder();
                        for (Map.Entry<String, byte[]> e : m.headers().entrySet()) {
                            if (!sb.isEmpty()) {
                                sb.append(',');
                            }
                            sb.append(e.getKey()).append('=');
                            MessageFormats.printable(sb, e.getValue());
                        }
                        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                    };
                }
                default -> throw bad("unknown token %" + tok);
            };
        }

        private Part timestamp(String mod) {
            if (mod == null || mod.equals("ms")) {
                return text(m -> Long.toString(Math.floorDiv(m.timestampNs(), 1_000_000L)));
            }
            if (mod.equals("ns")) {
                return text(m -> Long.toString(m.timestampNs()));
            }
            if (mod.equals("iso")) {
                return text(m -> Instant.ofEpochMilli(Math.floorDiv(m.timestampNs(), 1_000_000L)).toString());
            }
            if (mod.startsWith("strftime:")) {
                String f = mod.substring("strftime:".length());
                return text(m -> strftime(f, m.timestampNs()));
            }
            throw bad("unknown %d modifier {" + mod + "}: expected ms, ns, iso or strftime:FORMAT");
        }

        private BytesWriter bytesWriter(String mod) {
            if (mod == null) {
                return (b, out) -> out.write(b);
            }
            return switch (mod) {
                case "hex" -> (b, out) -> out.write(Encoding.HEX.encode(b).getBytes(StandardCharsets.US_ASCII));
                case "base64" -> (b, out) -> out.write(Encoding.BASE64.encode(b).getBytes(StandardCharsets.US_ASCII));
                case "json" -> (b, out) -> out.write(asJson(b));
                default -> throw bad("unknown modifier {" + mod + "}: expected hex, base64 or json");
            };
        }

        private static void flush(Literal lit, List<Part> out) {
            byte[] b = lit.take();
            if (b.length > 0) {
                out.add((m, n, h, o) -> o.write(b));
            }
        }

        private IllegalArgumentException bad(String why) {
            return new IllegalArgumentException("bad template '" + t + "' at " + i + ": " + why);
        }
    }

    /** Literal template text: characters as UTF-8, {@code \xNN} escapes as the raw byte. */
    private static final class Literal {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final StringBuilder chars = new StringBuilder();

        Literal append(char c) {
            chars.append(c);
            return this;
        }

        Literal append(String s) {
            chars.append(s);
            return this;
        }

        void appendByte(int b) {
            spill();
            bytes.write(b);
        }

        byte[] take() {
            spill();
            byte[] b = bytes.toByteArray();
            bytes.reset();
            return b;
        }

        private void spill() {
            bytes.writeBytes(chars.toString().getBytes(StandardCharsets.UTF_8));
            chars.setLength(0);
        }
    }

    @FunctionalInterface
    private interface BytesWriter {
        void write(byte[] b, OutputStream out) throws IOException;
    }

    private static Part text(java.util.function.Function<MessageView, String> f) {
        return (m, n, h, out) -> {
            String s = f.apply(m);
            if (s != null) {
                out.write(s.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static byte[] asJson(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        if (Encoding.isUtf8(b)) {
            try {
                JsonEnvelope.MAPPER.readTree(s);
                if (!s.isBlank()) {
                    return b;
                }
            } catch (tools.jackson.core.JacksonException e) {
                // not JSON text: quoted as a string below
            }
            return JsonEnvelope.MAPPER.writeValueAsString(s).getBytes(StandardCharsets.UTF_8);
        }
        return JsonEnvelope.MAPPER.writeValueAsString(Encoding.BASE64.encode(b))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The strftime subset people use: %Y %m %d %H %M %S %L(ms) %F %T %z %Z %j %e %a %b %y %s %%. */
    static String strftime(String f, long nowNs) {
        ZonedDateTime t = Instant.ofEpochSecond(Math.floorDiv(nowNs, 1_000_000_000L),
                Math.floorMod(nowNs, 1_000_000_000L)).atZone(ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%' || i + 1 == f.length()) {
                sb.append(c);
                continue;
            }
            char d = f.charAt(++i);
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                case 'L' -> sb.append(String.format("%03d", t.getNano() / 1_000_000));
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'F' -> sb.append(String.format("%d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
                case 'T' -> sb.append(String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
                case 'z' -> sb.append("+0000");
                case 'Z' -> sb.append("UTC");
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
                case 's' -> sb.append(t.toEpochSecond());
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    /** Renders one message to a string (tests, previews). */
    String render(MessageView m, long n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            write(m, n, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
