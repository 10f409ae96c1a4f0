package lb.broker.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fixed-width, memory-mapped, pre-allocated array of index entries; the base of
 * {@link OffsetIndex} and {@link TimeIndex}.
 *
 * <p>While its segment is active the file is sized to {@code capacity} entries (unused slots are
 * zero) and mapped read-write; when the segment is sealed it is trimmed to the used entries and
 * re-mapped read-only. Which prefix of the file is valid is decided by the subclass
 * ({@link #validPrefix}) when the file is opened, so a zeroed, short or garbage file simply
 * yields fewer (possibly zero) entries and the caller rebuilds the rest from the log.
 *
 * <p>Thread-safety: one writer (the log's writer under the log's write lock) appends;
 * readers on any thread read entries {@code [0, entries)} where {@code entries} is volatile and
 * published after the entry bytes are written.
 */
abstract class IndexFile {

    final Path path;
    final int width;
    private volatile MappedByteBuffer map;
    private int capacity;
    private volatile int entries;

    IndexFile(Path path, int width) {
        this.path = path;
        this.width = width;
    }

    /** Opens (creating if needed) for appending with room for {@code capacity} entries. */
    void openWritable(int capacity) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long want = (long) capacity * width;
            int valid = 0;
            if (ch.size() == want) {
                // Reopened after a clean close (or a crash): validPrefix reads only up to the
                // first bad slot, so this touches few pages of the pre-allocated file.
                this.map = ch.map(FileChannel.MapMode.READ_WRITE, 0, want);
                valid = validPrefix(capacity);
                zeroStaleSlots(valid, capacity);
            } else {
                int usable = (int) Math.min(ch.size() / width, capacity);
                if (usable > 0) {
                    this.map = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) usable * width);
                    valid = validPrefix(usable);
                }
                // Cut past the valid prefix and re-extend: the tail becomes a sparse run of
                // zeros without writing it.
                ch.truncate((long) valid * width);
                ch.write(java.nio.ByteBuffer.allocate(1), want - 1);
                this.map = ch.map(FileChannel.MapMode.READ_WRITE, 0, want);
            }
            this.capacity = capacity;
            this.entries = valid;
        }
    }

    /**
     * Zeroes non-zero slots right after the valid prefix (left by a crash between writing
     * slots and truncating), so they cannot later look like continuations of the index.
     * Stops at the first all-zero slot: slots are written in order and cut with zeroing.
     */
    private void zeroStaleSlots(int from, int capacity) {
        MappedByteBuffer m = map;
        for (int i = from; i < capacity; i++) {
            boolean zero = true;
            for (int b = 0; b < width; b++) {
                if (m.get(i * width + b) != 0) {
                    zero = false;
                    m.put(i * width + b, (byte) 0);
                }
            }
            if (zero) {
                return;
            }
        }
    }

    /** Opens a sealed segment's index read-only (the file is already trimmed). */
    void openReadOnly() throws IOException {
        if (!Files.exists(path)) {
            this.map = null;
            this.capacity = 0;
            this.entries = 0;
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            int usable = (int) (ch.size() / width);
            this.map = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) usable * width);
            this.capacity = usable;
            this.entries = validPrefix(usable);
        }
    }

    /** Number of leading slots that form a valid index, given {@code usable} mapped slots. */
    abstract int validPrefix(int usable);

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= capacity;
    }

    MappedByteBuffer map() {
        return map;
    }

    int slot(int i) {
        return i * width;
    }

    /** Called by subclasses after writing slot {@code entries}. */
    void publishAppend() {
        entries = entries + 1;
    }

    /** Keeps the first {@code n} entries, zeroing the rest. */
    void truncateEntries(int n) {
        int old = entries;
        if (n >= old) {
            return;
        }
        entries = n;
        if (map.isReadOnly()) {
            return;
        }
        for (int i = n * width; i < old * width; i++) {
            map.put(i, (byte) 0);
        }
    }

    /** Trims the file to the used entries, flushes and re-maps read-only (segment sealed). */
    void seal() throws IOException {
        if (map != null && !map.isReadOnly()) {
            map.force();
        }
        int n = entries;
        // Readers may still hold the old mapping; they only read slots below n, which stay
        // inside the trimmed file, so cutting the file under them is safe.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ch.truncate((long) n * width);
            ch.force(true);
            this.map = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) n * width);
        }
        capacity = n;
    }

    /** Drops the mapping (it is released by the GC; no further access). */
    void close() {
        entries = 0;
        map = null;
    }
}
