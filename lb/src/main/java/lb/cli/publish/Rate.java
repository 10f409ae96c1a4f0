package lb.cli.publish;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A publish rate ({@code --rate 200/s}) and the pacing of one run by it: message {@code i} is
 * due at {@code start + i / rate}, so a slow moment is caught up instead of lowering the
 * average (the schedule, not the previous send, sets the next send time). Owned by the
 * publishing thread.
 */
public final class Rate {

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*(ms|s|sec|m|min|h))?",
            Pattern.CASE_INSENSITIVE);

    private final double perSecond;
    private long startNs;
    private long sent;

    private Rate(double perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * Parses {@code N}, {@code N/s}, {@code N/ms}, {@code N/m}, {@code N/h} (per second when no unit).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Rate parse(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
            double per = switch (unit) {
                case "ms" -> n * 1000;
                case "m", "min" -> n / 60;
                case "h" -> n / 3600;
                default -> n;
            };
            if (per > 0 && per <= 1e9) {
                return new Rate(per);
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a rate: use N/s, N/ms, N/m or N/h with N > 0 "
                + "(e.g. 200/s, 5/m)");
    }

    public double perSecond() {
        return perSecond;
    }

    /**
     * Waits until the next message is due; returns false if {@code cancelled} turned true meanwhile.
     */
    public boolean await(BooleanSupplier cancelled) {
        long now = System.nanoTime();
        if (sent == 0) {
            startNs = now;
        }
        long due = startNs + (long) (sent * 1e9 / perSecond);
        sent++;
        while (now - due < 0) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(due - now, 50_000_000L)); // wake at least every 50 ms for Ctrl-C
            now = System.nanoTime();
        }
        return !cancelled.getAsBoolean();
    }
}
