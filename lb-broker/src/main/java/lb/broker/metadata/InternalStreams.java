package lb.broker.metadata;

import java.time.Duration;
import lb.broker.config.StreamOverrides;

/**
 * The reserved internal streams (behavior.md §2.4): their names and how the controller creates
 * them when it gains leadership. Clients cannot create or delete them (InvalidArgument
 * {@code Stream is reserved}) but may subscribe, pause, set read-only and publish.
 */
public final class InternalStreams {
    /** The activity stream: one message per metadata operation (behavior.md §12). */
    public static final String ACTIVITY = "__activity";
    /** The cursors stream: consumer positions, compacted (behavior.md §10). */
    public static final String CURSORS = "__cursors";

    private InternalStreams() {
    }

    /** True for the names clients may not create or delete. */
    public static boolean isReserved(String name) {
        return ACTIVITY.equals(name) || CURSORS.equals(name);
    }

    /** {@code __activity}: 1 partition on {@code <ns>.activity}, replicated on every server, server defaults. */
    public static StreamSpec activity(String namespace) {
        return new StreamSpec(ACTIVITY, namespace + ".activity", "", -1, 1, StreamOverrides.NONE);
    }

    /**
     * {@code __cursors}: {@code partitions} partitions on {@code <ns>.cursors} with replication
     * factor {@code replicationFactor} (-1 = every server), compaction on, auto-pause after
     * {@code autoPauseTime} (0 = never) but not while subscribed.
     */
    public static StreamSpec cursors(String namespace, int partitions, int replicationFactor, Duration autoPauseTime) {
        StreamOverrides o = new StreamOverrides(null, null, null, null, null, null, null, true,
                autoPauseTime.toMillis(), true, null, null, null);
        return new StreamSpec(CURSORS, namespace + ".cursors", "", replicationFactor, partitions, o);
    }
}
