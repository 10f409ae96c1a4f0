package lb.broker.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse time index of one segment ({@code <base>.timeindex}).
 *
 * <p>On disk: 12-byte slots, big-endian {@code int64 maxTimestampNs}, {@code int32 offset - base}.
 * An entry {@code (t, o)} means: the largest timestamp among the segment's records with offset
 * ≤ {@code o} is {@code t}. Entries are written in lockstep with {@link OffsetIndex} entries
 * (only when the running maximum grew) and once more when the segment is sealed, at the
 * segment's last offset: the last entry of a sealed segment carries the segment's largest
 * timestamp and last offset, which is how a sealed index is checked on open. Valid entries have
 * non-decreasing timestamps and strictly increasing offsets.
 *
 * <p>Lookup of "first record with timestamp ≥ t": start scanning the log at the offset of the
 * last entry with timestamp &lt; t (every record at or before it is older than t), or at the
 * segment start when there is none.
 */
final class TimeIndex extends IndexFile {

    static final int WIDTH = 12;

    TimeIndex(Path path) {
        super(path, WIDTH);
    }

    @Override
    int validPrefix(int usable) {
        ByteBuffer m = map();
        long prevTs = Long.MIN_VALUE;
        int prevRel = -1;
        for (int i = 0; i < usable; i++) {
            long ts = m.getLong(slot(i));
            int rel = m.getInt(slot(i) + 8);
            if (ts < prevTs || rel <= prevRel || rel < 0) {
                return i;
            }
            prevTs = ts;
            prevRel = rel;
        }
        return usable;
    }

    void append(long timestampNs, int relOffset) {
        int i = entries();
        ByteBuffer m = map();
        m.putLong(slot(i), timestampNs);
        m.putInt(slot(i) + 8, relOffset);
        publishAppend();
    }

    long timestamp(int i) {
        return map().getLong(slot(i));
    }

    int relOffset(int i) {
        return map().getInt(slot(i) + 8);
    }

    /** Largest timestamp recorded, or {@link Long#MIN_VALUE} when empty. */
    long lastTimestamp() {
        int n = entries();
        return n == 0 ? Long.MIN_VALUE : timestamp(n - 1);
    }

    /** Index of the last entry with timestamp &lt; {@code ts}, or -1. */
    int lastBefore(long ts) {
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        ByteBuffer m = map();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getLong(slot(mid)) < ts) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Keeps the entries with relative offset ≤ {@code rel}. */
    void truncateAfter(int rel) {
        int n = entries();
        int keep = 0;
        while (keep < n && relOffset(keep) <= rel) {
            keep++;
        }
        truncateEntries(keep);
    }
}
