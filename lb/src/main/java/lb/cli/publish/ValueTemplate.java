package lb.cli.publish;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A nats-style value template for {@code lb publish VALUE}, {@code -k} and {@code -H}: literal
 * text with {@code {{name}}} placeholders, filled in for each message. Parsed once, so an
 * unknown placeholder is a usage error before anything is published. Immutable.
 *
 * <p>Placeholders (names are case-insensitive, spaces inside the braces are ignored):
 * <ul>
 *   <li>{@code {{n}}} (also {{count}}): the message number, from 1</li>
 *   <li>{@code {{time}}}: now, RFC 3339 in UTC with milliseconds</li>
 *   <li>{@code {{unix}}}, {@code {{unix_ms}}}, {@code {{unix_nano}}}: now since the epoch</li>
 *   <li>{@code {{random}}}: a random integer in [0, 2^31); {@code {{random MIN MAX}}}: in [MIN, MAX]</li>
 *   <li>{@code {{uuid}}}: a random UUID</li>
 * </ul>
 */
public final class ValueTemplate {

    private sealed interface Part permits Literal, Field {
    }

    private record Literal(String text) implements Part {
    }

    private record Field(String name, long min, long max) implements Part {
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final List<Part> parts;
    private final boolean constant;

    private ValueTemplate(List<Part> parts) {
        this.parts = parts;
        this.constant = parts.stream().allMatch(p -> p instanceof Literal);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the bad placeholder and the accepted ones
     */
    public static ValueTemplate parse(String text) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf("{{", at);
            if (open < 0) {
                parts.add(new Literal(text.substring(at)));
                break;
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("template '" + text + "': '{{' at " + open + " is not closed by '}}'");
            }
            if (open > at) {
                parts.add(new Literal(text.substring(at, open)));
            }
            parts.add(field(text.substring(open + 2, close).trim(), text));
            at = close + 2;
        }
        return new ValueTemplate(List.copyOf(parts));
    }

    private static Field field(String spec, String text) {
        String[] w = spec.split("\\s+");
        String name = w[0].toLowerCase(java.util.Locale.ROOT);
        switch (name) {
            case "n", "count", "time", "unix", "unix_ms", "unix_nano", "uuid" -> {
                if (w.length != 1) {
                    throw new IllegalArgumentException("template '" + text + "': {{" + name + "}} takes no arguments");
                }
                return new Field(name.equals("count") ? "n" : name, 0, 0);
            }
            case "random" -> {
                if (w.length == 1) {
                    return new Field(name, 0, Integer.MAX_VALUE);
                }
                try {
                    long min = Long.parseLong(w[1]);
                    long max = Long.parseLong(w[2]);
                    if (w.length == 3 && min <= max && max < Long.MAX_VALUE) {
                        return new Field(name, min, max);
                    }
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    // falls through to the error below, which says what is accepted
                }
                throw new IllegalArgumentException("template '" + text + "': use {{random}} or {{random MIN MAX}} "
                        + "with integers MIN <= MAX, not {{" + spec + "}}");
            }
            default -> throw new IllegalArgumentException("template '" + text + "': unknown placeholder {{" + spec
                    + "}}; known: {{n}}, {{time}}, {{unix}}, {{unix_ms}}, {{unix_nano}}, {{random}}, "
                    + "{{random MIN MAX}}, {{uuid}}");
        }
    }

    /** True when the text has no placeholders (the same value every time). */
    public boolean constant() {
        return constant;
    }

    /** The text for message number {@code n} (from 1), at {@code now}. */
    public String expand(long n, Instant now) {
        if (constant) {
            return parts.isEmpty() ? "" : ((Literal) parts.get(0)).text();
        }
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case Field f -> sb.append(switch (f.name()) {
                    case "n" -> Long.toString(n);
                    case "time" -> TIME.format(now);
                    case "unix" -> Long.toString(now.getEpochSecond());
                    case "unix_ms" -> Long.toString(now.toEpochMilli());
                    case "unix_nano" -> Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano());
                    case "uuid" -> UUID.randomUUID().toString();
                    default -> Long.toString(ThreadLocalRandom.current().nextLong(f.min(), f.max() + 1));
                });
            }
        }
        return sb.toString();
    }
}
