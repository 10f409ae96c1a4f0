package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independent client: nats.js (the {@code nats} npm package, installed into this
 * test's own temp folder) runs the same checks against the embedded server and nats-server.
 * Skipped only when node or npm is not installed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeClientTest {

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(Path dir, long timeoutSeconds, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    @Test
    void natsJsPassesTheSameChecksOnBothServers(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed");
        run(dir, 240, List.of("npm", "install", "nats@2", "--no-audit", "--no-fund", "--loglevel=error"));
        try (InputStream script = NodeClientTest.class.getResourceAsStream("nats-js-check.js")) {
            Files.write(dir.resolve("check.js"), script.readAllBytes());
        }
        try (NatsTarget embedded = new NatsTarget.Embedded(NatsTarget.Auth.NONE)) {
            String out = run(dir, 60, List.of("node", "check.js", embedded.url()));
            assertTrue(out.contains("NODE-OK"), out);
        }
        try (NatsTarget reference = new NatsTarget.Debian(NatsTarget.Auth.NONE)) {
            String out = run(dir, 60, List.of("node", "check.js", reference.url()));
            assertTrue(out.contains("NODE-OK"), out);
        }
    }
}
