package lb.cli.position;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the position grammar shared by {@code tail}, {@code replay}, {@code group seek} and
 * {@code cursor set} (CLI.md "Positions"). Stateless apart from its clock; thread-safe.
 *
 * <pre>
 * POS   := earliest | start | beginning | end | new | last | N | -N | +N | @TIME
 * TIME  := 13 digits (epoch ms) | 10 digits (epoch s) | YYYY-MM-DD | RFC 3339 | [+-]DURATION
 * RANGE := POS | POS:POS | :POS | POS:     the second half may also be a plain DURATION
 *                                          after a time start (@2025-03-01:1h)
 * </pre>
 *
 * Every error is a {@link PositionException} whose message lists the accepted forms.
 */
public final class PositionParser {

    /** The accepted forms, shown in every parse error and in help. */
    public static final String FORMS = "earliest|start|beginning, end|new, last, N (offset), "
            + "-N (N before the end), +N (N after the start), @TIME where TIME is epoch ms "
            + "(13 digits), epoch s (10 digits), YYYY-MM-DD, RFC 3339 "
            + "(2025-03-01T10:00:00Z) or a duration from now (@-2h); ranges are FROM:TO, :TO "
            + "or FROM:, and TO may be end, N, @TIME or a duration after a time FROM (@2025-03-01:1h)";

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d|w)");

    private final Clock clock;

    public PositionParser(Clock clock) {
        this.clock = clock;
    }

    /** A parser reading the system clock for relative times. */
    public static PositionParser system() {
        return new PositionParser(Clock.systemUTC());
    }

    /** Parses a start position. */
    public Position parsePosition(String text) {
        Position p = tryPosition(text.trim());
        if (p == null) {
            throw error("position", text);
        }
        return p;
    }

    /** Parses a stop position (the {@code --to} flag): {@code end}, {@code N} or {@code @TIME}. */
    public Stop parseStop(String text) {
        Stop s = tryStop(text.trim(), null);
        if (s == null) {
            throw error("end position", text);
        }
        return s;
    }

    /**
     * Parses a RANGE. A missing start is {@code defaultFrom}; a missing stop after a colon
     * ({@code POS:}) is {@link Stop.Never}; no colon at all gives {@code defaultTo}.
     */
    public Range parseRange(String text, Position defaultFrom, Stop defaultTo) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw error("range", text);
        }
        Position whole = tryPosition(s);
        if (whole != null) {
            return new Range(whole, defaultTo);
        }
        // RFC 3339 times contain colons, so try each colon as the split and take the first
        // split at which both halves parse.
        for (int i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) {
            String left = s.substring(0, i);
            String right = s.substring(i + 1);
            Position from = left.isEmpty() ? defaultFrom : tryPosition(left);
            if (from == null) {
                continue;
            }
            Stop to = right.isEmpty() ? new Stop.Never() : tryStop(right, from);
            if (to != null) {
                return new Range(from, to);
            }
        }
        throw error("range", text);
    }

    private Position tryPosition(String s) {
        switch (s) {
            case "earliest", "start", "beginning", "first", "oldest" -> {
                return new Position.Earliest();
            }
            case "end", "new", "new-only" -> {
                return new Position.End();
            }
            case "last", "latest", "newest" -> {
                return new Position.Last();
            }
            default -> {
            }
        }
        if (s.startsWith("@")) {
            Instant t = tryTime(s.substring(1));
            return t == null ? null : new Position.AtTime(t);
        }
        if (s.startsWith("-") || s.startsWith("+")) {
            Long n = tryCount(s.substring(1));
            if (n == null) {
                return null;
            }
            return s.charAt(0) == '-' ? new Position.BeforeEnd(n) : new Position.AfterStart(n);
        }
        Long n = tryCount(s);
        return n == null ? null : new Position.Offset(n);
    }

    private Stop tryStop(String s, Position from) {
        if (s.equals("end") || s.equals("last") || s.equals("latest")) {
            return new Stop.Latest();
        }
        if (s.startsWith("@")) {
            Instant t = tryTime(s.substring(1));
            return t == null ? null : new Stop.AtTime(t);
        }
        Long n = tryCount(s);
        if (n != null) {
            return new Stop.AtOffset(n);
        }
        if (from instanceof Position.AtTime(Instant start)) {
            Duration d = tryDuration(s);
            if (d != null) {
                return new Stop.AtTime(start.plus(d));
            }
        }
        return null;
    }

    /** Epoch ms (13 digits), epoch s (10 digits), YYYY-MM-DD, RFC 3339 or [+-]DURATION. */
    Instant tryTime(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.chars().allMatch(Character::isDigit)) {
            if (s.length() == 13) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            if (s.length() == 10) {
                return Instant.ofEpochSecond(Long.parseLong(s));
            }
            return null;
        }
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            Duration d = tryDuration(s.substring(1));
            if (d == null) {
                return null;
            }
            Instant now = clock.instant();
            return s.charAt(0) == '-' ? now.minus(d) : now.plus(d);
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null; // not a time; the caller reports the accepted forms
        }
    }

    /** A duration such as {@code 90s}, {@code 1h30m}, {@code 2d}, {@code 1.5h}, {@code 250ms}. */
    public static Duration tryDuration(String s) {
        if (s.isEmpty()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(s);
        long nanos = 0;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            double value = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> 86_400_000_000_000L;
                default -> 604_800_000_000_000L; // w
            };
            double part = value * unit;
            if (part > Long.MAX_VALUE - nanos) {
                return null;
            }
            nanos += (long) part;
            at = m.end();
        }
        return Duration.ofNanos(nanos);
    }

    private static Long tryCount(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(s);
    }

    private static PositionException error(String what, String text) {
        return new PositionException("invalid " + what + " '" + text + "': expected " + FORMS);
    }
}
