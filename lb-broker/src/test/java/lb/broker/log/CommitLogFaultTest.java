package lb.broker.log;

import static lb.broker.log.TestSupport.readAll;
import static lb.broker.log.TestSupport.record;
import static lb.broker.log.TestSupport.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Torn tails, damaged indexes and bit flips, each followed by a reopen. */
class CommitLogFaultTest {

    @TempDir
    Path dir;

    private List<LogRecord> fill(Path d, int n) throws IOException {
        List<LogRecord> written = new ArrayList<>();
        try (CommitLog log = CommitLog.open(d, small())) {
            for (int i = 0; i < n; i++) {
                LogRecord r = record(1000 + 10L * i, "k" + (i % 7), "value-" + i);
                log.append(List.of(r));
                written.add(r.withOffset(i));
            }
        }
        return written;
    }

    private static Path lastLog(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    private static List<Path> files(Path d, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void truncatesTornTailAtEveryByteBoundaryOfTheLastRecord() throws Exception {
        List<LogRecord> written = fill(dir, 30);
        Path logFile = lastLog(dir);
        Path indexFile = Path.of(logFile.toString().replace(".log", ".index"));
        Path timeFile = Path.of(logFile.toString().replace(".log", ".timeindex"));
        byte[] log = Files.readAllBytes(logFile);
        byte[] index = Files.readAllBytes(indexFile);
        byte[] time = Files.readAllBytes(timeFile);
        int lastSize = RecordCodec.sizeOf(written.get(29));
        int lastStart = log.length - lastSize;
        for (int cut = lastStart; cut < log.length; cut++) {
            Files.write(logFile, java.util.Arrays.copyOf(log, cut));
            Files.write(indexFile, index);
            Files.write(timeFile, time);
            try (CommitLog l = CommitLog.open(dir, small())) {
                assertEquals(29, l.logEndOffset(), "cut at " + cut);
                assertEquals(written.subList(0, 29), readAll(l, 0, 1000), "cut at " + cut);
                assertEquals(Files.size(logFile), lastStart, "torn bytes removed");
                l.append(List.of(record(5, null, "after")));
            }
            try (CommitLog l = CommitLog.open(dir, small())) {
                assertEquals(30, l.logEndOffset(), "cut at " + cut);
                assertEquals("after", new String(l.read(29, 100, 29).records().get(0).value()));
            }
        }
    }

    @Test
    void truncatesGarbageAfterTheLastGoodRecord() throws Exception {
        List<LogRecord> written = fill(dir, 30);
        Path logFile = lastLog(dir);
        byte[] junk = new byte[300];
        new Random(7).nextBytes(junk);
        Files.write(logFile, junk, java.nio.file.StandardOpenOption.APPEND);
        try (CommitLog l = CommitLog.open(dir, small())) {
            assertEquals(written, readAll(l, 0, 1000));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zeroed", "short", "missing", "time-zeroed", "time-short"})
    void rebuildsDamagedIndexesFromTheLog(String damage) throws Exception {
        List<LogRecord> written = fill(dir, 400);
        boolean timeOnly = damage.startsWith("time-");
        for (Path p : Stream.concat(timeOnly ? Stream.of() : files(dir, ".index").stream(),
                files(dir, ".timeindex").stream()).toList()) {
            long len = Files.size(p);
            switch (damage.replace("time-", "")) {
                case "zeroed" -> Files.write(p, new byte[(int) len]);
                case "short" -> {
                    try (var ch = java.nio.channels.FileChannel.open(p,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(len / 2 + 3); // half, and not a whole number of slots
                    }
                }
                default -> Files.delete(p);
            }
        }
        try (CommitLog l = CommitLog.open(dir, small())) {
            assertTrue(l.segmentList().size() > 3);
            assertEquals(written, readAll(l, 0, 700));
            Random rnd = new Random(3);
            for (int i = 0; i < 200; i++) {
                int off = rnd.nextInt(400);
                assertEquals(written.get(off), l.read(off, 1, Long.MAX_VALUE).records().get(0));
                assertEquals(off, l.offsetForTimestamp(1000 + 10L * off - rnd.nextInt(10)));
            }
            l.append(List.of(record(99_999, null, "more")));
        }
        try (CommitLog l = CommitLog.open(dir, small())) {
            assertEquals(401, readAll(l, 0, 700).size());
        }
    }

    @Test
    void reportsCorruptionInsideASealedSegmentWithFileAndPosition() throws Exception {
        List<LogRecord> written = fill(dir, 200);
        Path first = files(dir, ".log").get(0);
        byte[] bytes = Files.readAllBytes(first);
        int entry = 0;
        for (int i = 0; i < 3; i++) {
            entry += RecordCodec.sizeOf(written.get(i)); // start of the 4th record
        }
        bytes[entry + RecordCodec.FIXED + 6] ^= 0x10; // inside its key/value
        Files.write(first, bytes);
        try (CommitLog l = CommitLog.open(dir, small())) {
            Chunk prefix = l.read(0, 1 << 20, Long.MAX_VALUE);
            assertEquals(written.subList(0, 3), prefix.records(), "good prefix is served");
            LogCorruptionException e = assertThrows(LogCorruptionException.class,
                    () -> l.read(3, 1 << 20, Long.MAX_VALUE));
            assertEquals(first, e.file());
            assertEquals(entry, e.position());
            long nextBase = l.segmentList().get(1).base;
            assertEquals(written.get((int) nextBase),
                    l.read(nextBase, 100, Long.MAX_VALUE).records().get(0),
                    "the rest of the log stays readable");
        }
    }

    @Test
    void randomBitFlipsNeverServeWrongRecords() throws Exception {
        Path pristine = dir.resolve("pristine");
        List<LogRecord> written = fill(pristine, 300);
        Random rnd = new Random(11);
        for (int round = 0; round < 40; round++) {
            Path d = dir.resolve("round" + round);
            Files.createDirectories(d);
            List<Path> victims = new ArrayList<>();
            try (Stream<Path> s = Files.list(pristine)) {
                for (Path p : s.toList()) {
                    Files.copy(p, d.resolve(p.getFileName()));
                    String n = p.toString();
                    if (n.endsWith(".log") || n.endsWith("index")) {
                        victims.add(d.resolve(p.getFileName()));
                    }
                }
            }
            Path victim = victims.get(rnd.nextInt(victims.size()));
            byte[] b = Files.readAllBytes(victim);
            if (b.length == 0) {
                continue;
            }
            int at = rnd.nextInt(b.length);
            b[at] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(victim, b);
            String ctx = "round " + round + ": bit flip in " + victim.getFileName() + " at " + at;
            try (CommitLog l = CommitLog.open(d, small())) {
                int served = 0;
                long off = 0;
                while (off < l.logEndOffset()) {
                    try {
                        Chunk c = l.read(off, 1 + rnd.nextInt(2000), Long.MAX_VALUE);
                        if (c.isEmpty()) {
                            break;
                        }
                        for (LogRecord r : c.records()) {
                            assertEquals(written.get((int) r.offset()), r, ctx);
                            served++;
                        }
                        off = c.lastOffset() + 1;
                    } catch (LogCorruptionException e) {
                        assertTrue(e.getMessage().contains(e.file().getFileName().toString()));
                        off++; // refuse that entry, keep serving the rest
                    }
                }
                assertTrue(served >= 250, ctx + ": served only " + served);
            } catch (IOException e) {
                fail(ctx + ": open or read failed: " + e, e);
            }
        }
    }
}
