package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random torn writes and bit flips in the log tail, checked against a model of the file: the
 * recovered log must be exactly the entries that lie wholly before the damage, the file must be
 * cut right after them, and the next proposal must get the next index. A failure prints its seed.
 */
class LocalCommandLogDamageTest {
    @TempDir
    Path root;

    @Test
    void recoversTheIntactPrefixAfterRandomDamage() throws Exception {
        long base = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            long seed = base + i;
            try {
                run(seed, root.resolve("run-" + i));
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void run(long seed, Path dir) throws Exception {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(40);
        List<String> written = new ArrayList<>();
        List<Long> ends = new ArrayList<>(); // byte offset just after each entry
        long offset = 0;
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1_000_000)) {
            log.start(new ListApplier());
            List<CompletableFuture<Object>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String c = "c" + i + "-" + "x".repeat(rnd.nextInt(200));
                written.add(c);
                offset += LocalCommandLog.ENTRY_HEADER + c.getBytes(StandardCharsets.UTF_8).length;
                ends.add(offset);
                fs.add(log.propose(c.getBytes(StandardCharsets.UTF_8)));
            }
            for (CompletableFuture<Object> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        Path segment = dir.resolve("log-00000000000000000001");
        assertEquals(offset, Files.size(segment));
        long damageAt;
        if (rnd.nextBoolean()) {
            damageAt = (long) (rnd.nextDouble() * (offset + 1)); // torn write: cut anywhere, even at the end
            try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                ch.truncate(damageAt);
            }
        } else {
            damageAt = (long) (rnd.nextDouble() * offset); // one flipped bit inside some entry
            byte[] data = Files.readAllBytes(segment);
            data[(int) damageAt] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(segment, data);
        }
        int intact = 0;
        while (intact < n && ends.get(intact) <= damageAt) {
            intact++;
        }
        // Entries ending at or before the damaged byte (or the cut) survive; the rest go.
        ListApplier a = new ListApplier();
        try (LocalCommandLog log = new LocalCommandLog(dir, "n1", 1_000_000)) {
            log.start(a);
            assertEquals(intact, a.commands.size(), "entries recovered (damage at byte " + damageAt + " of " + offset + ")");
            assertEquals(written.subList(0, intact), a.commands);
            assertEquals(intact == 0 ? 0L : ends.get(intact - 1), Files.size(segment), "cut after the last intact entry");
            assertEquals("applied:" + (intact + 1), log.propose("next".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS));
        }
    }
}
