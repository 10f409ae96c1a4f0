package lb.broker.config;

import java.time.Duration;

/**
 * When partition logs are fsynced, the {@code sync} setting (lb only, not in Liftbridge):
 * {@code none} (page cache only; durability from replicas, Liftbridge's behaviour),
 * {@code interval:<ms>} (at most every that many milliseconds; acks may precede the fsync), or
 * {@code always} (fsync before acknowledging, by group commit). Default {@code always}.
 *
 * @param interval the fsync period for {@link Mode#INTERVAL}, else {@link Duration#ZERO}
 */
public record SyncPolicy(Mode mode, Duration interval) {
    public enum Mode { NONE, INTERVAL, ALWAYS }

    public static final SyncPolicy ALWAYS = new SyncPolicy(Mode.ALWAYS, Duration.ZERO);
    public static final SyncPolicy NONE = new SyncPolicy(Mode.NONE, Duration.ZERO);

    /** The policy {@code text} names, or null when it is not {@code none}, {@code always} or {@code interval:<ms>} with ms ≥ 1. */
    public static SyncPolicy parse(String text) {
        String t = text.trim();
        if (t.equals("none")) {
            return NONE;
        }
        if (t.equals("always")) {
            return ALWAYS;
        }
        if (t.startsWith("interval:")) {
            try {
                long ms = Long.parseLong(t.substring("interval:".length()));
                return ms >= 1 ? new SyncPolicy(Mode.INTERVAL, Duration.ofMillis(ms)) : null;
            } catch (NumberFormatException e) {
                return null; // the caller reports the whole value as invalid
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case NONE -> "none";
            case ALWAYS -> "always";
            case INTERVAL -> "interval:" + interval.toMillis();
        };
    }
}
