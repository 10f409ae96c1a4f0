package lb.broker.log;

import static lb.broker.log.TestSupport.readAll;
import static lb.broker.log.TestSupport.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zeros written ahead of the active segment's data when appends are fsynced: invisible to
 * readers, trimmed when a segment is sealed or the log closed, and cut off without loss when the
 * broker died with them in place.
 */
class PreallocationTest {

    @TempDir
    Path dir;

    private static LogSettings fsynced(long segmentBytes) {
        return LogSettings.defaults().withSegmentMaxBytes(segmentBytes).withIndexIntervalBytes(256)
                .withSync(SyncPolicy.ALWAYS);
    }

    private static List<LogRecord> append(CommitLog log, int from, int n) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            LogRecord r = record(1000 + i, "k" + (i % 3), "value-" + i);
            log.append(List.of(r));
            out.add(r.withOffset(i));
        }
        return out;
    }

    private static long entryBytes(List<LogRecord> records) {
        return records.stream().mapToLong(RecordCodec::sizeOf).sum();
    }

    private List<Path> logFiles(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void zerosRunAheadOfTheDataUnseenAndAreTrimmedOnClose() throws Exception {
        List<LogRecord> written;
        Path file;
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30))) {
            written = append(log, 0, 50);
            file = logFiles(dir).get(0);
            // The first append went past the (empty) file: 64 KiB of zeros were written after
            // it; the later ones fell inside them.
            assertEquals(RecordCodec.sizeOf(written.get(0)) + Segment.FIRST_FILL,
                    Files.size(file), "the file runs the preallocation ahead of the data");
            assertEquals(written, readAll(log, 0, 1000));
            assertEquals(50, log.logEndOffset());
        }
        assertEquals(entryBytes(written), Files.size(file), "close trims the zero tail");
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30))) {
            assertEquals(written, readAll(log, 0, 1000));
        }
    }

    @Test
    void zeroFillsStartSmallAndDoubleUpToTheLimit() throws Exception {
        List<Long> fills = new ArrayList<>();
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30))) {
            byte[] value = new byte[1000];
            long data = 0;
            long fileSize = 0;
            for (int batch = 0; batch < 120; batch++) {
                List<LogRecord> records = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    records.add(LogRecord.of(1000 + i, 1, null, value, java.util.Map.of(), "s", ""));
                }
                log.append(records);
                data += RecordCodec.sizeOf(records);
                long now = Files.size(logFiles(dir).get(0));
                if (now != fileSize) {
                    fills.add(now - data); // zeros written after this append's data
                    fileSize = now;
                }
            }
        }
        int k = 64 * 1024;
        int m = CommitLog.PREALLOCATE_BYTES;
        assertEquals(List.of((long) k, 2L * k, 4L * k, 8L * k, 16L * k, 32L * k, (long) m, (long) m),
                fills.subList(0, 8), "a fill after each append that ran past the zeros: " + fills);
    }

    @Test
    void aLogLeftWithItsZeroTailRecoversEveryRecordAndGoesOn() throws Exception {
        Path copy = dir.resolve("crashed");
        List<LogRecord> written;
        Path live = dir.resolve("live");
        try (CommitLog log = CommitLog.open(live, fsynced(1 << 30))) {
            written = append(log, 0, 40);
            // What a kill -9 leaves: the files as they are now, zero tail included.
            Files.createDirectories(copy);
            try (Stream<Path> s = Files.list(live)) {
                for (Path p : s.toList()) {
                    Files.copy(p, copy.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path file = logFiles(copy).get(0);
        assertTrue(Files.size(file) > entryBytes(written), "the copy has the zero tail");
        try (CommitLog log = CommitLog.open(copy, fsynced(1 << 30))) {
            assertEquals(40, log.logEndOffset());
            assertEquals(written, readAll(log, 0, 1000));
            written = new ArrayList<>(written);
            written.addAll(append(log, 40, 10));
        }
        try (CommitLog log = CommitLog.open(copy, fsynced(1 << 30))) {
            assertEquals(written, readAll(log, 0, 1000));
        }
    }

    @Test
    void aTornRecordInsideTheZeroTailIsCutWithTheZeros() throws Exception {
        Path live = dir.resolve("live");
        List<LogRecord> written;
        try (CommitLog log = CommitLog.open(live, fsynced(1 << 30))) {
            written = append(log, 0, 20);
        }
        Path file = logFiles(live).get(0);
        long data = Files.size(file);
        // The record that was being written: its first half, then zeros (the preallocation).
        byte[] torn = new byte[4096];
        int half = RecordCodec.sizeOf(record(5000, "k", "value-torn")) / 2;
        byte[] head = new byte[half];
        java.util.Arrays.fill(head, (byte) 0x5a);
        System.arraycopy(head, 0, torn, 0, half);
        Files.write(file, torn, java.nio.file.StandardOpenOption.APPEND);
        try (CommitLog log = CommitLog.open(live, fsynced(1 << 30))) {
            assertEquals(written, readAll(log, 0, 1000));
            assertEquals(data, Files.size(file), "the torn record and the zeros are gone");
            written = new ArrayList<>(written);
            written.addAll(append(log, 20, 5));
            assertEquals(written, readAll(log, 0, 1000));
        }
    }

    @Test
    void sealedSegmentsEndWithTheirDataAndRollsKeepEveryRecord() throws Exception {
        List<LogRecord> written;
        try (CommitLog log = CommitLog.open(dir, fsynced(2048))) {
            written = append(log, 0, 200);
            assertTrue(log.segmentList().size() > 5);
            List<Path> files = logFiles(dir);
            for (Path p : files.subList(0, files.size() - 1)) {
                assertTrue(Files.size(p) <= 2048 + 200, p + " holds no zero tail: " + Files.size(p));
            }
            Path last = files.get(files.size() - 1);
            assertTrue(Files.size(last) > 2048, "the active segment has its preallocation");
        }
        try (CommitLog log = CommitLog.open(dir, fsynced(2048))) {
            assertEquals(written, readAll(log, 0, 1000));
            for (int i = 0; i < 200; i += 17) {
                assertEquals(written.get(i), log.read(i, 1, Long.MAX_VALUE).records().get(0));
            }
        }
    }

    @Test
    void truncationCutsTheZerosWithTheRecords() throws Exception {
        List<LogRecord> written;
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30))) {
            written = append(log, 0, 30);
            log.truncateTo(20);
            List<LogRecord> more = append(log, 20, 5);
            written = new ArrayList<>(written.subList(0, 20));
            written.addAll(more);
            assertEquals(written, readAll(log, 0, 1000));
        }
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30))) {
            assertEquals(written, readAll(log, 0, 1000));
        }
    }

    @Test
    void unsyncedLogsWriteNoZeros() throws Exception {
        try (CommitLog log = CommitLog.open(dir, fsynced(1 << 30).withSync(SyncPolicy.NONE))) {
            List<LogRecord> written = append(log, 0, 30);
            assertEquals(entryBytes(written), Files.size(logFiles(dir).get(0)));
        }
    }
}
