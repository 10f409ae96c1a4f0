package lb.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The commit log of one partition: the package's front. A partition owns one and does its
 * leader and follower duties through these methods alone.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li><b>Writes</b> ({@link #append}, {@link #appendReplicated}, {@link #truncateTo},
 *       {@link #assignLeaderEpoch}, {@link #clean}, {@link #close}) are serialized by one
 *       internal {@link ReentrantLock}; the design is one writer thread per partition, but
 *       several appenders are safe, and under {@code sync=always} they share fsyncs (group
 *       commit: the fsync runs outside the lock while the next batch is written).</li>
 *   <li><b>Reads</b> ({@link #read}, {@link #readBackward}, {@link #offsetForTimestamp}, the
 *       offset queries) run on any thread, lock-free, concurrently with writes, retention and
 *       compaction: a reader pins the segment it reads (reference count), so a segment deleted
 *       or replaced meanwhile stays readable until the reader is done.</li>
 *   <li><b>Waiting</b>: {@link #awaitNewerThan} and {@link #awaitHighWatermarkAbove} park on a
 *       {@link Condition} (virtual-thread friendly) that appends, HW changes, truncation and
 *       {@link #close} signal; no polling.</li>
 * </ul>
 *
 * <h2>Directory layout</h2>
 * <pre>
 *   00000000000000000000.log         entries (below), appended; base offset as %020d
 *   00000000000000000000.index       sparse offset index, see {@link OffsetIndex}
 *   00000000000000000000.timeindex   sparse time index, see {@link TimeIndex}
 *   high-watermark                   HW as decimal text (atomic replace)
 *   leader-epoch-checkpoint          see {@link LeaderEpochCache}
 * </pre>
 * Transient names, cleaned up by {@link #open}: {@code *.deleted} (removed), {@code *.tmp},
 * {@code *.rebuild}, {@code *.cleaned} (removed: incomplete), {@code *.log.swap} (a complete
 * compacted segment: installed).
 *
 * <h2>Entry format (big-endian)</h2>
 * <pre>
 *   int32  size          bytes after this field
 *   int32  crc           CRC-32C of every byte after this field
 *   int64  offset
 *   int64  timestampNs
 *   int64  leaderEpoch
 *   int8   magic = 1
 *   int8   ackPolicy     AckPolicy enum number
 *   int32  keyLength     -1 = null key (distinct from an empty key)
 *   bytes  key
 *   int32  valueLength   -1 = null value
 *   bytes  value
 *   uint16 + UTF-8       subject
 *   uint16 + UTF-8       replySubject
 *   uint16 + UTF-8       ackInbox
 *   uint16 + UTF-8       correlationId
 *   int32  headerCount
 *   per header: uint16 + UTF-8 name, int32 length + bytes value
 * </pre>
 * A batch is consecutive entries written with one write; there is no batch header, so every
 * entry is checked and recovered on its own, and a chunk of entries is what followers receive.
 * Unless {@code sync=none}, the active segment's {@code .log} continues with zeros, written
 * whenever an append reaches past them (64 KiB the first time, doubling up to
 * {@link #PREALLOCATE_BYTES}): an fdatasync of an append inside the file then has no size change
 * to journal. Readers never reach them, and a zero size field is no valid entry, so recovery
 * stops there. Sealed segments and a cleanly closed log have none.
 *
 * <h2>Crash-safe procedures</h2>
 * <b>Append</b>: (1) epoch cache updated if the batch starts a newer epoch — death here leaves
 * an epoch beyond the log end, dropped on open; (2) one positional write of the batch — death
 * leaves a torn tail, truncated on open by CRC; if it reached past the zeros, zeros are
 * written after it (death: a zero tail, cut on open like a torn one); (3) sparse index slots
 * written in the mapped files — a stale or missing slot is rebuilt from the log on open;
 * (4) under {@code always}, fsync before returning, so an acknowledged batch survives.
 * <p><b>Roll</b>: (1) seal the active segment: zero tail cut off, final time-index entry, index
 * files trimmed and fsynced, {@code .log} fsynced unless {@code sync=none} — death here: the
 * segment is still the last one and is recovered as active (indexes re-grown, tail validated);
 * (2) create the new segment's files at base = log end offset — death: an empty last segment,
 * recovered as such; (3) fsync the directory and publish the segment.
 * <p><b>Truncation</b> to offset {@code t}: (1) if no segment starts below {@code t} and the
 * first starts above it, an empty segment at {@code t} is created first; (2) segments whose base
 * ≥ {@code t} are deleted newest first (each: {@code .log} then indexes renamed to
 * {@code *.deleted}) — death leaves a shorter but consistent log, and the partition truncates
 * again; (3) the segment holding {@code t} is cut at {@code t}'s position and fsynced, its
 * indexes cut — death: the tail check on open finds the file either cut or not; (4) if its last
 * record is below {@code t - 1} (a compaction gap), roll to a new segment at {@code t} so the
 * log end survives a restart — death before: the log end reopens below {@code t}, which only
 * means the partition re-fetches from there; (5) epoch cache and HW cut — death before: open
 * drops epochs beyond the log end and clamps the HW.
 * <p><b>Retention</b>: segments are deleted oldest first, each by (1) unpublishing it (readers
 * holding it finish), (2) renaming {@code .log} then its indexes to {@code *.deleted} — death:
 * open removes {@code *.deleted} files and indexes without a {@code .log}, leaving a suffix of
 * the log; (3) removing the files after the last reader; (4) moving the epoch cache's first
 * entry up.
 * <p><b>Compaction</b> of a sealed segment {@code X}: (1) write the kept entries to
 * {@code X.log.cleaned} with its indexes, fsync — death: open removes {@code *.cleaned};
 * (2) rename {@code X.log.cleaned} → {@code X.log.swap} (marks it complete) — death: open
 * finishes steps 3–4; (3) delete {@code X}'s index files, rename {@code X.log.swap} →
 * {@code X.log} (atomic replace) — death: missing indexes are rebuilt from the log on first use;
 * (4) rename the cleaned indexes into place and fsync the directory; publish the new segment.
 * <p><b>Open</b>: remove and finish transient files as above; sealed segments are opened lazily
 * (their index is checked and rebuilt if bad on first use); the last segment's tail is validated
 * from its last good index entry and truncated at the first torn or corrupt entry (or at its
 * zero tail, which is not reported as torn); the HW is
 * clamped to the log end; epochs beyond the log end are dropped.
 *
 * <h2>Corruption</h2>
 * A CRC or framing failure inside a sealed segment is reported by reads as
 * {@link LogCorruptionException} naming the file and position; the rest stays readable.
 */
public final class CommitLog implements AutoCloseable {

    static final String DELETED = ".deleted";
    static final String CLEANED = ".cleaned";
    static final String SWAP = ".swap";
    /** The most zeros written ahead of the active segment's data at once when appends are fsynced. */
    static final int PREALLOCATE_BYTES = 4 * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(CommitLog.class.getName());

    private final Path dir;
    private final LogSettings settings;
    private final Clock clock;
    private final RecordCodec codec = new RecordCodec(); // writer's codec, under writeLock
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock hwLock = new ReentrantLock();
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition changed = waitLock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();
    private final LeaderEpochCache epochs;
    private final CheckpointFile hwFile;
    private final GroupCommit groupCommit = new GroupCommit();

    private volatile Segment active;
    private volatile long logEndOffset;
    private volatile long highWatermark;
    private volatile boolean closed;
    private volatile IOException failure; // set once a write or fsync failed: log is offline
    private volatile long lastCheckpointedHw = Long.MIN_VALUE;
    private ByteBuffer encodeBuffer; // writer-owned, grown on demand (idle logs hold none)
    private long[] offsets = new long[0];
    private long[] timestamps = new long[0];
    private int[] lengths = new int[0];
    private LogTasks.Registration tasks;

    private CommitLog(Path dir, LogSettings settings, Clock clock) {
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.epochs = new LeaderEpochCache(dir);
        this.hwFile = new CheckpointFile(dir.resolve("high-watermark"));
    }

    // ================================================================== open, close, delete

    /** Opens (creating if needed) the log in {@code dir} with the system clock, no tasks. */
    public static CommitLog open(Path dir, LogSettings settings) throws IOException {
        return open(dir, settings, Clock.systemUTC(), null);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering from any crash as described
     * in the class doc. With {@code tasks}, the cleaner, HW checkpoints and interval fsyncs run
     * on that shared thread; without, the owner calls {@link #clean}, {@link #flush} and
     * {@link #checkpointHighWatermark} itself.
     */
    public static CommitLog open(Path dir, LogSettings settings, Clock clock, LogTasks tasks)
            throws IOException {
        Files.createDirectories(dir);
        CommitLog log = new CommitLog(dir, settings, clock);
        log.recover();
        if (tasks != null) {
            log.tasks = tasks.register(log);
        }
        return log;
    }

    private void recover() throws IOException {
        java.util.TreeSet<Long> baseSet = new java.util.TreeSet<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(DELETED) || n.endsWith(".tmp") || n.endsWith(".rebuild")
                        || n.endsWith(CLEANED)) {
                    Files.delete(p);
                } else if (n.endsWith(Segment.LOG + SWAP)) {
                    long base = Segment.parseBase(n);
                    Segment s = new Segment(dir, base, settings.indexIntervalBytes());
                    Files.deleteIfExists(s.indexPath);
                    Files.deleteIfExists(s.timePath);
                    Files.move(p, s.logPath, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    baseSet.add(base);
                } else if (n.endsWith(Segment.LOG)) {
                    baseSet.add(Segment.parseBase(n));
                } else if (n.endsWith(Segment.INDEX) || n.endsWith(Segment.TIMEINDEX)) {
                    indexFiles.add(p);
                }
            }
        }
        List<Long> bases = new ArrayList<>(baseSet);
        for (Path p : indexFiles) {
            long base = Segment.parseBase(p.getFileName().toString());
            if (Collections.binarySearch(bases, base) < 0) {
                Files.delete(p); // index of a segment whose .log was deleted
            }
        }
        int interval = settings.indexIntervalBytes();
        if (bases.isEmpty()) {
            Segment s = Segment.create(dir, 0, interval, settings.indexCapacity(),
                    clock.millis(), "");
            segments.put(0L, s);
            activate(s);
        } else {
            for (int i = 0; i < bases.size() - 1; i++) {
                segments.put(bases.get(i), new Segment(dir, bases.get(i), interval));
            }
            long lastBase = bases.get(bases.size() - 1);
            Segment last = new Segment(dir, lastBase, interval);
            long cut = last.recoverAsActive(new RecordCodec(), settings.indexCapacity());
            if (cut > 0) {
                LOG.log(System.Logger.Level.WARNING, "{0}: truncated a torn or corrupt tail of "
                        + "{1} bytes at position {2}", last.logPath, cut, last.size());
            }
            segments.put(lastBase, last);
            activate(last);
        }
        logEndOffset = Math.max(active.base, active.lastOffset() + 1);
        groupCommit.syncedEnd = logEndOffset;
        epochs.load();
        epochs.truncateFrom(logEndOffset);
        epochs.truncateBefore(segments.firstKey());
        List<String> hw = hwFile.readLines();
        long restored = -1;
        if (hw != null && !hw.isEmpty()) {
            try {
                restored = Long.parseLong(hw.get(0).trim());
            } catch (NumberFormatException e) {
                throw new IOException(hwFile.path() + " does not hold a number: \"" + hw.get(0)
                        + "\"; delete it to restart from HW -1", e);
            }
        }
        highWatermark = Math.min(restored, logEndOffset - 1);
        lastCheckpointedHw = restored;
    }

    /**
     * Checkpoints the HW, fsyncs what {@code sync=interval} has not synced yet and closes the
     * files. Waiters wake up and see {@link #isClosed()}. Idempotent.
     */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (tasks != null) {
                tasks.cancel();
            }
            IOException err = null;
            try {
                if (failure == null) {
                    checkpointHighWatermark();
                    Segment a = active;
                    a.trimPreallocated();
                    // Index pages are not msynced: they are rebuilt from the log if lost.
                    if (settings.sync().kind() == SyncPolicy.Kind.INTERVAL) {
                        a.force(); // under always every append was synced already
                    }
                }
            } catch (IOException e) {
                err = e;
            }
            for (Segment s : segments.values()) {
                try {
                    s.closeWhenUnused(false);
                } catch (IOException e) {
                    if (err == null) {
                        err = e;
                    } else {
                        err.addSuppressed(e);
                    }
                }
            }
            if (err != null) {
                throw err;
            }
        } finally {
            writeLock.unlock();
            signalWaiters();
            groupCommit.wakeAll();
        }
    }

    /** Closes the log and deletes its directory with everything in it. */
    public void delete() throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public Path directory() {
        return dir;
    }

    public LogSettings settings() {
        return settings;
    }

    // ================================================================== appends

    /**
     * Leader append: gives the records consecutive offsets from {@link #logEndOffset()}, stores
     * them with one write and returns the offsets. Timestamps and epochs are stored as given; a
     * record whose epoch is newer than the cache's latest starts that epoch at its offset. Under
     * {@code sync=always} returns only after the batch is fsynced.
     *
     * @throws IOException when writing or syncing fails; the log is then offline (every later
     *     append fails too) and the partition should be taken offline
     */
    public AppendResult append(List<LogRecord> records) throws IOException {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("append of an empty batch");
        }
        long first;
        long target;
        int n = records.size();
        writeLock.lock();
        try {
            checkWritable();
            int bytes = RecordCodec.sizeOf(records);
            long now = clock.millis();
            maybeRoll(bytes, now);
            ByteBuffer buf = encodeBuffer(bytes);
            ensureScratch(n);
            first = logEndOffset;
            for (int i = 0; i < n; i++) {
                LogRecord r = records.get(i);
                int start = buf.position();
                codec.encode(r, first + i, buf);
                offsets[i] = first + i;
                timestamps[i] = r.timestampNs();
                lengths[i] = buf.position() - start;
                if (r.leaderEpoch() > epochs.latestEpoch()) {
                    epochs.assign(r.leaderEpoch(), first + i);
                }
            }
            buf.flip();
            write(buf, n, now);
            target = logEndOffset;
        } finally {
            writeLock.unlock();
        }
        signalWaiters();
        if (settings.sync().kind() == SyncPolicy.Kind.ALWAYS) {
            groupCommit.awaitSynced(target);
        }
        return new AppendResult(first, first + n - 1, n);
    }

    /**
     * Follower append: stores entries exactly as the leader sent them (for example
     * {@link Chunk#bytes()} of a leader's read). Every entry must be whole and pass its CRC;
     * offsets must increase and the first must be ≥ {@link #logEndOffset()} (gaps are allowed:
     * the leader may have compacted). Epoch changes in the entries update the epoch cache.
     * Durability as {@link #append}.
     *
     * @throws IllegalArgumentException when the bytes are not valid entries or do not follow the
     *     log end (nothing is written)
     */
    public AppendResult appendReplicated(ByteBuffer entries) throws IOException {
        ByteBuffer in = entries.slice();
        int limit = in.remaining();
        if (limit == 0) {
            throw new IllegalArgumentException("replicated append of no bytes");
        }
        RecordCodec check = new RecordCodec();
        long first = -1;
        long last;
        long target;
        int n = 0;
        writeLock.lock();
        try {
            checkWritable();
            last = logEndOffset - 1;
            int p = 0;
            while (p < limit) {
                int len = check.check(in, p, limit);
                if (len <= 0) {
                    throw new IllegalArgumentException("replicated bytes hold a "
                            + (len == 0 ? "truncated" : "corrupt") + " entry at byte " + p
                            + " of " + limit + "; nothing was appended");
                }
                long off = RecordCodec.offsetAt(in, p);
                if (off <= last) {
                    throw new IllegalArgumentException("replicated entry offset " + off
                            + " does not follow " + last + " (log end " + logEndOffset
                            + "); truncate first or skip entries below the log end");
                }
                ensureScratch(n + 1);
                offsets[n] = off;
                timestamps[n] = RecordCodec.timestampAt(in, p);
                lengths[n] = len;
                if (n == 0) {
                    first = off;
                }
                last = off;
                n++;
                p += len;
            }
            long now = clock.millis();
            maybeRoll(limit, now);
            for (int i = 0, pos = 0; i < n; i++) {
                long epoch = RecordCodec.epochAt(in, pos);
                if (epoch > epochs.latestEpoch()) {
                    epochs.assign(epoch, offsets[i]);
                }
                pos += lengths[i];
            }
            write(in, n, now);
            target = logEndOffset;
        } finally {
            writeLock.unlock();
        }
        signalWaiters();
        if (settings.sync().kind() == SyncPolicy.Kind.ALWAYS) {
            groupCommit.awaitSynced(target);
        }
        return new AppendResult(first, last, n);
    }

    private void write(ByteBuffer buf, int n, long now) throws IOException {
        try {
            active.append(buf, n, offsets, timestamps, lengths, now);
        } catch (IOException e) {
            fail(e);
            throw e;
        }
        logEndOffset = offsets[n - 1] + 1;
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("log " + dir + " is closed");
        }
        IOException f = failure;
        if (f != null) {
            throw new IOException("log " + dir + " is offline after an I/O failure: "
                    + f.getMessage(), f);
        }
    }

    /** The storage funnel: a failed write or fsync takes the log offline for good. */
    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "log " + dir + " is offline: " + e.getMessage(), e);
        }
    }

    private ByteBuffer encodeBuffer(int bytes) {
        ByteBuffer b = encodeBuffer;
        if (b == null || b.capacity() < bytes) {
            // Direct, so the channel writes it without another copy. Grows in powers of two to
            // the largest batch seen, starting small: a thousand mostly idle partitions should
            // not hold a thousand large buffers.
            int cap = Math.max(4096, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
            b = ByteBuffer.allocateDirect(cap < bytes ? bytes : cap);
            encodeBuffer = b;
        }
        b.clear();
        return b;
    }

    private void ensureScratch(int n) {
        if (offsets.length < n) {
            int cap = Math.max(n, offsets.length * 2);
            offsets = java.util.Arrays.copyOf(offsets, cap);
            timestamps = java.util.Arrays.copyOf(timestamps, cap);
            lengths = java.util.Arrays.copyOf(lengths, cap);
        }
    }

    /**
     * Makes {@code s} the segment appends go to. When appends are fsynced its file is kept
     * ahead of the data with zeros (up to {@link #PREALLOCATE_BYTES} at a time, at most a
     * segment's worth), so that those fsyncs journal no change of the file's size.
     */
    private void activate(Segment s) {
        if (settings.sync().kind() != SyncPolicy.Kind.NONE) {
            s.preallocate((int) Math.min(PREALLOCATE_BYTES, settings.segmentMaxBytes()));
        }
        active = s;
    }

    /** Rolls the active segment if it is full, too old, or cannot hold the next batch. */
    private boolean maybeRoll(int nextBytes, long nowMs) throws IOException {
        Segment a = active;
        if (a.size() == 0) {
            return false;
        }
        boolean full = a.size() >= settings.segmentMaxBytes()
                || (long) a.size() + nextBytes > Integer.MAX_VALUE - 1;
        boolean old = settings.segmentMaxAgeMs() > 0 && a.firstWriteMs() >= 0
                && nowMs - a.firstWriteMs() >= settings.segmentMaxAgeMs();
        if (!full && !old && !a.indexFull()) {
            return false;
        }
        roll(nowMs);
        return true;
    }

    private void roll(long nowMs) throws IOException {
        boolean sync = settings.sync().kind() != SyncPolicy.Kind.NONE;
        try {
            active.seal(sync);
            Segment next = Segment.create(dir, logEndOffset, settings.indexIntervalBytes(),
                    settings.indexCapacity(), nowMs, "");
            if (sync) {
                CheckpointFile.fsyncDirectory(dir);
            }
            segments.put(next.base, next);
            activate(next);
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    // ================================================================== reads

    /**
     * Reads whole entries with offset ≥ {@code offset} (the first record at or after it: below
     * the oldest offset reads from the oldest, inside a compaction gap from the next record) and
     * ≤ {@code maxOffset}: at most {@code maxBytes}, but always at least one entry if one
     * qualifies. Reads stay inside one segment. Empty when nothing qualifies yet.
     *
     * <p>Subscribers pass {@code maxOffset = highWatermark()}; replication passes
     * {@code Long.MAX_VALUE}.
     *
     * @throws LogCorruptionException when the first entry to serve fails its CRC
     */
    public Chunk read(long offset, int maxBytes, long maxOffset) throws IOException {
        RecordCodec c = new RecordCodec();
        long from = Math.max(offset, 0);
        while (true) {
            if (from > maxOffset || from >= logEndOffset) {
                return Chunk.EMPTY;
            }
            Map.Entry<Long, Segment> e = segments.floorEntry(from);
            if (e == null) {
                e = segments.firstEntry();
                if (e == null) {
                    checkOpen();
                    continue;
                }
            }
            Segment s = e.getValue();
            if (!s.retain()) {
                checkOpen();
                continue; // deleted or replaced meanwhile: look again
            }
            try {
                int pos = s.locate(c, from);
                if (pos < 0) {
                    Long next = segments.higherKey(s.base);
                    if (next == null) {
                        return Chunk.EMPTY;
                    }
                    from = Math.max(from, next);
                    continue;
                }
                return Chunk.of(s.read(c, pos, maxBytes, maxOffset));
            } finally {
                s.release();
            }
        }
    }

    /** {@link #read} up to the high watermark: what subscribers may see. */
    public Chunk readCommitted(long offset, int maxBytes) throws IOException {
        return read(offset, maxBytes, highWatermark);
    }

    /**
     * Reverse read: records with offset ≤ {@code fromOffset}, newest first, about
     * {@code maxBytes} of them (at least one if any exists). Continue with
     * {@code lastReturned.offset() - 1}; an empty list means the oldest record was passed.
     * {@code fromOffset} beyond the newest offset starts at the newest.
     */
    public List<LogRecord> readBackward(long fromOffset, int maxBytes) throws IOException {
        RecordCodec c = new RecordCodec();
        long from = Math.min(fromOffset, logEndOffset - 1);
        while (from >= 0) {
            Map.Entry<Long, Segment> e = segments.floorEntry(from);
            if (e == null) {
                return List.of();
            }
            Segment s = e.getValue();
            if (!s.retain()) {
                checkOpen();
                continue;
            }
            try {
                int next = s.locate(c, from + 1);
                int end = next < 0 ? s.size() : next;
                int start = s.indexedPositionBefore(end, Math.max(maxBytes, 1));
                if (start >= end) {
                    from = s.base - 1; // nothing ≤ from here: previous segment
                    continue;
                }
                List<LogRecord> recs = Chunk.of(s.read(c, start, end - start, from)).records();
                List<LogRecord> out = new ArrayList<>();
                int bytes = 0;
                for (int i = recs.size() - 1; i >= 0; i--) {
                    LogRecord r = recs.get(i);
                    bytes += RecordCodec.sizeOf(r);
                    if (!out.isEmpty() && bytes > maxBytes) {
                        break;
                    }
                    out.add(r);
                }
                return out;
            } finally {
                s.release();
            }
        }
        return List.of();
    }

    /**
     * Offset of the first record with timestamp ≥ {@code timestampNs}; the log end offset when
     * every record is older (or the log is empty).
     */
    public long offsetForTimestamp(long timestampNs) throws IOException {
        RecordCodec c = new RecordCodec();
        for (Segment s : segments.values()) {
            if (!s.retain()) {
                continue; // deleted meanwhile: its records are gone
            }
            try {
                long off = s.findByTimestamp(c, timestampNs);
                if (off >= 0) {
                    return off;
                }
            } finally {
                s.release();
            }
        }
        return logEndOffset;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("log " + dir + " is closed");
        }
    }

    // ================================================================== offsets and HW

    /** The offset the next appended record gets. */
    public long logEndOffset() {
        return logEndOffset;
    }

    /** Offset of the last record written (committed or not); -1 when nothing was written. */
    public long newestOffset() {
        return logEndOffset - 1;
    }

    /**
     * First retained offset (the first segment's base; inside a compaction gap, reads start at
     * the next record); -1 when the log holds no record.
     */
    public long oldestOffset() {
        Long first = segments.firstKey();
        return logEndOffset > first ? first : -1;
    }

    /** Offset of the last committed record; -1 when none. */
    public long highWatermark() {
        return highWatermark;
    }

    /**
     * Sets the HW (the partition decides commits). Clamped to the newest offset; waiters on
     * {@link #awaitHighWatermarkAbove} wake up. Persisted by {@link #checkpointHighWatermark}.
     */
    public void setHighWatermark(long hw) {
        if (hw < -1) {
            throw new IllegalArgumentException("high watermark must be ≥ -1, got " + hw);
        }
        highWatermark = Math.min(hw, logEndOffset - 1);
        signalWaiters();
    }

    /** Writes the HW checkpoint atomically if it changed (temp file, fsync, rename). */
    public void checkpointHighWatermark() throws IOException {
        long hw = highWatermark;
        if (hw == lastCheckpointedHw) {
            return;
        }
        hwLock.lock(); // not the write lock: appends go on during the checkpoint's fsync
        try {
            hwFile.write(hw + "\n");
            lastCheckpointedHw = hw;
        } finally {
            hwLock.unlock();
        }
    }

    /** fsyncs the active segment now (what {@code sync=interval} does periodically). */
    public void flush() throws IOException {
        long target = logEndOffset;
        Segment a = active;
        try {
            a.force();
        } catch (IOException e) {
            fail(e);
            throw e;
        }
        groupCommit.advance(target);
    }

    // ================================================================== leader epochs

    /**
     * Records that {@code epoch} starts at the current log end (a new leader calls this before
     * appending). No effect when the epoch is not newer than the latest cached one.
     */
    public void assignLeaderEpoch(long epoch) throws IOException {
        writeLock.lock();
        try {
            checkWritable();
            epochs.assign(epoch, logEndOffset);
        } finally {
            writeLock.unlock();
        }
    }

    /** The latest leader epoch in the cache, -1 if none. */
    public long latestEpoch() {
        writeLock.lock();
        try {
            return epochs.latestEpoch();
        } finally {
            writeLock.unlock();
        }
    }

    /** KIP-101 "end offset for epoch E"; see {@link EpochEndOffset}. */
    public EpochEndOffset endOffsetForEpoch(long epoch) {
        writeLock.lock();
        try {
            return epochs.endOffsetFor(epoch, logEndOffset);
        } finally {
            writeLock.unlock();
        }
    }

    /** Epoch → start offset, oldest first (a copy, for status and tests). */
    public Map<Long, Long> epochs() {
        writeLock.lock();
        try {
            return epochs.snapshot();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Removes every record with offset ≥ {@code endOffset} (a follower truncating by leader
     * epoch). Afterwards {@link #logEndOffset()} is {@code endOffset}, epochs starting at or
     * after it are dropped and the HW is clamped. No effect if {@code endOffset} ≥ the log end.
     * Concurrent readers of the removed range may get an {@link java.io.EOFException}.
     */
    public void truncateTo(long endOffset) throws IOException {
        if (endOffset < 0) {
            throw new IllegalArgumentException("truncation offset must be ≥ 0, got " + endOffset);
        }
        writeLock.lock();
        try {
            checkWritable();
            if (endOffset >= logEndOffset) {
                return;
            }
            RecordCodec c = codec;
            Map.Entry<Long, Segment> floor = segments.floorEntry(endOffset - 1);
            Segment keep;
            if (floor != null) {
                keep = floor.getValue();
            } else if (segments.firstKey() == endOffset) {
                keep = segments.firstEntry().getValue();
            } else {
                keep = Segment.create(dir, endOffset, settings.indexIntervalBytes(),
                        settings.indexCapacity(), clock.millis(), "");
                segments.put(endOffset, keep);
            }
            for (Long base : new ArrayList<>(segments.descendingKeySet())) {
                if (base > keep.base || (base != keep.base && base >= endOffset)) {
                    deleteSegment(segments.get(base));
                }
            }
            if (!keep.isActive()) {
                keep.reopenForAppend(c, settings.indexCapacity());
            }
            keep.truncateFrom(c, endOffset);
            activate(keep);
            logEndOffset = endOffset;
            if (keep.lastOffset() + 1 < endOffset) {
                // Compaction left a gap before endOffset: start a segment at endOffset so that
                // the log end survives a restart (it is derived from the last segment).
                roll(clock.millis());
            }
            groupCommit.syncedEnd = Math.min(groupCommit.syncedEnd, endOffset);
            epochs.truncateFrom(endOffset);
            if (highWatermark >= endOffset) {
                highWatermark = endOffset - 1;
            }
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            writeLock.unlock();
        }
        signalWaiters();
    }

    /** Unpublishes a segment and renames its files to {@code *.deleted}; under writeLock. */
    private void deleteSegment(Segment s) throws IOException {
        segments.remove(s.base, s);
        s.renameToDeleted();
        s.closeWhenUnused(true);
    }

    // ================================================================== waiting

    /**
     * Blocks until the newest offset is greater than {@code offset}, the timeout passes or the
     * log closes.
     *
     * @return whether the newest offset is greater than {@code offset}
     */
    public boolean awaitNewerThan(long offset, long timeoutMs) throws InterruptedException {
        return await(() -> logEndOffset - 1 > offset, timeoutMs);
    }

    /**
     * Blocks until the HW is greater than {@code offset} (new committed data for a subscriber
     * that has read up to {@code offset}), the timeout passes or the log closes.
     */
    public boolean awaitHighWatermarkAbove(long offset, long timeoutMs)
            throws InterruptedException {
        return await(() -> highWatermark > offset, timeoutMs);
    }

    private boolean await(java.util.function.BooleanSupplier cond, long timeoutMs)
            throws InterruptedException {
        if (cond.getAsBoolean()) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        waitLock.lock();
        waiters.incrementAndGet(); // before re-checking: a writer then sees us and signals
        try {
            while (!cond.getAsBoolean() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return cond.getAsBoolean();
        } finally {
            waiters.decrementAndGet();
            waitLock.unlock();
        }
    }

    private void signalWaiters() {
        if (waiters.get() > 0) { // writers skip the lock while nobody waits
            waitLock.lock();
            try {
                changed.signalAll();
            } finally {
                waitLock.unlock();
            }
        }
    }

    // ================================================================== cleaning

    /**
     * One cleaner pass at {@code nowMs}: roll the active segment if it is older than
     * {@code segment.max.age} (and if it rolled, stop there, as Liftbridge does); otherwise apply
     * retention (age, messages, bytes — whole segments, never the active one) and then
     * compaction if enabled. {@link LogTasks} calls this every {@code cleaner.interval}.
     */
    public void clean(long nowMs) throws IOException {
        writeLock.lock();
        try {
            checkWritable();
            if (settings.segmentMaxAgeMs() > 0 && maybeRoll(0, nowMs)) {
                return;
            }
            applyRetention(nowMs);
        } finally {
            writeLock.unlock();
        }
        if (settings.compact()) {
            new Compactor(this).run();
        }
    }

    private void applyRetention(long nowMs) throws IOException {
        List<Segment> doomed = new ArrayList<>();
        List<Segment> all = new ArrayList<>(segments.values());
        int sealed = all.size() - 1; // the last one is the active segment
        if (settings.retentionMaxAgeMs() > 0) {
            for (int i = 0; i < sealed; i++) {
                if (all.get(i).lastWriteMs() < nowMs - settings.retentionMaxAgeMs()) {
                    doomed.add(all.get(i));
                } else {
                    break;
                }
            }
        }
        int cut = -1; // segments [0, cut] go
        if (settings.retentionMaxMessages() > 0) {
            long total = 0;
            long end = logEndOffset;
            for (int i = all.size() - 1; i >= 0; i--) {
                total += end - all.get(i).base;
                end = all.get(i).base;
                if (total > settings.retentionMaxMessages() && i < sealed) {
                    cut = Math.max(cut, i);
                    break;
                }
            }
        }
        if (settings.retentionMaxBytes() > 0) {
            long total = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                total += all.get(i).sizeOnDisk();
                if (total > settings.retentionMaxBytes() && i < sealed) {
                    cut = Math.max(cut, i);
                    break;
                }
            }
        }
        for (int i = 0; i <= cut; i++) {
            if (!doomed.contains(all.get(i))) {
                doomed.add(all.get(i));
            }
        }
        doomed.sort(Comparator.comparingLong(s -> s.base));
        if (doomed.isEmpty()) {
            return;
        }
        try {
            for (Segment s : doomed) {
                deleteSegment(s);
            }
            epochs.truncateBefore(segments.firstKey());
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    // ================================================================== package internals

    /** Segments in base order (a snapshot). */
    List<Segment> segmentList() {
        return new ArrayList<>(segments.values());
    }

    int segmentCount() {
        return segments.size();
    }

    Segment activeSegment() {
        return active;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    Path dir() {
        return dir;
    }

    Clock clock() {
        return clock;
    }

    /**
     * Installs a compacted copy of sealed segment {@code old} (steps 2–4 of compaction, see the
     * class doc), or discards it when {@code old} changed meanwhile. Empty copies delete the
     * segment instead.
     */
    void installCompacted(Segment old, Segment cleaned, boolean empty) throws IOException {
        writeLock.lock();
        try {
            if (closed || failure != null || segments.get(old.base) != old || old.isActive()) {
                discard(cleaned);
                return;
            }
            try {
                if (empty && old != segments.firstEntry().getValue()) {
                    discard(cleaned);
                    deleteSegment(old);
                    return;
                }
                Path swap = old.logPath.resolveSibling(old.logPath.getFileName() + SWAP);
                Files.move(cleaned.logPath, swap, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(old.indexPath);
                Files.deleteIfExists(old.timePath);
                Files.move(swap, old.logPath, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.move(cleaned.indexPath, old.indexPath, StandardCopyOption.ATOMIC_MOVE);
                Files.move(cleaned.timePath, old.timePath, StandardCopyOption.ATOMIC_MOVE);
                CheckpointFile.fsyncDirectory(dir);
                segments.put(old.base, new Segment(dir, old.base, settings.indexIntervalBytes()));
                old.closeWhenUnused(false);
            } catch (IOException e) {
                fail(e);
                throw e;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static void discard(Segment cleaned) throws IOException {
        Files.deleteIfExists(cleaned.logPath);
        Files.deleteIfExists(cleaned.indexPath);
        Files.deleteIfExists(cleaned.timePath);
    }

    @Override
    public String toString() {
        return "CommitLog[" + dir + ", segments=" + segments.size() + ", logEnd=" + logEndOffset
                + ", hw=" + highWatermark + "]";
    }

    /**
     * Group commit for {@code sync=always}: an appender waits until an fsync covering its batch
     * has finished; the first waiter with nothing in flight runs the fsync (outside the write
     * lock) for everything written so far, and every waiter it covers returns with it.
     */
    final class GroupCommit {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition synced = lock.newCondition();
        volatile long syncedEnd; // every offset below this is on disk
        private boolean syncing;

        void awaitSynced(long target) throws IOException {
            lock.lock();
            try {
                while (syncedEnd < target) {
                    IOException f = failure;
                    if (f != null) {
                        throw new IOException("fsync failed; the append is not durable", f);
                    }
                    if (closed) {
                        throw new IOException("log " + dir + " closed before the append was "
                                + "fsynced");
                    }
                    if (syncing) {
                        synced.awaitUninterruptibly();
                        continue;
                    }
                    syncing = true;
                    lock.unlock();
                    // Read the log end before the segment: if a roll happens in between, the
                    // roll already fsynced the old segment up to that end.
                    long end = logEndOffset;
                    Segment s = active;
                    IOException err = null;
                    try {
                        if (s.retain()) { // not retained: truncated away, and truncation fsyncs
                            try {
                                s.force();
                            } finally {
                                s.release();
                            }
                        }
                    } catch (IOException e) {
                        err = e;
                        fail(e);
                    } finally {
                        lock.lock();
                        syncing = false;
                        if (err == null && end > syncedEnd) {
                            syncedEnd = end;
                        }
                        synced.signalAll();
                    }
                    if (err != null) {
                        throw err;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        void advance(long end) {
            lock.lock();
            try {
                if (end > syncedEnd) {
                    syncedEnd = end;
                }
                synced.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void wakeAll() {
            lock.lock();
            try {
                synced.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
