package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lb __complete}: live names from a broker through the file cache; an empty, prompt answer
 * when no broker answers; and the bash, zsh and fish completion scripts offering a live stream
 * name through a real {@code lb} process (zsh and fish when installed).
 */
@Timeout(120)
class CompleteCommandTest extends BrokerCliTest {


    @BeforeAll
    static void prepare() throws Exception {
        h.env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        h.env.put("LB_COMPLETE_NO_SPAWN", "1");
        assertEquals(0, h.run("stream", "create", "compl-xyz", "-p", "2").code());
    }

    /** Asks until the answer contains {@code want} (the first asks may be over budget while the JVM warms up). */
    static String awaitAnswer(String want, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            CliHarness.Result r = h.run(args);
            assertEquals(0, r.code(), r.toString());
            if (r.out().lines().toList().contains(want)) {
                return r.out();
            }
            assertTrue(System.nanoTime() < deadline, "never answered " + want + ": " + r);
            Thread.sleep(100);
        }
    }

    @Test
    void listsStreamsAndPartitionsOfALiveBrokerAndCachesThem() throws Exception {
        awaitAnswer("compl-xyz", "__complete", "streams");
        assertEquals(List.of("0", "1"), awaitAnswer("1", "__complete", "partitions", "compl-xyz").lines().toList());
        CompletionCache.Entry e = CompletionCache.of(h.io(new byte[0], new ByteArrayOutputStream(),
                new ByteArrayOutputStream()), h.servers()).read();
        assertTrue(e.reachable());
        assertEquals(2, e.partitions().get("compl-xyz"));
        // The background refresh's work, run in this JVM: groups too.
        assertEquals(0, h.run("__complete", "--refresh").code());
        assertTrue(CompletionCache.of(h.io(new byte[0], new ByteArrayOutputStream(), new ByteArrayOutputStream()),
                h.servers()).read().groupsMs() > 0);
        assertEquals("", h.run("__complete", "partitions", "no-such-stream").out());
    }

    @Test
    void answersEmptyAndPromptlyWhenTheBrokerDoesNotAnswer(@TempDir Path tmp) throws Exception {
        // A socket that accepts connections but never speaks: a call waits for its deadline (30 s).
        try (ServerSocket mute = new ServerSocket(0)) {
            Map<String, String> env = new HashMap<>(h.env);
            env.put("LB_SERVERS", "127.0.0.1:" + mute.getLocalPort());
            env.put("LB_TIMEOUT", "30s");
            env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
            long t0 = System.nanoTime();
            CliHarness.Result r = run(env, "__complete", "streams");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(0, r.code(), r.toString());
            assertEquals("", r.out());
            assertTrue(ms < 10_000, "waited " + ms + " ms for a mute broker (call deadline 30 s)");
        }
        // Nothing listening: refused at once, and remembered as unreachable.
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(h.env);
        env.put("LB_SERVERS", "127.0.0.1:" + closed);
        env.put("XDG_CACHE_HOME", tmp.resolve("cache2").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        CompletionCache cache = CompletionCache.of(new Io(java.io.InputStream.nullInputStream(), System.out, System.err,
                false, false, false, env), "127.0.0.1:" + closed);
        while (cache.read() == null) {
            CliHarness.Result r = run(env, "__complete", "streams");
            assertEquals("", r.out(), r.toString());
            assertTrue(System.nanoTime() < deadline, "the refusal was never cached");
        }
        assertFalse(cache.read().reachable());
    }

    @Test
    void answersEvenWhenTheCacheCannotBeWritten(@TempDir Path tmp) throws Exception {
        Map<String, String> env = new HashMap<>(h.env);
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        env.put("XDG_CACHE_HOME", notADir.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            CliHarness.Result r = run(env, "__complete", "streams");
            assertEquals(0, r.code(), r.toString());
            if (r.out().lines().toList().contains("compl-xyz")) {
                assertTrue(r.err().contains("cannot write"), r.err());
                break;
            }
            assertTrue(System.nanoTime() < deadline, "never answered: " + r);
        }
    }

    @Test
    void contextsComeFromTheContextFiles() {
        Map<String, String> env = new HashMap<>(h.env);
        assertEquals(0, run(env, "--servers", "127.0.0.1:1", "context", "add", "compl-ctx").code());
        assertTrue(run(env, "__complete", "contexts").out().lines().toList().contains("compl-ctx"));
    }

    @Test
    void shellScriptsCompleteALiveStreamNameThroughLb(@TempDir Path tmp) throws Exception {
        Path bash = Path.of("/usr/bin/bash");
        Assumptions.assumeTrue(Files.isExecutable(bash), "bash is not installed");
        awaitAnswer("compl-xyz", "__complete", "streams"); // the cache is warm; the lb process reads it
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path lb = bin.resolve("lb");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Files.writeString(lb, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' lb.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(lb, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = tmp.resolve("lb.bash");
        Files.writeString(script, CompletionCommand.bash());
        Map<String, String> env = new HashMap<>(h.env);
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("LB_COMPLETE_TTL", "3600"); // the child JVM may start slowly on a loaded machine
        String out = sh(env, bash.toString(), "--norc", "--noprofile", "-c", "source " + script + "; complete -p lb; "
                + "COMP_WORDS=(lb stream describe compl); COMP_CWORD=3; COMP_LINE='lb stream describe compl'; "
                + "COMP_POINT=${#COMP_LINE}; _lb_complete_live lb compl describe; printf 'reply:%s\\n' \"${COMPREPLY[@]}\"; "
                + "COMP_WORDS=(lb tail compl-xyz -p ''); COMP_CWORD=4; COMP_LINE='lb tail compl-xyz -p '; "
                + "COMP_POINT=${#COMP_LINE}; _lb_complete_live lb '' -p; printf 'part:%s\\n' \"${COMPREPLY[@]}\"; "
                + "COMP_WORDS=(lb stream cre); COMP_CWORD=2; COMP_LINE='lb stream cre'; "
                + "COMP_POINT=${#COMP_LINE}; _lb_complete_live lb cre stream; printf 'static:%s\\n' \"${COMPREPLY[@]}\"");
        assertTrue(out.lines().anyMatch(l -> l.startsWith("complete ") && l.contains("-F _lb_complete_live")
                && l.endsWith(" lb")), out);
        assertTrue(out.lines().toList().contains("reply:compl-xyz"), out);
        assertTrue(out.lines().toList().containsAll(List.of("part:0", "part:1")), out);
        // Everything else is still picocli's completion.
        assertTrue(out.lines().toList().contains("static:create"), out);

        Path zsh = Path.of("/usr/bin/zsh");
        if (Files.isExecutable(zsh)) {
            // zsh runs the same functions through bashcompinit, whose compgen calls them in sh emulation.
            Path zscript = tmp.resolve("_lb");
            Files.writeString(zscript, CompletionCommand.zsh());
            String zout = sh(env, zsh.toString(), "-f", "-c", "autoload -U compinit && compinit -u -d " + tmp.resolve("zcompdump")
                    + "; source " + zscript + "; COMP_WORDS=(lb stream describe compl); COMP_CWORD=3; "
                    + "emulate sh -c '_lb_complete_live lb compl describe; printf \"reply:%s\\n\" \"${COMPREPLY[@]}\"'");
            assertTrue(zout.lines().toList().contains("reply:compl-xyz"), zout);
        }

        Path fish = Path.of("/usr/bin/fish");
        if (Files.isExecutable(fish)) {
            Path fscript = tmp.resolve("lb.fish");
            Files.writeString(fscript, CompletionCommand.fish());
            env.put("XDG_DATA_HOME", tmp.resolve("fishdata").toString());
            String fout = sh(env, fish.toString(), "--no-config", "-c", "source " + fscript + "; complete -C 'lb get compl'");
            assertTrue(fout.lines().toList().contains("compl-xyz"), fout);
        }
    }

    static String sh(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "shell hung");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static CliHarness.Result run(Map<String, String> env, String... args) {
        return CliHarness.run(env, new byte[0], false, args);
    }
}
