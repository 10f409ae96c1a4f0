package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** lb as a real child process: SIGINT during a tail exits 130 cleanly; a closed pipe exits 0 quietly. */
@Timeout(120)
class ProcessTest extends BrokerCliTest {


    static List<String> lb(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("lb.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(h.env);
        return pb;
    }

    @Test
    void sigintDuringTailExits130() throws Exception {
        assertEquals(0, h.run("stream", "create", "sig").code());
        Path out = dir.resolve("tail.out");
        Path err = dir.resolve("tail.err");
        Process p = builder(lb("tail", "sig")).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("tick")) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), "tail printed nothing: " + Files.readString(err));
            assertEquals(0, h.run("publish", "sig", "tick").code());
            Thread.sleep(200);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tail did not stop on SIGINT");
        assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("interrupted after"), Files.readString(err));
    }

    @Test
    void brokenPipeExitsZeroQuietly() throws Exception {
        assertEquals(0, h.run("stream", "create", "many").code());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            lines.append(i).append('\n');
        }
        assertEquals(0, h.run(lines.toString().getBytes(StandardCharsets.UTF_8), "publish", "many", "--async", "-q").code());
        String cmd = String.join(" ", lb("replay", "many").stream().map(ProcessTest::quote).toList())
                + " 2>" + quote(dir.resolve("pipe.err").toString()) + " | head -n 1; exit ${PIPESTATUS[0]}";
        Process p = builder(List.of("bash", "-c", cmd)).redirectErrorStream(true).start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("0\n", shown);
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("pipe.err")));
        assertEquals("", Files.readString(dir.resolve("pipe.err")));
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

}
