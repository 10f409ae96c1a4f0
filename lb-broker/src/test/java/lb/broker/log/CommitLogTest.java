package lb.broker.log;

import static lb.broker.log.TestSupport.readAll;
import static lb.broker.log.TestSupport.record;
import static lb.broker.log.TestSupport.small;
import static lb.broker.log.TestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitLogTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEveryFieldAndKeepsNullDistinctFromEmpty() throws Exception {
        LogRecord full = new LogRecord(LogRecord.UNASSIGNED, 123456789L, 7, new byte[0], null,
                Map.of("subject", utf8("a.b"), "reply", new byte[0], "x", utf8("y")),
                "a.b", "_INBOX.r", "_INBOX.ack", "corr-1", 2);
        LogRecord nullKey = record(5, null, "");
        try (CommitLog log = CommitLog.open(dir, LogSettings.defaults())) {
            AppendResult r = log.append(List.of(full, nullKey));
            assertEquals(new AppendResult(0, 1, 2), r);
            List<LogRecord> got = log.read(0, 1 << 20, Long.MAX_VALUE).records();
            assertEquals(List.of(full.withOffset(0), nullKey.withOffset(1)), got);
            assertArrayEquals(new byte[0], got.get(0).key());
            assertNull(got.get(0).value());
            assertNull(got.get(1).key());
            assertEquals(0, got.get(1).value().length);
        }
    }

    /** The in-place cursor sees exactly what the copying decoder sees, field by field. */
    @Test
    void chunkCursorDecodesInPlaceWhatRecordsDecode() throws Exception {
        java.util.Random rnd = new java.util.Random(42);
        try (CommitLog log = CommitLog.open(dir, LogSettings.defaults())) {
            List<LogRecord> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                batch.add(TestSupport.randomRecord(rnd, 1000 + i, 3));
            }
            batch.add(new LogRecord(LogRecord.UNASSIGNED, 5, 3, null, null, Map.of("ü", utf8("ß")),
                    "sübject", "", "", "", 0));
            log.append(batch);
            Chunk chunk = log.read(0, 1 << 22, Long.MAX_VALUE);
            List<LogRecord> want = chunk.records();
            assertEquals(batch.size(), want.size());
            Chunk.Cursor c = chunk.cursor();
            for (LogRecord r : want) {
                assertTrue(c.next());
                byte[] a = c.array();
                assertEquals(r.offset(), c.offset());
                assertEquals(r.timestampNs(), c.timestampNs());
                assertEquals(r.ackPolicy(), c.ackPolicy());
                assertArrayEquals(r.key(), field(a, c, Chunk.Cursor.Field.KEY));
                assertArrayEquals(r.value(), field(a, c, Chunk.Cursor.Field.VALUE));
                assertEquals(r.subject(), text(a, c, Chunk.Cursor.Field.SUBJECT));
                assertEquals(r.replySubject(), text(a, c, Chunk.Cursor.Field.REPLY));
                assertEquals(r.ackInbox(), text(a, c, Chunk.Cursor.Field.ACK_INBOX));
                assertEquals(r.correlationId(), text(a, c, Chunk.Cursor.Field.CORRELATION_ID));
                assertEquals(r.headers().size(), c.headerCount());
                for (int i = 0; i < c.headerCount(); i++) {
                    String name = new String(a, c.headerNamePosition(i), c.headerNameLength(i),
                            java.nio.charset.StandardCharsets.UTF_8);
                    assertArrayEquals(r.headers().get(name), java.util.Arrays.copyOfRange(a,
                            c.headerValuePosition(i), c.headerValuePosition(i) + c.headerValueLength(i)), name);
                }
            }
            assertFalse(c.next());
        }
    }

    private static byte[] field(byte[] a, Chunk.Cursor c, Chunk.Cursor.Field f) {
        return c.length(f) < 0 ? null : java.util.Arrays.copyOfRange(a, c.position(f), c.position(f) + c.length(f));
    }

    private static String text(byte[] a, Chunk.Cursor c, Chunk.Cursor.Field f) {
        return new String(a, c.position(f), c.length(f), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void readsFromOffsetsAndTimestampsAcrossSegments() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small())) {
            List<LogRecord> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(record(1000 + 10L * i, "k" + i, "value-" + i));
                if (batch.size() == 7) {
                    log.append(batch);
                    batch.clear();
                }
            }
            log.append(batch);
            assertTrue(log.segmentCount() > 5, "small segments roll: " + log.segmentCount());
            assertEquals(499, log.newestOffset());
            assertEquals(0, log.oldestOffset());
            for (long off : new long[] {0, 1, 77, 250, 498, 499}) {
                Chunk c = log.read(off, 300, Long.MAX_VALUE);
                assertEquals(off, c.firstOffset());
                assertEquals("value-" + off, new String(c.records().get(0).value()));
            }
            assertTrue(log.read(500, 300, Long.MAX_VALUE).isEmpty());
            assertEquals(0, log.offsetForTimestamp(0));
            assertEquals(0, log.offsetForTimestamp(1000));
            assertEquals(1, log.offsetForTimestamp(1001));
            assertEquals(333, log.offsetForTimestamp(1000 + 3330));
            assertEquals(334, log.offsetForTimestamp(1000 + 3331));
            assertEquals(500, log.offsetForTimestamp(1_000_000));
            Chunk upTo = log.read(10, 1 << 20, 12);
            assertEquals(12, upTo.lastOffset());
            assertEquals(500, readAll(log, 0, 1000).size());
        }
    }

    @Test
    void readsBackwardNewestFirstThroughEverySegment() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small())) {
            for (int i = 0; i < 300; i++) {
                log.append(List.of(record(i, null, "v" + i)));
            }
            List<Long> seen = new ArrayList<>();
            long from = Long.MAX_VALUE;
            while (true) {
                List<LogRecord> recs = log.readBackward(from, 500);
                if (recs.isEmpty()) {
                    break;
                }
                for (LogRecord r : recs) {
                    seen.add(r.offset());
                }
                from = recs.get(recs.size() - 1).offset() - 1;
            }
            assertEquals(300, seen.size());
            for (int i = 0; i < 300; i++) {
                assertEquals(299 - i, seen.get(i));
            }
            assertEquals(150, log.readBackward(150, 1).get(0).offset());
        }
    }

    @Test
    void restoresHighWatermarkAndEpochsOnReopen() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small())) {
            log.assignLeaderEpoch(3);
            for (int i = 0; i < 10; i++) {
                log.append(List.of(record(i, null, "v")));
            }
            log.append(List.of(LogRecord.of(50, 5, null, utf8("v"), Map.of(), "s", "")));
            log.setHighWatermark(8);
            assertEquals(Map.of(3L, 0L, 5L, 10L), log.epochs());
        }
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertEquals(8, log.highWatermark());
            assertEquals(11, log.logEndOffset());
            assertEquals(new EpochEndOffset(3, 10), log.endOffsetForEpoch(3));
            assertEquals(new EpochEndOffset(3, 10), log.endOffsetForEpoch(4));
            assertEquals(new EpochEndOffset(5, 11), log.endOffsetForEpoch(5));
            assertEquals(new EpochEndOffset(-1, -1), log.endOffsetForEpoch(2));
            log.setHighWatermark(100);
            assertEquals(10, log.highWatermark(), "HW is clamped to the newest offset");
            log.truncateTo(10);
            assertEquals(Map.of(3L, 0L), log.epochs());
            assertEquals(9, log.highWatermark());
            assertEquals(new EpochEndOffset(3, 10), log.endOffsetForEpoch(5));
        }
    }

    @Test
    void followerAppendsLeaderBytesAsTheyAre() throws Exception {
        try (CommitLog leader = CommitLog.open(dir.resolve("leader"), small());
             CommitLog follower = CommitLog.open(dir.resolve("follower"), small())) {
            leader.assignLeaderEpoch(1);
            for (int i = 0; i < 100; i++) {
                leader.append(List.of(record(i, "k" + (i % 5), "v" + i)));
            }
            long next = 0;
            while (next < leader.logEndOffset()) {
                Chunk c = leader.read(next, 700, Long.MAX_VALUE);
                AppendResult r = follower.appendReplicated(c.bytes());
                assertEquals(c.firstOffset(), r.firstOffset());
                next = c.lastOffset() + 1;
            }
            assertEquals(readAll(leader, 0, 1 << 20), readAll(follower, 0, 1 << 20));
            assertEquals(leader.epochs(), follower.epochs());
            Chunk again = leader.read(50, 700, Long.MAX_VALUE);
            assertThrows(IllegalArgumentException.class,
                    () -> follower.appendReplicated(again.bytes()));
            java.nio.ByteBuffer torn = leader.read(0, 700, Long.MAX_VALUE).bytes();
            torn.limit(torn.limit() - 1);
            follower.truncateTo(0);
            assertThrows(IllegalArgumentException.class, () -> follower.appendReplicated(torn));
            assertEquals(0, follower.logEndOffset());
        }
    }

    @Test
    void readersWaitForAppendsAndHighWatermarkWithoutPolling() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertFalse(log.awaitNewerThan(-1, 10));
            CountDownLatch waiting = new CountDownLatch(2);
            CompletableFuture<Boolean> appended = CompletableFuture.supplyAsync(() -> {
                waiting.countDown();
                try {
                    return log.awaitNewerThan(-1, 30_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            CompletableFuture<Boolean> committed = CompletableFuture.supplyAsync(() -> {
                waiting.countDown();
                try {
                    return log.awaitHighWatermarkAbove(-1, 30_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            waiting.await();
            log.append(List.of(record(1, null, "v")));
            assertTrue(appended.get(30, TimeUnit.SECONDS));
            assertFalse(committed.isDone() && committed.get());
            log.setHighWatermark(0);
            assertTrue(committed.get(30, TimeUnit.SECONDS));
            assertEquals(1, log.readCommitted(0, 100).count());
        }
    }

    @Test
    void retentionDropsWholeOldSegmentsNeverTheActiveOne() throws Exception {
        TestSupport.TestClock clock = new TestSupport.TestClock();
        LogSettings s = small().withRetention(0, 100, 0);
        try (CommitLog log = CommitLog.open(dir, s, clock, null)) {
            for (int i = 0; i < 400; i++) {
                log.append(List.of(record(i, null, "v" + i)));
            }
            int before = log.segmentCount();
            log.clean(clock.millis());
            assertTrue(log.segmentCount() < before);
            long kept = log.logEndOffset() - log.oldestOffset();
            assertTrue(kept <= 100 || log.segmentCount() == 1, "kept " + kept);
            assertEquals(log.oldestOffset(), log.read(0, 100, Long.MAX_VALUE).firstOffset());
            assertEquals(399, log.newestOffset());
        }
        LogSettings age = small().withRetention(0, 0, 1000);
        try (CommitLog log = CommitLog.open(dir, age, clock, null)) {
            clock.advance(5000);
            log.append(List.of(record(1, null, "new")));
            log.clean(clock.millis());
            assertEquals(1, log.segmentCount(), "only the active segment survives by age");
            log.clean(clock.millis());
            assertEquals(400, log.newestOffset());
        }
        LogSettings bytes = small().withRetention(5000, 0, 0);
        try (CommitLog log = CommitLog.open(dir, bytes, clock, null)) {
            for (int i = 0; i < 400; i++) {
                log.append(List.of(record(i, null, "v" + i)));
            }
            log.clean(clock.millis());
            long total = 0;
            for (Segment seg : log.segmentList()) {
                total += seg.sizeOnDisk();
            }
            assertTrue(total <= 5000 || log.segmentCount() == 1, "bytes " + total);
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(CommitLog.DELETED)));
            }
        }
    }

    @Test
    void compactionKeepsNewestPerKeyAndKeylessRecordsWithOffsets() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small().withCompact(true))) {
            for (int i = 0; i < 300; i++) {
                log.append(List.of(record(i, i % 3 == 0 ? null : "k" + (i % 4), "v" + i)));
            }
            log.setHighWatermark(log.newestOffset());
            long activeBase = log.activeSegment().base;
            log.clean(0);
            List<LogRecord> after = readAll(log, 0, 1 << 20);
            for (LogRecord r : after) {
                if (r.offset() < activeBase && r.key() != null) {
                    long newest = -1;
                    for (LogRecord o : after) {
                        if (o.key() != null && java.util.Arrays.equals(o.key(), r.key())) {
                            newest = Math.max(newest, o.offset());
                        }
                    }
                    assertEquals(newest, r.offset(), "older duplicate of a key kept");
                }
                assertEquals("v" + r.offset(), new String(r.value()));
            }
            long keyless = after.stream().filter(r -> r.key() == null).count();
            assertEquals(100, keyless);
            assertTrue(after.size() < 300);
        }
        try (CommitLog log = CommitLog.open(dir, small())) {
            assertEquals(299, log.newestOffset());
        }
    }

    @Test
    void rejectsMisuse() throws Exception {
        CommitLog log = CommitLog.open(dir, small());
        assertThrows(IllegalArgumentException.class, () -> log.append(List.of()));
        assertThrows(IllegalArgumentException.class, () -> log.setHighWatermark(-2));
        assertThrows(IllegalArgumentException.class, () -> log.truncateTo(-1));
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.parse("sometimes"));
        assertEquals(SyncPolicy.interval(50), SyncPolicy.parse("interval:50"));
        log.close();
        assertThrows(java.io.IOException.class, () -> log.append(List.of(record(1, null, "v"))));
    }

    @Test
    void groupCommitAcknowledgesConcurrentAppendersUnderSyncAlways() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small().withSync(SyncPolicy.ALWAYS)
                .withSegmentMaxBytes(64 * 1024))) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            log.append(List.of(record(i, null, "v")));
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(800, log.logEndOffset());
            assertEquals(800, readAll(log, 0, 1 << 20).size());
        }
    }

    @Test
    void readersSeeAConsistentLogWhileCompactionAndRetentionRun() throws Exception {
        try (CommitLog log = CommitLog.open(dir, small().withCompact(true))) {
            List<LogRecord> original = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                LogRecord r = record(i, i % 2 == 0 ? null : "k" + (i % 10), "v" + i);
                log.append(List.of(r));
                original.add(r.withOffset(i));
            }
            log.setHighWatermark(log.newestOffset());
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stop =
                    new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger passes =
                    new java.util.concurrent.atomic.AtomicInteger();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get() || passes.get() < 3) {
                        long prev = -1;
                        for (LogRecord r : readAll(log, 0, 900)) {
                            assertTrue(r.offset() > prev, "offsets increase");
                            assertEquals(original.get((int) r.offset()), r);
                            prev = r.offset();
                        }
                        assertEquals(1999, prev, "the newest record is always there");
                        passes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            for (int round = 0; round < 3; round++) {
                log.clean(0);
            }
            stop.set(true);
            reader.join();
            if (failure.get() != null) {
                throw new AssertionError("reader saw an inconsistent log", failure.get());
            }
            List<LogRecord> after = readAll(log, 0, 1 << 20);
            long activeBase = log.activeSegment().base;
            assertEquals(1000, after.stream().filter(r -> r.key() == null).count());
            assertTrue(after.stream().filter(r -> r.key() != null && r.offset() < activeBase)
                    .count() <= 10, "at most the newest record per key in sealed segments");
        }
    }
}
