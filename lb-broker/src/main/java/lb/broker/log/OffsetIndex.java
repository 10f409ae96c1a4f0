package lb.broker.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse offset index of one segment ({@code <base>.index}): entries map an offset to the file
 * position of its log entry.
 *
 * <p>On disk: 8-byte slots, big-endian {@code int32 offset - base}, {@code int32 position}.
 * Valid entries have strictly increasing relative offsets and positions; the first slot that
 * breaks that (for example a zero slot of the pre-allocated tail) ends the index. Whether the
 * last entry really points at the entry it claims is checked by the segment on recovery and on
 * lookup, which rebuilds the index from the log when it does not.
 *
 * <p>Thread-safety as {@link IndexFile}.
 */
final class OffsetIndex extends IndexFile {

    static final int WIDTH = 8;

    OffsetIndex(Path path) {
        super(path, WIDTH);
    }

    @Override
    int validPrefix(int usable) {
        ByteBuffer m = map();
        int prevRel = -1;
        int prevPos = -1;
        for (int i = 0; i < usable; i++) {
            int rel = m.getInt(slot(i));
            int pos = m.getInt(slot(i) + 4);
            if (rel <= prevRel || pos <= prevPos || rel < 0 || pos < 0) {
                // Slot 0 = (0, 0) is legitimate: the base record at position 0.
                return i;
            }
            prevRel = rel;
            prevPos = pos;
        }
        return usable;
    }

    void append(int relOffset, int position) {
        int i = entries();
        ByteBuffer m = map();
        m.putInt(slot(i), relOffset);
        m.putInt(slot(i) + 4, position);
        publishAppend();
    }

    int relOffset(int i) {
        return map().getInt(slot(i));
    }

    int position(int i) {
        return map().getInt(slot(i) + 4);
    }

    /** Index of the last entry with relative offset ≤ {@code rel}, or -1. */
    int floorByOffset(long rel) {
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        ByteBuffer m = map();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getInt(slot(mid)) <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the last entry with position ≤ {@code pos}, or -1. */
    int floorByPosition(long pos) {
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        ByteBuffer m = map();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getInt(slot(mid) + 4) <= pos) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
