package lb.broker.log;

import static lb.broker.log.TestSupport.readAll;
import static lb.broker.log.TestSupport.record;
import static lb.broker.log.TestSupport.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory states a crash can leave inside roll, truncation, retention and compaction (see the
 * steps in {@link CommitLog}'s class doc), and the background tasks.
 */
class CommitLogRecoveryTest {

    @TempDir
    Path dir;

    private List<LogRecord> fill(int n) throws Exception {
        List<LogRecord> written = new ArrayList<>();
        try (CommitLog log = CommitLog.open(dir, small())) {
            for (int i = 0; i < n; i++) {
                LogRecord r = record(1000 + i, "k" + (i % 5), "value-" + i);
                log.append(List.of(r));
                written.add(r.withOffset(i));
            }
        }
        return written;
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void finishesAnInterruptedCompactionSwapAndDropsUnfinishedCopies() throws Exception {
        List<LogRecord> written = fill(200);
        String seg = names().stream().filter(n -> n.endsWith(".log")).findFirst().orElseThrow();
        String base = seg.substring(0, seg.indexOf('.'));
        // Died after step 2 (complete copy renamed to .swap) with the old indexes still there.
        Files.copy(dir.resolve(seg), dir.resolve(seg + CommitLog.SWAP));
        // And an unfinished copy of another run (step 1).
        Files.write(dir.resolve(seg + CommitLog.CLEANED), new byte[] {1, 2, 3});
        Files.write(dir.resolve(base + ".index" + CommitLog.CLEANED), new byte[] {1});
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertEquals(written, readAll(log, 0, 1000));
        }
        assertTrue(names().stream().noneMatch(n -> n.endsWith(CommitLog.SWAP)
                || n.endsWith(CommitLog.CLEANED)), names().toString());
    }

    @Test
    void removesHalfDeletedSegmentsOfRetentionAndTruncation() throws Exception {
        List<LogRecord> written = fill(200);
        List<String> logs = names().stream().filter(n -> n.endsWith(".log")).toList();
        assertTrue(logs.size() > 3);
        // Retention died after renaming the oldest .log but not its indexes.
        String oldest = logs.get(0);
        Files.move(dir.resolve(oldest), dir.resolve(oldest + CommitLog.DELETED));
        long secondBase = Segment.parseBase(logs.get(1));
        // Truncation died after renaming the newest segment's files.
        String newest = logs.get(logs.size() - 1);
        long newestBase = Segment.parseBase(newest);
        for (String suffix : new String[] {".log", ".index", ".timeindex"}) {
            String n = newest.replace(".log", suffix);
            Files.move(dir.resolve(n), dir.resolve(n + CommitLog.DELETED));
        }
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertEquals(secondBase, log.oldestOffset());
            assertEquals(newestBase, log.logEndOffset());
            assertEquals(written.subList((int) secondBase, (int) newestBase),
                    readAll(log, 0, 1000));
            log.append(List.of(record(1, null, "next")));
            assertEquals(newestBase, log.newestOffset());
        }
        assertTrue(names().stream().noneMatch(n -> n.endsWith(CommitLog.DELETED)));
        assertFalse(names().contains(oldest.replace(".log", ".index")), "orphan index removed");
    }

    @Test
    void opensAfterARollThatDiedBeforeTheNewSegmentGotItsIndexes() throws Exception {
        List<LogRecord> written = fill(50);
        long end;
        try (CommitLog log = CommitLog.open(dir, small())) {
            end = log.logEndOffset();
        }
        // Died in roll step 2: the new segment's .log exists, its indexes do not.
        Files.createFile(dir.resolve(Segment.fileName(end) + ".log"));
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertEquals(end, log.logEndOffset());
            assertEquals(written, readAll(log, 0, 1000));
            log.append(List.of(record(1, null, "next")));
            assertEquals(end, log.read(end, 100, end).firstOffset());
        }
    }

    @Test
    void backgroundTasksCleanCheckpointAndFsync() throws Exception {
        LogSettings s = small().withRetention(0, 50, 0).withCleanerIntervalMs(20)
                .withSync(SyncPolicy.interval(10));
        s = new LogSettings(s.segmentMaxBytes(), s.segmentMaxAgeMs(), s.retentionMaxBytes(),
                s.retentionMaxMessages(), s.retentionMaxAgeMs(), s.compact(),
                s.cleanerIntervalMs(), s.sync(), s.indexIntervalBytes(), 20);
        try (LogTasks tasks = new LogTasks()) {
            try (CommitLog log = CommitLog.open(dir, s, Clock.systemUTC(), tasks)) {
                for (int i = 0; i < 300; i++) {
                    log.append(List.of(record(i, null, "v" + i)));
                }
                log.setHighWatermark(123);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline && (log.oldestOffset() < 200
                        || !Files.exists(dir.resolve("high-watermark"))
                        || !Files.readString(dir.resolve("high-watermark")).trim()
                        .equals("123"))) {
                    // a 10 ms wait that nothing signals: the tasks act on their own schedule
                    assertFalse(log.awaitHighWatermarkAbove(1_000, 10));
                }
                assertTrue(log.oldestOffset() >= 200, "cleaner ran: oldest "
                        + log.oldestOffset());
                assertEquals("123", Files.readString(dir.resolve("high-watermark")).trim());
            }
        }
    }
}
