package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandLogTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> range(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add("c-" + i);
        }
        return l;
    }

    private List<Path> files(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** Proposes c-from..c-(to-1) and waits for all of them. */
    private static void proposeAll(LocalCommandLog log, int from, int to) throws Exception {
        List<CompletableFuture<Object>> fs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            fs.add(log.propose(b("c-" + i)));
        }
        for (CompletableFuture<Object> f : fs) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void proposalsCompleteWithTheApplyResultInOrder() throws Exception {
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(a);
            assertTrue(log.isLeader());
            assertEquals("n1", log.leaderId());
            List<CompletableFuture<Object>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(log.propose(b("c-" + i)));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("applied:" + (i + 1), fs.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(range(0, 100), a.commands);
        }
    }

    @Test
    void restartReappliesEveryEntry() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 50);
        }
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(a);
            assertEquals(range(0, 50), a.commands);
            assertEquals(50, a.indexes.get(49));
            assertEquals("applied:51", log.propose(b("c-50")).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void snapshotsCompactTheLogAndRestore() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 10)) {
            log.start(new ListApplier());
            for (int i = 0; i < 95; i++) {
                log.propose(b("c-" + i)).get(10, TimeUnit.SECONDS); // one per batch: snapshots at 10, 20, …, 90
            }
            assertEquals(1, files("snapshot-").size(), "older snapshots deleted");
            assertEquals("snapshot-00000000000000000090", files("snapshot-").get(0).getFileName().toString());
            assertEquals(List.of("log-00000000000000000091"),
                    files("log-").stream().map(p -> p.getFileName().toString()).toList(), "log compacted behind it");
        }
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 10)) {
            log.start(a);
            assertEquals(1, a.restores);
            assertEquals(range(0, 95), a.commands);
            assertEquals("applied:96", log.propose(b("c-95")).get(10, TimeUnit.SECONDS));
        }
    }

    /** A crash between writing a snapshot and deleting the segments it covers leaves them behind; even damaged, they are skipped. */
    @Test
    void leftoverSegmentsCoveredByTheSnapshotAreDropped() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 10);
        }
        byte[] oldSegment = Files.readAllBytes(files("log-").get(0));
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 5)) {
            log.start(new ListApplier());
            log.propose(b("c-10")).get(10, TimeUnit.SECONDS); // 11 entries ≥ 5: snapshot at 11, log-1 deleted
        }
        assertEquals(List.of("log-00000000000000000012"), files("log-").stream().map(p -> p.getFileName().toString()).toList());
        oldSegment[LocalCommandLog.ENTRY_HEADER] ^= 1; // and damaged
        Files.write(dir.resolve("log-00000000000000000001"), oldSegment);
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 5)) {
            log.start(a);
            assertEquals(range(0, 11), a.commands);
            assertEquals("applied:12", log.propose(b("c-11")).get(10, TimeUnit.SECONDS));
        }
        assertTrue(Files.notExists(dir.resolve("log-00000000000000000001")));
    }

    @Test
    void tornTailIsTruncatedOnOpen() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 20);
        }
        Path segment = files("log-").get(0);
        long size = Files.size(segment);
        int entry = LocalCommandLog.ENTRY_HEADER + "c-19".length();
        // A write torn in the middle of the last entry.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - entry / 2);
        }
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(a);
            assertEquals(range(0, 19), a.commands);
            assertEquals(size - entry, Files.size(segment), "truncated at the last whole entry");
            assertEquals("applied:20", log.propose(b("again")).get(10, TimeUnit.SECONDS));
        }
        ListApplier b = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(b);
            List<String> expected = new ArrayList<>(range(0, 19));
            expected.add("again");
            assertEquals(expected, b.commands);
        }
    }

    @Test
    void garbageAfterTheLastEntryIsTruncated() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 5);
        }
        Path segment = files("log-").get(0);
        long size = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 6, 'x', 'y', 'z', 'w'},
                StandardOpenOption.APPEND); // a whole entry with a wrong checksum
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(a);
            assertEquals(range(0, 5), a.commands);
            assertEquals(size, Files.size(segment));
        }
    }

    @Test
    void damageBeforeTheLastSegmentFailsTheStart() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 5);
        }
        Path first = files("log-").get(0);
        Files.writeString(dir.resolve("log-00000000000000000006"), ""); // a later (empty) segment
        byte[] data = Files.readAllBytes(first);
        data[LocalCommandLog.ENTRY_HEADER] ^= 0x55; // flip a payload byte of entry 1
        Files.write(first, data);
        LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000);
        IOException e = assertThrows(IOException.class, () -> log.start(new ListApplier()));
        assertTrue(e.getMessage().contains("is damaged at byte 0: checksum mismatch"), e.getMessage());
        log.close();
    }

    @Test
    void damagedSnapshotFailsTheStart() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 3)) {
            log.start(new ListApplier());
            for (int i = 0; i < 4; i++) {
                log.propose(b("c-" + i)).get(10, TimeUnit.SECONDS);
            }
        }
        Path snap = files("snapshot-").get(0);
        byte[] data = Files.readAllBytes(snap);
        data[data.length - 1] ^= 1;
        Files.write(snap, data);
        LocalCommandLog log = new LocalCommandLog(dir, "n1", 3);
        IOException e = assertThrows(IOException.class, () -> log.start(new ListApplier()));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        log.close();
    }

    @Test
    void leftoverTemporarySnapshotIsIgnored() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            proposeAll(log, 0, 3);
        }
        Files.write(dir.resolve("snapshot-00000000000000000003.tmp"), new byte[] {1, 2, 3});
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(a);
            assertEquals(range(0, 3), a.commands);
            assertEquals(0, a.restores);
        }
        assertTrue(files("snapshot-").isEmpty());
    }

    /** After a failed fsync nothing more is appended or acknowledged; a restart recovers what was durable. */
    @Test
    void failedFsyncStopsTheLogForGood() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean failFsync = new java.util.concurrent.atomic.AtomicBoolean();
        LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000, f -> new FaultyChannel(
                FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), failFsync));
        ListApplier a = new ListApplier();
        log.start(a);
        proposeAll(log, 0, 3);
        failFsync.set(true);
        ExecutionException e = assertThrows(ExecutionException.class, () -> log.propose(b("c-3")).get(10, TimeUnit.SECONDS));
        assertEquals("injected fsync failure (EIO)", e.getCause().getMessage());
        assertEquals(range(0, 3), a.commands, "a command whose fsync failed is not applied");
        failFsync.set(false);
        ExecutionException later = assertThrows(ExecutionException.class, () -> log.propose(b("c-4")).get(10, TimeUnit.SECONDS));
        assertTrue(later.getCause().getMessage().startsWith("metadata log failed: injected fsync failure"),
                later.getCause().getMessage());
        assertEquals(range(0, 3), a.commands);
        log.close();
        ListApplier after = new ListApplier();
        try (LocalCommandLog reopened = new LocalCommandLog(dir, "n1", 1000)) {
            reopened.start(after);
            // c-3 was written before its fsync failed, so it may or may not be there; c-4 never was.
            assertTrue(after.commands.equals(range(0, 3)) || after.commands.equals(range(0, 4)), after.commands.toString());
        }
    }

    /** close() while proposals pour in: every future completes (applied, or failed "closed"), and the applied ones survive. */
    @Test
    void closeUnderLoadCompletesEveryProposal() throws Exception {
        LocalCommandLog log = new LocalCommandLog(dir, "n1", 100);
        log.start(new ListApplier());
        List<CompletableFuture<Object>> fs = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread proposer = new Thread(() -> {
            for (int i = 0; i < 5_000; i++) {
                fs.add(log.propose(b("c-" + i)));
            }
        }, "test-proposer");
        proposer.start();
        while (fs.size() < 500) {
            Thread.onSpinWait();
        }
        log.close();
        proposer.join(30_000);
        int applied = 0;
        boolean failedSeen = false;
        synchronized (fs) {
            for (CompletableFuture<Object> f : fs) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    assertTrue(!failedSeen, "a proposal succeeded after an earlier one failed");
                    applied++;
                } catch (ExecutionException e) {
                    failedSeen = true;
                    assertEquals("metadata log closed", e.getCause().getMessage());
                }
            }
        }
        ListApplier a = new ListApplier();
        try (LocalCommandLog reopened = new LocalCommandLog(dir, "n1", 100)) {
            reopened.start(a);
        }
        assertEquals(range(0, applied), a.commands, "exactly the completed proposals are in the log");
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() throws Exception {
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000)) {
            log.start(new ListApplier());
            LocalCommandLog other = new LocalCommandLog(dir, "n1", 1000);
            IOException e = assertThrows(IOException.class, () -> other.start(new ListApplier()));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void proposalsFailAfterCloseAndBeforeStart() throws Exception {
        LocalCommandLog log = new LocalCommandLog(dir, "n1", 1000);
        ExecutionException before = assertThrows(ExecutionException.class, () -> log.propose(b("x")).get());
        assertEquals("metadata log not started", before.getCause().getMessage());
        log.start(new ListApplier());
        log.close();
        ExecutionException after = assertThrows(ExecutionException.class, () -> log.propose(b("x")).get());
        assertInstanceOf(IllegalStateException.class, after.getCause());
        assertEquals("metadata log closed", after.getCause().getMessage());
        log.close(); // idempotent
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")"; // only used to enrich a failure message
        }
    }

    /** Snapshot thresholds of the kill rounds: 1 snapshots after every batch, so kills often land inside one. */
    private static final int[] THRESHOLDS = {50, 1, 7};

    /**
     * Kills (SIGKILL) a child JVM while it proposes with up to 64 proposals in flight and
     * snapshots every {@link #THRESHOLDS} entries, three times in a row on the same directory. After each kill,
     * the recovered log must hold every proposal the child saw complete, in order, as a
     * contiguous prefix of what it proposed.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void everyCompletedProposalSurvivesKill9() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int next = 0;
        for (int round = 0; round < THRESHOLDS.length; round++) {
            Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    LocalCommandLogChild.class.getName(), dir.toString(), Integer.toString(next),
                    Integer.toString(THRESHOLDS[round]))
                    .redirectError(dir.resolve("child-stderr.txt").toFile()).start();
            int lastAck = -1;
            int acks = 0;
            int target = 300 + 150 * round;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        int n = Integer.parseInt(line.substring(4));
                        assertEquals(lastAck < 0 ? next : lastAck + 1, n, "acks arrive in proposal order");
                        lastAck = n;
                        if (++acks == target) {
                            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close()
                            break;
                        }
                    } else if (!line.startsWith("READY")) {
                        child.destroyForcibly();
                        fail("child: " + line);
                    }
                }
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            }
            assertEquals(target, acks, () -> "child ended early; its stderr: " + readQuietly(dir.resolve("child-stderr.txt")));

            ListApplier a = new ListApplier();
            try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 50)) {
                log.start(a);
            }
            int recovered = a.commands.size();
            assertTrue(recovered >= lastAck + 1, "lost completed proposals: recovered " + recovered
                    + ", last completed c-" + lastAck);
            assertEquals(range(0, recovered), a.commands, "recovered log is a contiguous prefix");
            for (int i = 0; i < recovered; i++) {
                assertEquals(i + 1, a.indexes.get(i), "indexes are contiguous from 1");
            }
            next = recovered;
        }
    }
}
