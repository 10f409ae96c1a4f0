package lb.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One segment: {@code <base>.log} plus its {@link OffsetIndex} and {@link TimeIndex}, where
 * {@code <base>} is the base offset as {@code %020d}. Every record in it has offset ≥ base.
 *
 * <p>Threads: the log's writer (holding the log's write lock) appends, truncates, seals and
 * deletes; readers on any thread call {@link #read}, {@link #locate} and {@link #findByTimestamp}
 * between {@link #retain()} and {@link #release()}. A reader sees bytes up to {@link #size()},
 * which the writer publishes (volatile) only after the bytes are written.
 *
 * <p>Sealed segments found on open are opened lazily on first use, so opening a log with many
 * segments only lists its directory; their index is then checked and rebuilt from the log when
 * missing, short, zeroed or pointing at the wrong entry.
 *
 * <p>Preallocation ({@link #preallocate(int)}, used when appends are fsynced): the active
 * segment's file is written with zeros ahead of the data, so that an fdatasync after an append
 * that stays inside the file has no size change to journal (about 120 µs here instead of 190).
 * The zero tail is not data: reads stop at {@link #size()}, recovery cuts it off like a torn
 * tail (a zero length prefix is not a valid entry), and sealing or closing trims it.
 */
final class Segment {

    private static final System.Logger LOG_ = System.getLogger(Segment.class.getName());
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIMEINDEX = ".timeindex";

    final long base;
    final Path logPath;
    final Path indexPath;
    final Path timePath;
    private final int indexIntervalBytes;

    private final ReentrantLock openLock = new ReentrantLock();
    private volatile FileChannel channel;
    private volatile OffsetIndex offsetIndex;
    private volatile TimeIndex timeIndex;
    private volatile int size = -1; // -1: sealed and not opened yet
    private volatile long lastOffset; // base - 1 when empty
    private volatile long maxTimestampNs = Long.MIN_VALUE;
    private volatile boolean active;
    private int bytesSinceIndex;
    private volatile long firstWriteMs = -1;
    private volatile long lastWriteMs;
    /** The most zero-filled bytes written ahead of the data at once; 0: none (see preallocate). */
    private int preallocate;
    /** The next zero fill: from {@link #FIRST_FILL} doubling up to {@link #preallocate}. */
    private int nextFill;
    /** An idle partition's file grows by this little; a busy one soon fills 4 MiB at a time. */
    static final int FIRST_FILL = 64 * 1024;
    /** The file's length while active: size plus the zero-filled tail (writer only). */
    private long allocated;
    /** What zero-filling writes from (read-only; each write uses its own view). */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 * 1024);

    /** 1 for the log's own reference, +1 per reader; the files close when it reaches 0. */
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean deleteOnClose;

    Segment(Path dir, long base, int indexIntervalBytes) {
        this(dir, base, indexIntervalBytes, "");
    }

    /** A segment whose file names carry {@code suffix} (compaction writes {@code .cleaned}). */
    Segment(Path dir, long base, int indexIntervalBytes, String suffix) {
        this.base = base;
        String name = fileName(base);
        this.logPath = dir.resolve(name + LOG + suffix);
        this.indexPath = dir.resolve(name + INDEX + suffix);
        this.timePath = dir.resolve(name + TIMEINDEX + suffix);
        this.indexIntervalBytes = indexIntervalBytes;
        this.lastOffset = base - 1;
    }

    static String fileName(long base) {
        return String.format("%020d", base);
    }

    static long parseBase(String fileName) {
        int dot = fileName.indexOf('.');
        return Long.parseLong(fileName.substring(0, dot));
    }

    // ---------------------------------------------------------------- opening and recovery

    /** Creates an empty active segment (files created, index pre-allocated). */
    static Segment create(Path dir, long base, int indexIntervalBytes, int indexCapacity,
                          long nowMs, String suffix) throws IOException {
        Segment s = new Segment(dir, base, indexIntervalBytes, suffix);
        Files.deleteIfExists(s.indexPath);
        Files.deleteIfExists(s.timePath);
        s.channel = FileChannel.open(s.logPath, StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        s.channel.truncate(0);
        s.allocated = 0;
        s.openIndexesWritable(indexCapacity);
        s.size = 0;
        s.active = true;
        s.lastWriteMs = nowMs;
        return s;
    }

    private void openIndexesWritable(int capacity) throws IOException {
        OffsetIndex oi = new OffsetIndex(indexPath);
        oi.openWritable(capacity);
        TimeIndex ti = new TimeIndex(timePath);
        ti.openWritable(capacity);
        offsetIndex = oi;
        timeIndex = ti;
    }

    /**
     * Opens the last segment for appending and validates its tail: the last index entry must
     * point at a good entry with the offset it claims (otherwise the index is rebuilt from
     * position 0); from there every entry is checked (framing, CRC, increasing offsets) and the
     * file is truncated at the first bad or incomplete one.
     *
     * @return torn bytes truncated from the tail (a preallocated zero tail is cut off too, and
     *     not counted)
     */
    long recoverAsActive(RecordCodec codec, int indexCapacity) throws IOException {
        channel = FileChannel.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        openIndexesWritable(indexCapacity);
        long fileSize = channel.size();
        if (fileSize > Integer.MAX_VALUE) {
            throw new IOException(logPath + " is " + fileSize + " bytes, more than a segment "
                    + "can hold (" + Integer.MAX_VALUE + "); the data directory is not lb's");
        }
        OffsetIndex oi = offsetIndex;
        TimeIndex ti = timeIndex;
        int n = oi.entries();
        if (n > 0 && !entryMatches(codec, oi.position(n - 1), base + oi.relOffset(n - 1),
                (int) fileSize)) {
            n = 0;
        }
        if (n > 0) {
            ti.truncateAfter(oi.relOffset(n - 1));
            if (!timeIndexAgrees(codec, oi, ti, (int) fileSize)) {
                n = 0; // rebuild both from the log: the scan below re-adds every entry
            }
        }
        oi.truncateEntries(n);
        int startPos;
        if (n > 0) {
            startPos = oi.position(n - 1);
            bytesSinceIndex = 0;
            lastOffset = base + oi.relOffset(n - 1) - 1;
        } else {
            ti.truncateEntries(0);
            startPos = 0;
            lastOffset = base - 1;
        }
        maxTimestampNs = ti.lastTimestamp();
        boolean skipFirstIndex = n > 0;
        int end = scan(codec, startPos, (int) fileSize, skipFirstIndex, true);
        // Zeros after the last entry are the preallocated tail of a log that was not closed
        // cleanly, not lost data: cut them off without counting them as torn.
        boolean zeroTail = end < fileSize && zeros(end, fileSize);
        if (end < fileSize) {
            channel.truncate(end);
            channel.force(true);
        }
        size = end;
        allocated = end;
        active = true;
        lastWriteMs = Files.getLastModifiedTime(logPath).toMillis();
        return zeroTail ? 0 : fileSize - end;
    }

    /** Whether the file holds only zero bytes from {@code from} to {@code to}. */
    private boolean zeros(long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, to - from));
        for (long at = from; at < to; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), to - at));
            int n = channel.read(buf, at);
            if (n < 0) {
                return true; // the file is shorter than it was (cannot happen under the writer)
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }

    /**
     * Scans entries from {@code pos} to at most {@code limit}, adding index entries (when
     * {@code index}) and updating lastOffset/maxTimestamp; stops at the first bad entry.
     *
     * @return the position after the last good entry
     */
    private int scan(RecordCodec codec, int pos, int limit, boolean skipFirstIndex, boolean index)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        boolean first = skipFirstIndex;
        while (pos < limit) {
            buf.clear();
            int want = Math.min(buf.capacity(), limit - pos);
            buf.limit(want);
            readFully(buf, pos);
            int p = 0;
            boolean progressed = false;
            while (p < want) {
                int len = codec.check(buf, p, want);
                if (len == 0) {
                    break;
                }
                long off = RecordCodec.offsetAt(buf, p);
                if (len < 0 || off <= lastOffset || off < base) {
                    return pos + p;
                }
                long ts = RecordCodec.timestampAt(buf, p);
                if (index) {
                    onEntry(off, ts, pos + p, len, first);
                } else {
                    lastOffset = off;
                    maxTimestampNs = Math.max(maxTimestampNs, ts);
                }
                first = false;
                p += len;
                progressed = true;
            }
            if (!progressed) {
                int len = want >= 4 ? buf.getInt(0) + 4 : 0;
                if (len > buf.capacity() && len <= RecordCodec.MAX_ENTRY + 4
                        && pos + (long) len <= limit) {
                    buf = ByteBuffer.allocate(len); // one entry bigger than the scan buffer
                    continue;
                }
                return pos; // incomplete or corrupt entry at pos
            }
            pos += p;
        }
        return pos;
    }

    /** Index bookkeeping for one entry appended or recovered at {@code pos}. */
    private void onEntry(long offset, long ts, int pos, int len, boolean alreadyIndexed) {
        lastOffset = offset;
        if (ts > maxTimestampNs) {
            maxTimestampNs = ts;
        }
        if (!alreadyIndexed) {
            OffsetIndex oi = offsetIndex;
            if ((oi.entries() == 0 || bytesSinceIndex >= indexIntervalBytes) && !oi.isFull()) {
                int rel = (int) (offset - base);
                oi.append(rel, pos);
                TimeIndex ti = timeIndex;
                if (maxTimestampNs > ti.lastTimestamp() && !ti.isFull()) {
                    ti.append(maxTimestampNs, rel);
                }
                bytesSinceIndex = 0;
            }
        }
        bytesSinceIndex += len;
    }

    /**
     * Checks the time index against the offset index it is written in lockstep with: it has an
     * entry, its last entry sits at an offset-index entry, and the record there is not newer
     * than the entry claims. Catches a zeroed, short or stale time index next to a good offset
     * index (which would otherwise make timestamp lookups skip this segment).
     */
    private boolean timeIndexAgrees(RecordCodec codec, OffsetIndex oi, TimeIndex ti, int limit)
            throws IOException {
        int k = ti.entries();
        if (k == 0) {
            return false; // the first record always starts the time index
        }
        int rel = ti.relOffset(k - 1);
        int j = oi.floorByOffset(rel);
        if (j < 0 || oi.relOffset(j) != rel || !entryMatches(codec, oi.position(j), base + rel,
                limit)) {
            return false;
        }
        ByteBuffer head = ByteBuffer.allocate(RecordCodec.FIXED);
        readFully(head, oi.position(j));
        return RecordCodec.timestampAt(head, 0) <= ti.timestamp(k - 1);
    }

    private boolean entryMatches(RecordCodec codec, int pos, long expectOffset, int limit)
            throws IOException {
        if (pos < 0 || pos + RecordCodec.FIXED > limit) {
            return false;
        }
        ByteBuffer head = ByteBuffer.allocate(4);
        readFully(head, pos);
        int len = head.getInt(0) + 4;
        if (len < RecordCodec.FIXED || len > RecordCodec.MAX_ENTRY || pos + (long) len > limit) {
            return false;
        }
        ByteBuffer e = ByteBuffer.allocate(len);
        readFully(e, pos);
        return codec.check(e, 0, len) == len && RecordCodec.offsetAt(e, 0) == expectOffset;
    }

    /** Opens a sealed segment on first use; rebuilds its indexes if they do not check out. */
    void ensureOpen(RecordCodec codec) throws IOException {
        if (size >= 0) {
            return;
        }
        openLock.lock();
        try {
            if (size >= 0) {
                return;
            }
            FileChannel ch = FileChannel.open(logPath, StandardOpenOption.READ);
            channel = ch;
            int fileSize = (int) Math.min(ch.size(), Integer.MAX_VALUE);
            OffsetIndex oi = new OffsetIndex(indexPath);
            oi.openReadOnly();
            TimeIndex ti = new TimeIndex(timePath);
            ti.openReadOnly();
            int n = oi.entries();
            boolean ok = fileSize == 0
                    || (n > 0 && ti.entries() > 0
                    && entryMatches(codec, oi.position(n - 1), base + oi.relOffset(n - 1), fileSize));
            if (ok && n > 0) {
                // The last offset is not in the offset index: walk the (at most one index
                // interval of) entries after its last entry. The time index must end there.
                lastOffset = base + oi.relOffset(n - 1) - 1;
                maxTimestampNs = Long.MIN_VALUE;
                int end = scan(codec, oi.position(n - 1), fileSize, true, false);
                if (end != fileSize) {
                    LOG_.log(System.Logger.Level.WARNING, "{0}: entry at position {1} fails "
                            + "its check; reads reaching it will fail", logPath, end);
                }
                ok = ti.relOffset(ti.entries() - 1) == lastOffset - base
                        && ti.lastTimestamp() >= maxTimestampNs;
            }
            if (ok) {
                offsetIndex = oi;
                timeIndex = ti;
                maxTimestampNs = ti.lastTimestamp();
            } else {
                rebuildSealedIndexes(codec, fileSize);
            }
            size = fileSize;
        } finally {
            openLock.unlock();
        }
    }

    /** Rebuilds both index files of a sealed segment from its log (write temp, rename over). */
    private void rebuildSealedIndexes(RecordCodec codec, int fileSize) throws IOException {
        Path tmpIndex = indexPath.resolveSibling(indexPath.getFileName() + ".rebuild");
        Path tmpTime = timePath.resolveSibling(timePath.getFileName() + ".rebuild");
        Files.deleteIfExists(tmpIndex);
        Files.deleteIfExists(tmpTime);
        // Entries are at least indexIntervalBytes apart; +2 for the first and the final one.
        int capacity = fileSize / indexIntervalBytes + 2;
        OffsetIndex oi = new OffsetIndex(tmpIndex);
        oi.openWritable(capacity);
        TimeIndex ti = new TimeIndex(tmpTime);
        ti.openWritable(capacity);
        offsetIndex = oi;
        timeIndex = ti;
        lastOffset = base - 1;
        maxTimestampNs = Long.MIN_VALUE;
        bytesSinceIndex = 0;
        scan(codec, 0, fileSize, false, true);
        addFinalTimeEntry();
        oi.seal();
        ti.seal();
        Files.move(tmpIndex, indexPath, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpTime, timePath, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        OffsetIndex ro = new OffsetIndex(indexPath);
        ro.openReadOnly();
        TimeIndex rt = new TimeIndex(timePath);
        rt.openReadOnly();
        offsetIndex = ro;
        timeIndex = rt;
    }

    private void addFinalTimeEntry() {
        TimeIndex ti = timeIndex;
        int n = ti.entries();
        int lastRel = (int) (lastOffset - base);
        if (lastOffset >= base && (n == 0 || ti.relOffset(n - 1) < lastRel)) {
            if (ti.isFull()) {
                ti.truncateEntries(n - 1); // make room: the final entry matters most
            }
            ti.append(Math.max(maxTimestampNs, ti.lastTimestamp()), lastRel);
        }
    }

    // ---------------------------------------------------------------- writer side

    /**
     * Appends encoded entries with one positional write. {@code offsets}, {@code timestamps}
     * and {@code lengths} describe the {@code count} entries in order.
     */
    void append(ByteBuffer entries, int count, long[] offsets, long[] timestamps, int[] lengths,
                long nowMs) throws IOException {
        int pos = size;
        int total = entries.remaining();
        long at = pos;
        while (entries.hasRemaining()) {
            at += channel.write(entries, at);
        }
        if (at > allocated) {
            allocated = at;
            if (preallocate > 0) {
                zeroFill(at, at + nextFill);
                nextFill = Math.min(preallocate, 2 * nextFill);
            }
        }
        int p = pos;
        for (int i = 0; i < count; i++) {
            onEntry(offsets[i], timestamps[i], p, lengths[i], false);
            p += lengths[i];
        }
        if (firstWriteMs < 0) {
            firstWriteMs = nowMs;
        }
        lastWriteMs = nowMs;
        size = pos + total; // publish last: readers only read below size
    }

    /**
     * From the next append that reaches past the file's end on, writes zeros after the data:
     * {@link #FIRST_FILL} bytes the first time, twice as many each later time, at most
     * {@code bytes} (0: none). So a partition that is rarely written costs little disk, and one
     * written fast reaches the end of its zeros seldom. Only for the active segment.
     */
    void preallocate(int bytes) {
        preallocate = bytes;
        nextFill = Math.min(bytes, FIRST_FILL);
    }

    private void zeroFill(long from, long to) throws IOException {
        long at = from;
        while (at < to) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(z.capacity(), to - at));
            at += channel.write(z, at);
        }
        allocated = to;
    }

    /** Cuts a preallocated zero tail off the file (sealing, closing). */
    void trimPreallocated() throws IOException {
        if (allocated > size) {
            channel.truncate(size);
            allocated = size;
        }
    }

    /** Seals the segment: final time-index entry, indexes trimmed and read-only. */
    void seal(boolean fsync) throws IOException {
        trimPreallocated();
        preallocate = 0;
        addFinalTimeEntry();
        offsetIndex.seal();
        timeIndex.seal();
        if (fsync) {
            channel.force(true);
        }
        active = false;
    }

    /** Makes a sealed segment active again (truncation into it). */
    void reopenForAppend(RecordCodec codec, int indexCapacity) throws IOException {
        ensureOpen(codec);
        FileChannel ro = channel;
        channel = FileChannel.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ro.close();
        long keepLast = lastOffset;
        long keepMax = maxTimestampNs;
        openIndexesWritable(indexCapacity);
        lastOffset = keepLast;
        maxTimestampNs = keepMax;
        allocated = size;
        bytesSinceIndex = indexIntervalBytes; // index the next append
        active = true;
    }

    /**
     * Removes every entry with offset ≥ {@code offset} (the segment must be active).
     * The file is cut at the first such entry and fsynced; indexes follow.
     */
    void truncateFrom(RecordCodec codec, long offset) throws IOException {
        int pos = locate(codec, offset);
        if (pos < 0) {
            return; // nothing at or above offset
        }
        OffsetIndex oi = offsetIndex;
        int keep = oi.floorByPosition(pos - 1L) + 1;
        oi.truncateEntries(keep);
        long rel = offset - base - 1;
        timeIndex.truncateAfter((int) Math.max(-1, Math.min(Integer.MAX_VALUE, rel)));
        channel.truncate(pos);
        channel.force(true);
        size = pos;
        allocated = pos;
        // Recompute lastOffset and max timestamp from the last index entry onwards.
        int from = keep > 0 ? oi.position(keep - 1) : 0;
        lastOffset = keep > 0 ? base + oi.relOffset(keep - 1) - 1 : base - 1;
        maxTimestampNs = timeIndex.lastTimestamp();
        scan(codec, from, pos, true, false);
        bytesSinceIndex = indexIntervalBytes;
    }

    void force() throws IOException {
        FileChannel ch = channel;
        if (ch != null && ch.isOpen()) {
            ch.force(false);
        }
    }



    // ---------------------------------------------------------------- reader side

    /** Position of the first entry with offset ≥ {@code offset}, or -1 if there is none. */
    int locate(RecordCodec codec, long offset) throws IOException {
        ensureOpen(codec);
        int limit = size;
        if (offset > lastOffset) {
            return -1;
        }
        OffsetIndex oi = offsetIndex;
        int i = offset <= base ? -1 : oi.floorByOffset(offset - base);
        int start = i < 0 ? 0 : oi.position(i);
        try {
            return locateFrom(start, limit, offset);
        } catch (LogCorruptionException e) {
            if (start == 0) {
                throw e;
            }
            // A damaged index entry can point into the middle of an entry; the log itself may
            // be fine, so walk it from the start before giving up.
            LOG_.log(System.Logger.Level.WARNING, "{0}: index entry {1} looks wrong ({2}); "
                    + "scanning from the segment start", indexPath, i, e.getMessage());
            return locateFrom(0, limit, offset);
        }
    }

    private int locateFrom(int pos, int limit, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.max(8192, 2 * indexIntervalBytes));
        while (pos < limit) {
            buf.clear();
            int want = Math.min(buf.capacity(), limit - pos);
            buf.limit(want);
            readFully(buf, pos);
            int p = 0;
            while (p + RecordCodec.FIXED <= want) {
                int len = buf.getInt(p) + 4;
                if (len < RecordCodec.FIXED || len > RecordCodec.MAX_ENTRY + 4) {
                    throw new LogCorruptionException(logPath, pos + p, "bad entry length " + len);
                }
                if (RecordCodec.offsetAt(buf, p) >= offset) {
                    return pos + p;
                }
                p += len;
            }
            if (p == 0) {
                // header straddles the buffer end: move on by the header's length
                ByteBuffer head = ByteBuffer.allocate(4);
                readFully(head, pos);
                p = head.getInt(0) + 4;
            }
            pos += p;
        }
        if (pos != limit) {
            // The length chain jumped past the end: some length field is corrupt.
            throw new LogCorruptionException(logPath, pos, "entry lengths run past the end ("
                    + limit + ") while looking for offset " + offset);
        }
        return -1;
    }

    /**
     * Reads whole entries starting at {@code pos}: at most {@code maxBytes} (but at least the
     * first entry), none with offset &gt; {@code maxOffset}. Each entry's CRC is checked.
     *
     * @return a buffer holding the entries (position 0, limit = their length); empty when the
     *     first entry is beyond {@code maxOffset} or {@code pos} is the end
     */
    ByteBuffer read(RecordCodec codec, int pos, int maxBytes, long maxOffset) throws IOException {
        int limit = size;
        if (pos >= limit) {
            return ByteBuffer.allocate(0);
        }
        int want = Math.min(Math.max(maxBytes, RecordCodec.FIXED), limit - pos);
        ByteBuffer buf = ByteBuffer.allocate(want);
        readFully(buf, pos);
        int first = codec.check(buf, 0, want);
        if (first == 0) {
            int len = buf.getInt(0) + 4;
            if (len >= RecordCodec.FIXED && len <= RecordCodec.MAX_ENTRY + 4
                    && pos + (long) len <= limit) {
                buf = ByteBuffer.allocate(len); // first entry is larger than maxBytes
                readFully(buf, pos);
                want = len;
                first = codec.check(buf, 0, want);
            } else {
                first = -1;
            }
        }
        if (first <= 0) {
            throw new LogCorruptionException(logPath, pos, "CRC or framing check failed");
        }
        int p = 0;
        while (p < want) {
            int len = codec.check(buf, p, want);
            if (len <= 0) {
                if (len < 0) {
                    break; // corrupt: serve the good prefix, the next read reports it
                }
                break; // incomplete under maxBytes
            }
            if (RecordCodec.offsetAt(buf, p) > maxOffset) {
                break;
            }
            p += len;
        }
        return buf.limit(p).position(0);
    }

    /** Offset of the first record with timestamp ≥ {@code ts} in this segment, or -1. */
    long findByTimestamp(RecordCodec codec, long ts) throws IOException {
        ensureOpen(codec);
        if (maxTimestampNs < ts) {
            return -1;
        }
        TimeIndex ti = timeIndex;
        int i = ti.lastBefore(ts);
        long startOffset = i < 0 ? base : base + ti.relOffset(i);
        int pos = locate(codec, startOffset);
        int limit = size;
        while (pos >= 0 && pos < limit) {
            // Usually the record is within one index interval of the time-index entry.
            ByteBuffer chunk = read(codec, pos, Math.max(8192, 2 * indexIntervalBytes),
                    Long.MAX_VALUE);
            int p = 0;
            while (p < chunk.limit()) {
                if (RecordCodec.timestampAt(chunk, p) >= ts) {
                    return RecordCodec.offsetAt(chunk, p);
                }
                p += chunk.getInt(p) + 4;
            }
            if (p == 0) {
                break;
            }
            pos += p;
        }
        return -1;
    }

    /** Position of the last index entry at or before {@code pos} minus {@code back} bytes. */
    int indexedPositionBefore(long pos, int back) {
        OffsetIndex oi = offsetIndex;
        int i = oi.floorByPosition(pos - back);
        return i < 0 ? 0 : oi.position(i);
    }

    private void readFully(ByteBuffer buf, long pos) throws IOException {
        FileChannel ch = channel;
        long at = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                // Only a concurrent truncation shrinks a file below its published size.
                throw new java.io.EOFException(logPath + " ended at " + at
                        + " during a read (truncated concurrently); read again from the offset");
            }
            at += n;
        }
        buf.flip();
    }

    // ---------------------------------------------------------------- state

    int size() {
        return size;
    }

    /** Size on disk, without opening a lazily-opened segment. */
    long sizeOnDisk() throws IOException {
        int s = size;
        return s >= 0 ? s : Files.size(logPath);
    }

    long lastOffset() {
        return lastOffset;
    }

    long maxTimestampNs() {
        return maxTimestampNs;
    }

    boolean isActive() {
        return active;
    }

    long firstWriteMs() {
        return firstWriteMs;
    }

    /** Last write time: the file's mtime for segments not written since open. */
    long lastWriteMs() throws IOException {
        long t = lastWriteMs;
        return t > 0 ? t : Files.getLastModifiedTime(logPath).toMillis();
    }

    boolean indexFull() {
        return offsetIndex != null && offsetIndex.isFull();
    }

    /** Takes a reader reference; false if the segment is already closed. */
    boolean retain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() throws IOException {
        if (refs.decrementAndGet() == 0) {
            closeFiles();
        }
    }

    /** Drops the log's reference: files close (and deleted ones vanish) after the last reader. */
    void closeWhenUnused(boolean delete) throws IOException {
        deleteOnClose = delete;
        release();
    }

    private void closeFiles() throws IOException {
        FileChannel ch = channel;
        channel = null;
        if (offsetIndex != null) {
            offsetIndex.close();
        }
        if (timeIndex != null) {
            timeIndex.close();
        }
        if (ch != null) {
            ch.close();
        }
        if (deleteOnClose) {
            for (Path p : new Path[] {logPath, indexPath, timePath}) {
                Files.deleteIfExists(p.resolveSibling(p.getFileName() + CommitLog.DELETED));
            }
        }
    }

    /** Step of retention/truncation: rename the files to {@code *.deleted} (atomic each). */
    void renameToDeleted() throws IOException {
        for (Path p : new Path[] {logPath, indexPath, timePath}) {
            if (Files.exists(p)) {
                Files.move(p, p.resolveSibling(p.getFileName() + CommitLog.DELETED),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    @Override
    public String toString() {
        return "Segment[" + logPath.getFileName() + ", size=" + size + ", last=" + lastOffset + "]";
    }
}
