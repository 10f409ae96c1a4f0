package lb.broker.metadata;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The single-node {@link CommandLog}: a file log of checksummed entries plus snapshots in one
 * directory (normally {@code <data>/metadata}). This node is always the leader.
 *
 * <p><b>Threads.</b> {@link #start} runs recovery on the caller's thread, then starts one
 * thread, {@code lb-metadata-log}, that owns the files and the applier: it takes proposals
 * from a bounded queue in batches, appends them with one write and one fsync (group commit),
 * applies them in index order and completes their futures (on this thread), and takes
 * snapshots. {@link #propose} and {@link #close} are thread-safe.
 *
 * <p><b>On-disk format</b> (all integers big-endian):
 * <pre>
 *   lock                          held with an OS file lock while the log is open
 *   log-&lt;first index, %020d&gt;      entries:  [int32 payload length][int32 CRC-32C][int64 index][payload]
 *                                 the CRC covers the 8 index bytes and the payload
 *   snapshot-&lt;index, %020d&gt;       [int32 magic 'LBMS'][int64 index][int32 length][int32 CRC-32C][bytes]
 *                                 the CRC covers the index and the bytes; the state after entry &lt;index&gt;
 *   *.tmp                         a snapshot being written; deleted on open
 * </pre>
 * Indexes start at 1 and are contiguous. Segments are named by the index of their first entry.
 *
 * <p><b>Recovery</b> ({@link #start}): restore the newest snapshot (a corrupt one fails the
 * start: it was fsynced before it replaced anything, so damage is real), then read the
 * segments in order and re-apply every entry after the snapshot. In the last segment the
 * first incomplete or mismatching entry marks a torn tail (a crash in the middle of a write):
 * the file is truncated there and fsynced; such entries were never acknowledged because a
 * proposal completes only after its fsync. Damage anywhere else, or a gap in the indexes,
 * fails the start with an IOException naming the file.
 *
 * <p><b>Failure.</b> After any write or fsync error the log stops for good: pending and later
 * proposals fail with the cause (never append after a failed fsync). Restarting the process
 * recovers what was durable.
 */
public final class LocalCommandLog implements CommandLog {
    private static final System.Logger LOG = System.getLogger(LocalCommandLog.class.getName());

    /** Default number of entries between snapshots. */
    public static final int DEFAULT_SNAPSHOT_THRESHOLD = 8192;
    /** Proposals waiting to be written; more are refused rather than buffered without bound. */
    static final int QUEUE_CAPACITY = 16_384;
    /** Largest batch appended with one write and one fsync. */
    static final int MAX_BATCH = 512;
    /** Largest accepted command, so a garbled length cannot make recovery allocate gigabytes. */
    public static final int MAX_COMMAND_BYTES = 64 << 20;

    static final int ENTRY_HEADER = 4 + 4 + 8;
    static final int SNAPSHOT_MAGIC = 0x4C424D53; // "LBMS"
    private static final String SEGMENT_PREFIX = "log-";
    private static final String SNAPSHOT_PREFIX = "snapshot-";

    private final Path dir;
    private final String serverId;
    private final int snapshotThreshold;
    private final BlockingQueue<Proposal> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);

    private final Object lifecycle = new Object();
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile Thread writer;
    private FileChannel lockChannel;
    private FileLock lock;

    // Owned by the writer thread after start() returns.
    private CommandApplier applier;
    private FileChannel segment;
    private volatile long lastIndex;
    private long snapshotIndex;

    private record Proposal(byte[] command, CompletableFuture<Object> future) {
    }

    /** Opens segment files for appending; tests substitute one that injects I/O failures. */
    @FunctionalInterface
    interface SegmentOpener {
        FileChannel open(Path file) throws IOException;
    }

    private final SegmentOpener segmentOpener;

    /**
     * @param dir               the log's directory (created if missing)
     * @param serverId          this node's id, reported by {@link #leaderId()}
     * @param snapshotThreshold entries between snapshots (≥ 1); {@link #DEFAULT_SNAPSHOT_THRESHOLD} normally
     */
    public LocalCommandLog(Path dir, String serverId, int snapshotThreshold) {
        this(dir, serverId, snapshotThreshold,
                f -> FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    LocalCommandLog(Path dir, String serverId, int snapshotThreshold, SegmentOpener segmentOpener) {
        this.segmentOpener = Objects.requireNonNull(segmentOpener);
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be at least 1, got " + snapshotThreshold);
        }
        this.dir = Objects.requireNonNull(dir);
        this.serverId = Objects.requireNonNull(serverId);
        this.snapshotThreshold = snapshotThreshold;
    }

    @Override
    public void start(CommandApplier applier) throws IOException {
        synchronized (lifecycle) {
            if (this.applier != null) {
                throw new IllegalStateException("metadata log already started");
            }
            if (closing) {
                throw new IllegalStateException("metadata log closed");
            }
            this.applier = Objects.requireNonNull(applier);
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another LocalCommandLog in this JVM: reported as "in use" just below
            }
            if (lock == null) {
                lockChannel.close();
                throw new IOException("metadata log " + dir + " is in use by another broker (lock held)");
            }
            try {
                recover();
            } catch (IOException | RuntimeException e) {
                closeFiles(e);
                throw e;
            }
            writer = new Thread(this::writeLoop, "lb-metadata-log");
            writer.setDaemon(true);
            writer.start();
        }
    }

    // ------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(f); // an interrupted snapshot write (step 1 below); the old state is intact
                } else if (name.startsWith(SNAPSHOT_PREFIX)) {
                    snapshots.put(parseIndex(f, SNAPSHOT_PREFIX), f);
                } else if (name.startsWith(SEGMENT_PREFIX)) {
                    segments.put(parseIndex(f, SEGMENT_PREFIX), f);
                }
            }
        }
        snapshotIndex = 0;
        if (!snapshots.isEmpty()) {
            var newest = snapshots.lastEntry();
            byte[] state = readSnapshot(newest.getValue(), newest.getKey());
            applier.restore(state);
            snapshotIndex = newest.getKey();
            // Older snapshots are leftovers of a crash during step 4 of takeSnapshot.
            for (Path old : snapshots.headMap(newest.getKey()).values()) {
                Files.deleteIfExists(old);
            }
        }
        lastIndex = snapshotIndex;
        Path last = segments.isEmpty() ? null : segments.lastEntry().getValue();
        long nextInLast = -1;
        for (var e : segments.entrySet()) {
            Long nextFirst = segments.higherKey(e.getKey());
            if (nextFirst != null && nextFirst - 1 <= snapshotIndex) {
                // Wholly covered by the snapshot: a leftover of a crash during step 4 of takeSnapshot.
                Files.delete(e.getValue());
                continue;
            }
            nextInLast = replaySegment(e.getValue(), e.getKey(), e.getValue().equals(last));
        }
        if (last == null || nextInLast != lastIndex + 1) {
            // Appending to the last segment must keep its entries contiguous; when it does not
            // end right before the next index (e.g. its entries all precede the snapshot), the
            // next entries go to a new segment named by their first index.
            last = dir.resolve(segmentName(lastIndex + 1));
            if (Files.exists(last) && Files.size(last) > 0) {
                throw new IOException("metadata log segment " + last + " exists but does not continue the log at "
                        + (lastIndex + 1));
            }
        }
        segment = segmentOpener.open(last);
        fsyncDir();
        LOG.log(System.Logger.Level.INFO, "metadata log {0}: restored snapshot at {1}, replayed up to {2}",
                dir, snapshotIndex, lastIndex);
    }

    /** Replays one segment; returns the index the next entry in it would have. */
    private long replaySegment(Path file, long firstIndex, boolean isLast) throws IOException {
        long expected = firstIndex;
        // Streamed through a 64 KiB buffer: a segment can hold thousands of large commands.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 64 << 10))) {
            long size = ch.size();
            long position = 0;
            while (position < size) {
                String problem = null;
                byte[] payload = null;
                long index = -1;
                int length = 0;
                if (size - position < ENTRY_HEADER) {
                    problem = "incomplete entry header";
                } else {
                    length = in.readInt();
                    int crc = in.readInt();
                    index = in.readLong();
                    if (length < 0 || length > MAX_COMMAND_BYTES) {
                        problem = "bad entry length " + length;
                    } else if (size - position - ENTRY_HEADER < length) {
                        problem = "incomplete entry of " + length + " bytes";
                    } else {
                        payload = new byte[length];
                        in.readFully(payload);
                        if (checksum(index, payload) != crc) {
                            problem = "checksum mismatch";
                        } else if (index != expected) {
                            problem = "index " + index + " where " + expected + " was expected";
                        }
                    }
                }
                if (problem != null) {
                    if (!isLast) {
                        throw new IOException("metadata log segment " + file + " is damaged at byte " + position + ": "
                                + problem + "; it is not the last segment, so this is not a torn write");
                    }
                    truncateTornTail(file, position, size, problem);
                    return expected;
                }
                position += ENTRY_HEADER + length;
                expected++;
                if (index <= snapshotIndex) {
                    continue; // covered by the snapshot
                }
                if (index != lastIndex + 1) {
                    throw new IOException("metadata log has a gap: entry " + index + " in " + file + " follows "
                            + lastIndex);
                }
                applyOne(index, payload);
                lastIndex = index;
            }
        }
        return expected;
    }

    private void truncateTornTail(Path file, long position, long size, String problem) throws IOException {
        LOG.log(System.Logger.Level.WARNING, "metadata log {0}: torn tail at byte {1} of {2} ({3}); truncating",
                file, position, size, problem);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(position);
            ch.force(true);
        }
    }

    private static byte[] readSnapshot(Path file, long nameIndex) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(data);
        if (data.length < 20 || buf.getInt() != SNAPSHOT_MAGIC) {
            throw new IOException("metadata snapshot " + file + " is damaged: bad header");
        }
        long index = buf.getLong();
        int length = buf.getInt();
        int crc = buf.getInt();
        if (index != nameIndex || length < 0 || length != buf.remaining()) {
            throw new IOException("metadata snapshot " + file + " is damaged: index " + index + ", length " + length
                    + ", " + buf.remaining() + " bytes present");
        }
        byte[] state = new byte[length];
        buf.get(state);
        if (checksum(index, state) != crc) {
            throw new IOException("metadata snapshot " + file + " is damaged: checksum mismatch");
        }
        return state;
    }

    // ------------------------------------------------------------------ proposals

    @Override
    public CompletableFuture<Object> propose(byte[] command) {
        Objects.requireNonNull(command);
        if (command.length > MAX_COMMAND_BYTES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "metadata command of " + command.length + " bytes exceeds " + MAX_COMMAND_BYTES));
        }
        Throwable failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(new IOException("metadata log failed: " + failed.getMessage(), failed));
        }
        if (closing || writer == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    closing ? "metadata log closed" : "metadata log not started"));
        }
        Proposal p = new Proposal(command.clone(), new CompletableFuture<>());
        if (!queue.offer(p)) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    "metadata log busy: " + QUEUE_CAPACITY + " proposals waiting"));
        }
        if (closing || failure != null) {
            drainAndFail(); // close() or a failure may have drained before our offer
        }
        return p.future;
    }

    private void writeLoop() {
        List<Proposal> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (!closing) {
                Proposal first = queue.poll(50, TimeUnit.MILLISECONDS); // wake up to notice close()
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeBatch(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new IOException("metadata log writer interrupted", e), batch);
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "metadata log " + dir + " failed; no more metadata changes "
                    + "are accepted until the broker restarts", e);
            fail(e, batch);
        }
        drainAndFail();
    }

    private void writeBatch(List<Proposal> batch) throws IOException {
        int size = 0;
        for (Proposal p : batch) {
            size += ENTRY_HEADER + p.command.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        long index = lastIndex;
        for (Proposal p : batch) {
            index++;
            buf.putInt(p.command.length).putInt(checksum(index, p.command)).putLong(index).put(p.command);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            segment.write(buf);
        }
        segment.force(false); // durable before any proposal of this batch completes
        for (Proposal p : batch) {
            lastIndex++;
            Object result = applyOne(lastIndex, p.command);
            if (result instanceof ApplyFailure f) {
                p.future.completeExceptionally(f.cause);
            } else {
                p.future.complete(result);
            }
        }
        if (lastIndex - snapshotIndex >= snapshotThreshold) {
            takeSnapshot();
        }
    }

    private record ApplyFailure(RuntimeException cause) {
    }

    /** Applies one entry; an applier exception is a bug, logged and reported to the proposer only. */
    private Object applyOne(long index, byte[] command) {
        try {
            return applier.apply(index, command);
        } catch (RuntimeException e) {
            // The entry is durable and every replay will meet it again; stopping the log would
            // make the broker unable to start. Report it loudly and keep the log going.
            LOG.log(System.Logger.Level.ERROR, "metadata applier failed on entry " + index, e);
            return new ApplyFailure(e);
        }
    }

    /**
     * Writes a snapshot of the state after {@link #lastIndex} and compacts the log behind it.
     * Each step says what recovery does if the process dies right after it.
     */
    private void takeSnapshot() throws IOException {
        long index = lastIndex;
        byte[] state = applier.snapshot();
        Path tmp = dir.resolve(SNAPSHOT_PREFIX + String.format("%020d", index) + ".tmp");
        Path file = dir.resolve(SNAPSHOT_PREFIX + String.format("%020d", index));
        // 1. Write and fsync <snapshot>.tmp. Crash: the .tmp is deleted on open; old snapshot + log are intact.
        ByteBuffer buf = ByteBuffer.allocate(20 + state.length);
        buf.putInt(SNAPSHOT_MAGIC).putLong(index).putInt(state.length).putInt(checksum(index, state)).put(state);
        buf.flip();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        // 2. Rename it into place and fsync the directory. Crash: open restores this snapshot and
        //    skips the log entries it covers.
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot atomically rename " + tmp + " on this file system", e);
        }
        fsyncDir();
        long previousSnapshot = snapshotIndex;
        snapshotIndex = index;
        // 3. Start a new segment at index+1. Crash: an empty last segment; appends continue in it.
        FileChannel old = segment;
        segment = segmentOpener.open(dir.resolve(segmentName(index + 1)));
        fsyncDir();
        old.close();
        // 4. Delete the segments and snapshots the new snapshot covers. Crash: leftovers are
        //    skipped on open (entries ≤ snapshot) and older snapshots are deleted then.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(SEGMENT_PREFIX) && !name.endsWith(".tmp") && parseIndex(f, SEGMENT_PREFIX) <= index) {
                    Files.delete(f);
                } else if (name.startsWith(SNAPSHOT_PREFIX) && !name.endsWith(".tmp")
                        && parseIndex(f, SNAPSHOT_PREFIX) < index) {
                    Files.delete(f);
                }
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "metadata log {0}: snapshot at {1} (previous {2}), {3} bytes",
                dir, index, previousSnapshot, state.length);
    }

    private void fail(Throwable cause, List<Proposal> inFlight) {
        failure = cause;
        for (Proposal p : inFlight) {
            p.future.completeExceptionally(cause);
        }
        drainAndFail();
    }

    private void drainAndFail() {
        List<Proposal> left = new ArrayList<>();
        queue.drainTo(left);
        Throwable cause = failure;
        for (Proposal p : left) {
            p.future.completeExceptionally(cause != null
                    ? new IOException("metadata log failed: " + cause.getMessage(), cause)
                    : new IllegalStateException("metadata log closed"));
        }
    }

    // ------------------------------------------------------------------ misc

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public String leaderId() {
        return serverId;
    }

    /** Index of the last entry written (any thread; approximate while proposals are in flight). */
    public long lastIndex() {
        return lastIndex;
    }

    /**
     * Stops the writer after its current batch, fails proposals still queued with
     * "metadata log closed", and closes the files. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
            if (writer != null) {
                boolean interrupted = false;
                while (true) {
                    try {
                        writer.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // finish closing; restore the flag below
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            drainAndFail();
            closeFiles(null);
        }
    }

    private void closeFiles(Throwable primary) {
        List<AutoCloseable> resources = new ArrayList<>();
        if (segment != null) resources.add(segment);
        if (lock != null) resources.add(lock);
        if (lockChannel != null) resources.add(lockChannel);
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "closing metadata log " + dir, e);
                }
            }
        }
        segment = null;
        lock = null;
        lockChannel = null;
    }

    private void fsyncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static int checksum(long index, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, index));
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static String segmentName(long firstIndex) {
        return SEGMENT_PREFIX + String.format("%020d", firstIndex);
    }

    private static long parseIndex(Path f, String prefix) throws IOException {
        String name = f.getFileName().toString();
        String digits = name.substring(prefix.length());
        if (digits.endsWith(".tmp")) {
            digits = digits.substring(0, digits.length() - 4);
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IOException("unexpected file in metadata log directory: " + f, e);
        }
    }
}
