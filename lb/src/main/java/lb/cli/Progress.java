package lb.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar with rate and ETA on stderr, redrawn at most every 200 ms; does
 * nothing when stderr is not a terminal. Called from one thread.
 */
final class Progress {

    private final PrintStream err;
    private final boolean enabled;
    private final String what;
    private final long startNs = System.nanoTime();
    private long lastDrawNs;
    private long total;
    private long done;
    private boolean drawn;

    private final boolean bytes;

    Progress(PrintStream err, boolean enabled, String what, long total) {
        this(err, enabled, what, total, false);
    }

    /** With {@code bytes}, counts are bytes and shown as sizes. */
    Progress(PrintStream err, boolean enabled, String what, long total, boolean bytes) {
        this.bytes = bytes;
        this.err = err;
        this.enabled = enabled;
        this.what = what;
        this.total = total;
    }

    boolean enabled() {
        return enabled;
    }

    void total(long total) {
        this.total = total;
    }

    void advance(long n) {
        done += n;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDrawNs >= 200_000_000L) {
            lastDrawNs = now;
            draw(now);
        }
    }

    private void draw(long now) {
        double secs = Math.max(1e-3, (now - startNs) / 1e9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder("\r");
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int width = 30;
            int filled = (int) Math.round(f * width);
            sb.append(what).append(" [").append("=".repeat(filled)).append(" ".repeat(width - filled)).append("] ")
                    .append(String.format("%3.0f%% %s/%s  %s", f * 100, amount(done), amount(total), rate(rate)));
            if (rate > 0 && done < total) {
                long eta = (long) ((total - done) / rate);
                sb.append(String.format("  ETA %d:%02d", eta / 60, eta % 60));
            }
        } else {
            sb.append(what).append(' ').append(amount(done)).append("  ").append(rate(rate));
        }
        sb.append("\u001b[K");
        err.print(sb);
        err.flush();
        drawn = true;
    }

    private String amount(long n) {
        return bytes ? Sizes.human(n) : Long.toString(n);
    }

    private String rate(double r) {
        return bytes ? Sizes.human(r) + "/s" : String.format("%.0f msg/s", r);
    }

    /** Removes the bar (the summary line follows). */
    void finish() {
        if (enabled && drawn) {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
