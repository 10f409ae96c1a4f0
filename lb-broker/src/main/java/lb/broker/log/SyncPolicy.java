package lb.broker.log;

/**
 * When appended data is fsynced (config value {@code sync}).
 *
 * <ul>
 *   <li>{@code none}: page cache only; durability comes from replicas (Liftbridge's
 *       behaviour).</li>
 *   <li>{@code interval:<ms>}: fsynced at most that long after the append, by the
 *       {@link LogTasks} thread (or the owner calling {@link CommitLog#flush()}).</li>
 *   <li>{@code always} (default): {@link CommitLog#append} returns only after the records are
 *       fsynced; concurrent appends share one fsync (group commit).</li>
 * </ul>
 */
public record SyncPolicy(Kind kind, long intervalMs) {

    public enum Kind { NONE, INTERVAL, ALWAYS }

    public static final SyncPolicy NONE = new SyncPolicy(Kind.NONE, 0);
    public static final SyncPolicy ALWAYS = new SyncPolicy(Kind.ALWAYS, 0);

    public SyncPolicy {
        if (kind == Kind.INTERVAL && intervalMs <= 0) {
            throw new IllegalArgumentException("sync interval must be > 0 ms, got " + intervalMs);
        }
    }

    public static SyncPolicy interval(long ms) {
        return new SyncPolicy(Kind.INTERVAL, ms);
    }

    /** Parses {@code none}, {@code always} or {@code interval:<ms>}. */
    public static SyncPolicy parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("none")) {
            return NONE;
        }
        if (v.equals("always")) {
            return ALWAYS;
        }
        if (v.startsWith("interval:")) {
            try {
                return interval(Long.parseLong(v.substring("interval:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sync \"" + s + "\": the interval must be a "
                        + "number of milliseconds, e.g. interval:100", e);
            }
        }
        throw new IllegalArgumentException("sync \"" + s
                + "\" is not one of none, always, interval:<ms>");
    }

    @Override
    public String toString() {
        return kind == Kind.INTERVAL ? "interval:" + intervalMs : kind.name().toLowerCase();
    }
}
