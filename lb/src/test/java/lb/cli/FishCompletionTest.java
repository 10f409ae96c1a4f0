package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fish script: its shape from the command tree, and (when fish is installed) what fish itself
 * offers with it loaded, asked through {@code complete -C}.
 */
class FishCompletionTest {

    @Test
    void scriptCoversSubcommandsOptionsAndFixedValues() {
        String s = CompletionCommand.fish();
        assertTrue(s.contains("complete -c lb -n '__lb_at \\'\\'' -f -a 'stream'"), s);
        assertTrue(s.contains("complete -c lb -n '__lb_at \\'stream\\'' -f -a 'create'"), s);
        assertTrue(s.contains("-l compact -l no-compact"), s);
        assertTrue(s.contains("-f -a 'bash zsh fish'"), s);
        // Aliases lead to the canonical path.
        assertTrue(s.contains("case '/ctx'\n            echo 'context'"), s);
    }

    @Test
    void fishOffersCommandsOptionsAndValues(@TempDir Path tmp) throws Exception {
        Path fish = Path.of("/usr/bin/fish");
        Assumptions.assumeTrue(Files.isExecutable(fish), "fish is not installed");
        Path script = tmp.resolve("lb.fish");
        Files.writeString(script, CompletionCommand.fish());
        assertEquals(List.of("create"), names(complete(fish, tmp, script, "lb stream cr")));
        assertTrue(names(complete(fish, tmp, script, "lb ")).containsAll(List.of("stream", "publish", "tail", "ctx")));
        // Options of the subcommand reached through an option that takes a value (-s HOST).
        List<String> opts = complete(fish, tmp, script, "lb -s 127.0.0.1:1 stream create x --re");
        assertTrue(names(opts).containsAll(List.of("--retention-age", "--retention-bytes", "--retention-messages")), opts.toString());
        assertTrue(opts.stream().anyMatch(l -> l.startsWith("--retention-age\t")), opts.toString());
        assertEquals(List.of("fish"), names(complete(fish, tmp, script, "lb completion fi")));
        // Through an alias.
        assertTrue(names(complete(fish, tmp, script, "lb ctx ")).contains("use"));
    }

    static List<String> names(List<String> lines) {
        List<String> r = new ArrayList<>();
        for (String l : lines) {
            r.add(l.split("\t")[0]);
        }
        return r;
    }

    /** fish's candidates for {@code line} (one "value\tdescription" per line). */
    static List<String> complete(Path fish, Path home, Path script, String line) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(fish.toString(), "--no-config", "-c",
                "source " + script + "; complete -C '" + line.replace("'", "\\'") + "'");
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("XDG_DATA_HOME", home.resolve("data").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "fish hung");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
