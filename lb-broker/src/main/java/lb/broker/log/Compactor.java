package lb.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One compaction pass over a log's sealed segments (behavior.md §7.3): a record is kept when it
 * has no key, is the newest record of its key among offsets ≤ HW, or has offset ≥ HW. Kept
 * entries are copied byte for byte (offsets, timestamps, epochs preserved), so readers see gaps
 * and nothing else. Segments left empty are deleted (except the first, kept empty so the oldest
 * offset does not jump). The epoch cache is left as is: its start offsets still bound the
 * surviving records of each epoch.
 *
 * <p>Runs on the cleaner thread; reads without the write lock (sealed segments do not change),
 * then installs each rewritten segment under the lock via {@link CommitLog#installCompacted},
 * which discards the copy if the segment was truncated or deleted meanwhile. Memory: one map
 * entry per distinct key among offsets ≤ HW.
 */
final class Compactor {

    private static final int CHUNK = 1 << 20;

    private final CommitLog log;
    private final RecordCodec codec = new RecordCodec();

    Compactor(CommitLog log) {
        this.log = log;
    }

    void run() throws IOException {
        long hw = log.highWatermark();
        if (hw < 0) {
            return;
        }
        Map<ByteBuffer, Long> newest = new HashMap<>();
        long offset = 0;
        while (offset <= hw) {
            Chunk c = log.read(offset, CHUNK, hw);
            if (c.isEmpty()) {
                break;
            }
            ByteBuffer b = c.bytes();
            for (int p = 0; p < b.limit(); p += b.getInt(p) + 4) {
                ByteBuffer key = keyOf(b, p);
                if (key != null) {
                    // copy: a slice would pin the whole 1 MiB chunk in the map
                    byte[] k = new byte[key.remaining()];
                    key.get(k);
                    newest.put(ByteBuffer.wrap(k), RecordCodec.offsetAt(b, p));
                }
            }
            offset = c.lastOffset() + 1;
        }
        List<Segment> segs = log.segmentList();
        for (Segment s : segs) {
            if (s.isActive() || s.base > hw || log.isClosed()) {
                continue;
            }
            compact(s, newest, hw);
        }
    }

    private static ByteBuffer keyOf(ByteBuffer b, int p) {
        int keyLen = RecordCodec.keyLengthAt(b, p);
        if (keyLen < 0) {
            return null;
        }
        int from = p + RecordCodec.FIXED + 4;
        return b.duplicate().limit(from + keyLen).position(from).slice();
    }

    private void compact(Segment s, Map<ByteBuffer, Long> newest, long hw) throws IOException {
        if (!s.retain()) {
            return;
        }
        Segment out = null;
        try {
            s.ensureOpen(codec);
            int size = s.size();
            // First pass: is anything dropped at all? Most segments of a settled log are clean.
            boolean dropsSome = false;
            for (int pos = 0; pos < size && !dropsSome; ) {
                ByteBuffer b = s.read(codec, pos, CHUNK, Long.MAX_VALUE);
                if (b.limit() == 0) {
                    break;
                }
                for (int p = 0; p < b.limit(); p += b.getInt(p) + 4) {
                    if (!keep(b, p, newest, hw)) {
                        dropsSome = true;
                        break;
                    }
                }
                pos += b.limit();
            }
            if (!dropsSome) {
                return;
            }
            out = Segment.create(log.dir(), s.base, log.settings().indexIntervalBytes(),
                    log.settings().indexCapacity(), s.lastWriteMs(), CommitLog.CLEANED);
            long[] offsets = new long[1024];
            long[] timestamps = new long[1024];
            int[] lengths = new int[1024];
            boolean empty = true;
            for (int pos = 0; pos < size; ) {
                ByteBuffer b = s.read(codec, pos, CHUNK, Long.MAX_VALUE);
                if (b.limit() == 0) {
                    break;
                }
                ByteBuffer kept = ByteBuffer.allocate(b.limit());
                int n = 0;
                for (int p = 0; p < b.limit(); p += b.getInt(p) + 4) {
                    int len = b.getInt(p) + 4;
                    if (keep(b, p, newest, hw)) {
                        if (n == offsets.length) {
                            offsets = java.util.Arrays.copyOf(offsets, n * 2);
                            timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
                            lengths = java.util.Arrays.copyOf(lengths, n * 2);
                        }
                        offsets[n] = RecordCodec.offsetAt(b, p);
                        timestamps[n] = RecordCodec.timestampAt(b, p);
                        lengths[n] = len;
                        kept.put(b.duplicate().limit(p + len).position(p));
                        n++;
                    }
                }
                if (n > 0) {
                    kept.flip();
                    out.append(kept, n, offsets, timestamps, lengths, s.lastWriteMs());
                    empty = false;
                }
                pos += b.limit();
            }
            out.seal(true);
            out.closeWhenUnused(false);
            // Keep the segment's age: retention by age reads the file's modification time.
            java.nio.file.Files.setLastModifiedTime(out.logPath,
                    java.nio.file.attribute.FileTime.fromMillis(s.lastWriteMs()));
            log.installCompacted(s, out, empty);
            out = null;
        } finally {
            s.release();
            if (out != null) {
                out.closeWhenUnused(false);
                java.nio.file.Files.deleteIfExists(out.logPath);
                java.nio.file.Files.deleteIfExists(out.indexPath);
                java.nio.file.Files.deleteIfExists(out.timePath);
            }
        }
    }

    private static boolean keep(ByteBuffer b, int p, Map<ByteBuffer, Long> newest, long hw) {
        long off = RecordCodec.offsetAt(b, p);
        if (off >= hw) {
            return true;
        }
        ByteBuffer key = keyOf(b, p);
        return key == null || newest.getOrDefault(key, -1L) == off;
    }
}
