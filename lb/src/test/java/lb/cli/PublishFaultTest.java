package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lb publish while its broker goes away: the run ends with a failure exit code and a summary,
 * and every message it printed an ack for is in the log after the broker restarts.
 */
@org.junit.jupiter.api.Timeout(120)
class PublishFaultTest {

    @TempDir
    Path dir;

    @Test
    void brokerLossMidRunEndsTheRunAndLosesNoAcknowledgedMessage() throws Exception {
        CliHarness h = new CliHarness(dir);
        List<String> acked;
        try {
            assertEquals(0, h.run("stream", "create", "fault").code());
            String in = IntStream.rangeClosed(1, 200_000).mapToObj(Integer::toString)
                    .collect(Collectors.joining("\n", "", "\n"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Io io = h.io(in.getBytes(StandardCharsets.UTF_8), out, err);
            // Paced so that the broker goes away mid-run; --print records each acknowledged offset.
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run(io, "--timeout", "1s",
                    "publish", "fault", "--rate", "5000/s", "--print", "%o\\n"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (out.toString(StandardCharsets.UTF_8).lines().count() < 500) {
                assertTrue(System.nanoTime() < deadline, "no acks: " + err);
                Thread.sleep(20);
            }
            h.close();
            int code = run.get(60, TimeUnit.SECONDS);
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCodes.PARTIAL, code, e);
            assertTrue(e.contains("publish failed") && e.contains("published "), e);
            // Each distinct failure is one line; repeats of it are counted right after it.
            assertTrue(e.lines().allMatch(l -> l.startsWith("lb: ")), e);
            acked = out.toString(StandardCharsets.UTF_8).lines().toList();
        } finally {
            h.close();
        }
        // Same data directory, new ports: every printed offset holds the line sent with it.
        try (CliHarness again = new CliHarness(dir)) {
            String replay = new String(again.run("replay", "fault", "--format", "%o=%v\\n").outBytes(),
                    StandardCharsets.UTF_8);
            List<String> stored = replay.lines().toList();
            assertTrue(stored.size() >= acked.size(), stored.size() + " stored < " + acked.size() + " acked");
            for (int i = 0; i < acked.size(); i++) {
                assertEquals(acked.get(i) + "=" + (i + 1), stored.get(i), "acked message " + (i + 1));
            }
        }
    }
}
