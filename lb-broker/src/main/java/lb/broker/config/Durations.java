package lb.broker.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax, as Liftbridge config files use it: a sequence of decimal numbers, each
 * with an optional fraction and a unit ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s},
 * {@code m}, {@code h}), e.g. {@code 500ms}, {@code 1.5h}, {@code 2h45m}; {@code 0} alone is
 * allowed. Negative durations are refused (no setting uses one). Stateless.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /** The duration {@code text} means, or null when it is not a valid non-negative Go duration. */
    public static Duration parse(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.isEmpty()) {
            return null;
        }
        Matcher m = PART.matcher(t);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (nanos.compareTo(MAX_NANOS) > 0) {
            return null;
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** {@code d} in Go syntax, e.g. {@code 168h0m0s} → written compactly as {@code 168h}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long ns = d.toNanos();
        if (ns % 3_600_000_000_000L == 0) return ns / 3_600_000_000_000L + "h";
        if (ns % 60_000_000_000L == 0) return ns / 60_000_000_000L + "m";
        if (ns % 1_000_000_000L == 0) return ns / 1_000_000_000L + "s";
        if (ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
        if (ns % 1_000L == 0) return ns / 1_000L + "us";
        return ns + "ns";
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
