package lb.broker.metadata;

/**
 * First and latest occurrence of an event (pause/resume, read-only change), nanoseconds since
 * the Unix epoch; 0 = never. The API's PartitionEventTimestamps.
 */
public record EventTimestamps(long firstNs, long latestNs) {
    public static final EventTimestamps NEVER = new EventTimestamps(0, 0);

    /** These timestamps after one more occurrence at {@code nowNs}. */
    public EventTimestamps record(long nowNs) {
        return new EventTimestamps(firstNs == 0 ? nowNs : firstNs, nowNs);
    }
}
