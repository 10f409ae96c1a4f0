package lb.broker.raft;

import java.util.Arrays;

/**
 * One entry of the replicated log. Immutable value; {@code data} is owned by the entry and must not be
 * modified after construction.
 *
 * @param index position in the log, from 1
 * @param term  the leader's term when the entry was created
 * @param type  {@link #COMMAND} (opaque state-machine command), {@link #NOOP} (a new leader's first entry)
 *              or {@link #MEMBERSHIP} (an encoded {@link Membership})
 * @param data  the payload
 */
public record LogEntry(long index, long term, byte type, byte[] data) {
    public static final byte COMMAND = 0;
    public static final byte NOOP = 1;
    public static final byte MEMBERSHIP = 2;

    public LogEntry {
        if (index < 1) throw new IllegalArgumentException("log index must be >= 1, got " + index);
        if (term < 0) throw new IllegalArgumentException("term must be >= 0, got " + term);
        if (type < COMMAND || type > MEMBERSHIP) throw new IllegalArgumentException("unknown entry type " + type);
        if (data == null) throw new IllegalArgumentException("data must not be null");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.index == index && e.term == term && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 17 + Arrays.hashCode(data) + type;
    }

    @Override
    public String toString() {
        return "LogEntry[" + index + "@" + term + " type=" + type + " " + data.length + "B]";
    }
}
