package lb.broker.log;

import static lb.broker.log.TestSupport.randomRecord;
import static lb.broker.log.TestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.LongStream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random appends, reads by offset and time, reverse reads, truncations, rolls (size and age),
 * retention, compaction and reopen, each checked against a {@link TreeMap} of what the log must
 * hold. A failure names its seed; replay it with {@code -Dlb.log.model.seeds=<seed>..<seed>}.
 * The suite runs 8 seeds; {@code -Dlb.log.model.seeds=1..200} runs more.
 */
class CommitLogModelTest {

    static LongStream seeds() {
        String[] range = System.getProperty("lb.log.model.seeds", "1..8").split("\\.\\.");
        return LongStream.rangeClosed(Long.parseLong(range[0]), Long.parseLong(range[1]));
    }

    @TempDir
    Path dir;


    @ParameterizedTest
    @MethodSource("seeds")
    void behavesLikeTheModel(long seed) throws Exception {
        Random rnd = new Random(seed);
        TestSupport.TestClock clock = new TestSupport.TestClock();
        LogSettings settings = TestSupport.small()
                .withSegmentMaxBytes(1024 + rnd.nextInt(4096))
                .withIndexIntervalBytes(64 + rnd.nextInt(512))
                .withSegmentMaxAgeMs(rnd.nextBoolean() ? 0 : 10_000);
        TreeMap<Long, LogRecord> model = new TreeMap<>();
        TreeMap<Long, Long> epochs = new TreeMap<>(); // epoch -> start offset (KIP-101 model)
        long logEnd = 0;
        long ts = 1_000;
        CommitLog log = CommitLog.open(dir, settings, clock, null);
        try {
            for (int step = 0; step < 400; step++) {
                String ctx = "seed " + seed + " step " + step;
                int op = rnd.nextInt(100);
                if (op < 45) {
                    int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 30);
                    List<LogRecord> batch = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        ts += rnd.nextInt(5) - 1; // mostly rising, sometimes equal or back
                        batch.add(randomRecord(rnd, ts, 1 + step / 100));
                    }
                    AppendResult r = log.append(batch);
                    assertEquals(logEnd, r.firstOffset(), ctx);
                    long epoch = batch.get(0).leaderEpoch();
                    if (epochs.isEmpty() || epoch > epochs.lastKey()) {
                        epochs.put(epoch, logEnd);
                    }
                    for (int i = 0; i < n; i++) {
                        model.put(logEnd + i, batch.get(i).withOffset(logEnd + i));
                    }
                    logEnd += n;
                    clock.advance(rnd.nextInt(500));
                } else if (op < 60) {
                    long from = model.isEmpty() ? 0 : rnd.nextLong(model.firstKey() - 2,
                            logEnd + 2);
                    long max = rnd.nextBoolean() ? Long.MAX_VALUE : from + rnd.nextInt(50);
                    Chunk c = log.read(from, 1 + rnd.nextInt(3000), max);
                    List<LogRecord> expect = new ArrayList<>(
                            model.subMap(Math.max(from, 0), true, max, true).values());
                    assertEquals(expect.isEmpty(), c.isEmpty(), ctx);
                    List<LogRecord> got = c.records();
                    assertEquals(expect.subList(0, got.size()), got, ctx);
                } else if (op < 67) {
                    long t = ts - rnd.nextInt(300) + 5;
                    long expect = logEnd;
                    for (LogRecord r : model.values()) {
                        if (r.timestampNs() >= t) {
                            expect = r.offset();
                            break;
                        }
                    }
                    assertEquals(expect, log.offsetForTimestamp(t), ctx + " ts " + t);
                } else if (op < 72) {
                    long from = rnd.nextLong(-1, logEnd + 3);
                    List<LogRecord> got = log.readBackward(from, 1 + rnd.nextInt(2000));
                    List<LogRecord> expect = new ArrayList<>(
                            model.headMap(from, true).descendingMap().values());
                    assertEquals(expect.isEmpty(), got.isEmpty(), ctx);
                    assertEquals(expect.subList(0, got.size()), got, ctx);
                } else if (op < 77 && logEnd > 0) {
                    long floor = Math.max(model.isEmpty() ? 0 : model.firstKey(),
                            logEnd - 60);
                    long t = rnd.nextLong(Math.max(0, floor), logEnd + 1);
                    log.truncateTo(t);
                    model.tailMap(t, true).clear();
                    epochs.values().removeIf(start -> start >= t);
                    logEnd = Math.min(logEnd, t);
                    assertEquals(logEnd, log.logEndOffset(), ctx);
                } else if (op < 82) {
                    log.setHighWatermark(rnd.nextLong(-1, logEnd + 1));
                } else if (op < 88) {
                    clock.advance(rnd.nextInt(20_000));
                    long hw = log.highWatermark();
                    long activeBase = log.activeSegment().base;
                    boolean compact = rnd.nextBoolean();
                    log.close();
                    LogSettings s = settings.withCompact(compact)
                            .withRetention(0, rnd.nextInt(4) == 0 ? 200 : 0, 0);
                    log = CommitLog.open(dir, s, clock, null);
                    log.clean(clock.millis());
                    if (log.activeSegment().base == activeBase) { // not rolled by age
                        if (compact) {
                            applyCompaction(model, hw, activeBase);
                        }
                    }
                    long oldest = log.segmentList().get(0).base;
                    model.headMap(oldest, false).clear();
                    while (epochs.size() > 1 && epochs.higherEntry(epochs.firstKey()).getValue()
                            <= oldest) {
                        epochs.pollFirstEntry();
                    }
                    if (!epochs.isEmpty() && epochs.firstEntry().getValue() < oldest) {
                        epochs.put(epochs.firstKey(), oldest);
                    }
                    log.close();
                    log = CommitLog.open(dir, settings, clock, null);
                } else {
                    log.close();
                    log = CommitLog.open(dir, settings, clock, null);
                }
                assertEquals(logEnd, log.logEndOffset(), ctx);
                assertEquals(epochs, log.epochs(), ctx + ": epoch cache");
                if (!epochs.isEmpty()) {
                    long e = epochs.lastKey();
                    assertEquals(new EpochEndOffset(e, logEnd), log.endOffsetForEpoch(e + 1), ctx);
                }
                if (step % 25 == 0 || op >= 82) {
                    assertSame(model, readAll(log, 0, 1500), ctx + " op " + op);
                }
            }
            assertSame(model, readAll(log, 0, 4000), "seed " + seed + " at the end");
        } finally {
            log.close();
        }
    }

    private static void assertSame(TreeMap<Long, LogRecord> model, List<LogRecord> got,
                                   String ctx) {
        List<LogRecord> expect = new ArrayList<>(model.values());
        for (int i = 0; i < Math.min(expect.size(), got.size()); i++) {
            assertEquals(expect.get(i), got.get(i), ctx + ": record #" + i);
        }
        assertEquals(expect.size(), got.size(), ctx + ": record count");
    }

    /** The model of compaction: behavior.md §7.3 over the sealed segments. */
    private static void applyCompaction(NavigableMap<Long, LogRecord> model, long hw,
                                        long activeBase) {
        Map<ByteBuffer, Long> newest = new HashMap<>();
        for (LogRecord r : model.headMap(hw, true).values()) {
            if (r.key() != null) {
                newest.put(ByteBuffer.wrap(r.key()), r.offset());
            }
        }
        model.values().removeIf(r -> r.offset() < activeBase && r.offset() < hw
                && r.key() != null && newest.get(ByteBuffer.wrap(r.key())) != r.offset());
        assertTrue(hw >= -1);
    }
}
