package lb.broker.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RaftStorage} over real files: reload, torn tails, checksums, snapshots. */
class RaftStorageTest {
    @TempDir
    Path dir;

    private static List<LogEntry> entries(long from, long to, long term) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i <= to; i++) l.add(new LogEntry(i, term, LogEntry.COMMAND, ("cmd" + i).getBytes(StandardCharsets.UTF_8)));
        return l;
    }

    private RaftStorage open() throws IOException {
        RaftStorage s = new RaftStorage(new FileDisk(dir));
        s.open();
        return s;
    }

    private void flipByte(String file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(file).toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x10);
        }
    }

    @Test
    void reloadsTermVoteAndSyncedLog() throws IOException {
        RaftStorage s = open();
        s.setHardState(7, "b", false);
        s.append(entries(1, 10, 7));
        s.sync();
        RaftStorage r = open();
        assertEquals(7, r.term());
        assertEquals("b", r.votedFor());
        assertEquals(10, r.lastIndex());
        assertEquals(entries(1, 10, 7), r.entries(1, 100));
        assertNull(r.corruption());
        assertFalse(r.recovering());
    }

    @Test
    void truncatesAndAppendsAfterAConflict() throws IOException {
        RaftStorage s = open();
        s.append(entries(1, 10, 1));
        s.truncateFrom(6);
        s.append(entries(6, 8, 2));
        s.sync();
        RaftStorage r = open();
        assertEquals(8, r.lastIndex());
        assertEquals(1, r.term(5));
        assertEquals(2, r.term(6));
        assertThrows(IllegalStateException.class, () -> r.append(entries(10, 10, 2)), "append with a gap");
    }

    @Test
    void dropsATornTailSilently() throws IOException {
        RaftStorage s = open();
        s.append(entries(1, 3, 1));
        s.sync();
        long size = Files.size(dir.resolve("log"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("log").toFile(), "rw")) {
            f.setLength(size - 5); // the last record was cut by a power failure before its fsync finished
        }
        RaftStorage r = open();
        assertEquals(2, r.lastIndex());
        assertFalse(r.recovering(), "a torn unsynced tail was never acknowledged");
        assertNull(r.corruption());
        r.append(entries(3, 4, 1));
        r.sync();
        assertEquals(4, open().lastIndex());
    }

    @Test
    void bitFlipInTheLogKeepsTheGoodPrefixAndMarksTheServerRecovering() throws IOException {
        RaftStorage s = open();
        s.setHardState(3, "a", false);
        s.append(entries(1, 10, 3));
        s.sync();
        long recordSize = Files.size(dir.resolve("log")) / 10;
        flipByte("log", recordSize * 6 + recordSize / 2); // inside entry 7
        RaftStorage r = open();
        assertEquals(6, r.lastIndex());
        assertTrue(r.recovering());
        assertEquals(4, r.term(), "moves to a new term so that stale leader messages are refused");
        assertNull(r.votedFor());
        assertNotNull(r.corruption());
        assertTrue(r.corruption().contains("checksum"), r.corruption());
        RaftStorage again = open(); // the repair is durable and idempotent
        assertEquals(6, again.lastIndex());
        assertTrue(again.recovering());
        assertEquals(4, again.term());
    }

    @Test
    void refusesToStartWithACorruptTermAndVote() throws IOException {
        RaftStorage s = open();
        s.setHardState(5, "c", false);
        flipByte("state", 10);
        CorruptStateException e = assertThrows(CorruptStateException.class, this::open);
        assertTrue(e.getMessage().contains("failed its checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("join"), e.getMessage());
    }

    @Test
    void snapshotCompactsTheLogAndSurvivesReopen() throws IOException {
        RaftStorage s = open();
        s.append(entries(1, 20, 2));
        s.sync();
        Membership m = Membership.bootstrap(List.of("a", "b", "c"), 0);
        s.saveSnapshot(15, 2, m, "state@15".getBytes(StandardCharsets.UTF_8));
        assertEquals(16, s.firstIndex());
        RaftStorage r = open();
        assertEquals(15, r.snapshotIndex());
        assertEquals(2, r.snapshotTerm());
        assertEquals(m, r.snapshotMembership());
        assertEquals("state@15", new String(r.snapshotData(), StandardCharsets.UTF_8));
        assertEquals(20, r.lastIndex());
        assertEquals(entries(16, 20, 2), r.entries(16, 100));
    }

    @Test
    void corruptSnapshotDropsSnapshotAndLogAndMarksRecovering() throws IOException {
        RaftStorage s = open();
        s.append(entries(1, 20, 2));
        s.sync();
        s.saveSnapshot(15, 2, Membership.bootstrap(List.of("a"), 0), new byte[100]);
        flipByte("snapshot", 40);
        RaftStorage r = open();
        assertEquals(0, r.snapshotIndex());
        assertEquals(0, r.lastIndex());
        assertTrue(r.recovering());
        assertTrue(r.corruption().contains("snapshot"), r.corruption());
    }

    @Test
    void randomBitFlipsNeverYieldAnEntryThatWasNotWritten() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            Path d = dir.resolve("r" + round);
            RaftStorage s = new RaftStorage(new FileDisk(d));
            s.open();
            List<LogEntry> written = entries(1, 30, 1);
            s.append(written);
            s.sync();
            long size = Files.size(d.resolve("log"));
            try (RandomAccessFile f = new RandomAccessFile(d.resolve("log").toFile(), "rw")) {
                long pos = random.nextLong(size);
                f.seek(pos);
                int b = f.read();
                f.seek(pos);
                f.write(b ^ (1 << random.nextInt(8)));
            }
            RaftStorage r = new RaftStorage(new FileDisk(d));
            r.open();
            assertTrue(r.lastIndex() < 30, "a flipped bit must be detected (round " + round + ")");
            assertTrue(r.recovering());
            assertEquals(written.subList(0, (int) r.lastIndex()), r.entries(1, 100));
        }
    }
}
