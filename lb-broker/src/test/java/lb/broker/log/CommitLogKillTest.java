package lb.broker.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a child JVM appending with {@code sync=always}, 50 times into the same log:
 * after each reopen every acknowledged record is present, intact, in order, without duplicates.
 */
class CommitLogKillTest {

    private static final int ROUNDS = 50;

    @TempDir
    Path dir;

    @Test
    void keepsEveryAcknowledgedRecordAcrossKillNine() throws Exception {
        Path logDir = dir.resolve("log");
        Path stderr = dir.resolve("child.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random rnd = new Random();
        long maxAcked = -1;
        for (int round = 0; round < ROUNDS; round++) {
            Process child = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    KillChild.class.getName(), logDir.toString())
                    .redirectError(stderr.toFile())
                    .start();
            int killAfter = 1 + rnd.nextInt(40);
            int acks = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("ack ")) {
                        maxAcked = Math.max(maxAcked, Long.parseLong(line.substring(4)));
                        if (++acks == killAfter) {
                            // SIGKILL while the child is most likely inside its next append.
                            // The JDK closes our end of the pipe, so acks the child printed
                            // after this line are not counted: the check stays conservative.
                            child.destroyForcibly();
                            break;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // Only expected when the kill closed the stream under readLine.
                assertTrue(!child.isAlive() || acks == killAfter, "read failed: " + e);
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not die");
            assertTrue(acks > 0, "round " + round + ": child acknowledged nothing: "
                    + Files.readString(stderr));
            try (CommitLog log = CommitLog.open(logDir, LogSettings.defaults()
                    .withSegmentMaxBytes(8 * 1024).withIndexIntervalBytes(256))) {
                String ctx = "round " + round + " (max acked " + maxAcked + ")";
                assertTrue(log.newestOffset() >= maxAcked, ctx + ": newest offset "
                        + log.newestOffset() + " lost acknowledged records");
                long expect = 0;
                for (LogRecord r : TestSupport.readAll(log, 0, 64 * 1024)) {
                    assertEquals(expect, r.offset(), ctx + ": gap or duplicate");
                    assertEquals("rec-" + expect, new String(r.value(), StandardCharsets.UTF_8),
                            ctx + ": wrong record at " + expect);
                    expect++;
                }
                assertEquals(log.logEndOffset(), expect, ctx);
            }
        }
    }
}
