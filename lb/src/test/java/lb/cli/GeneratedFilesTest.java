package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed completions/ and man/ are what the command tree generates now. When this fails,
 * regenerate with: lb completion bash > completions/lb.bash; lb completion zsh > completions/_lb;
 * lb completion fish > completions/lb.fish;
 * lb docs man --dir man (after removing man/*.1) -- or run this test with LB_REGENERATE=1.
 */
class GeneratedFilesTest {

    @org.junit.jupiter.api.BeforeAll
    static void regenerate() throws IOException {
        if (!"1".equals(System.getenv("LB_REGENERATE"))) {
            return;
        }
        Path repo = repo();
        Files.createDirectories(repo.resolve("completions"));
        Files.writeString(repo.resolve("completions/lb.bash"), CompletionCommand.bash());
        Files.writeString(repo.resolve("completions/_lb"), CompletionCommand.zsh());
        Files.writeString(repo.resolve("completions/lb.fish"), CompletionCommand.fish());
        Path man = repo.resolve("man");
        if (Files.isDirectory(man)) {
            for (String n : names(man)) {
                Files.delete(man.resolve(n));
            }
        }
        CliHarness.Result r = run(repo, "docs", "man", "--dir", man.toString());
        if (r.code() != 0) {
            throw new IllegalStateException(r.toString());
        }
    }

    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        return Files.isDirectory(p.resolve("completions")) || Files.isRegularFile(p.resolve("mvnw")) ? p : p.getParent();
    }

    @Test
    void completionsAreCurrent() throws IOException {
        assertEquals(CompletionCommand.bash(), Files.readString(repo().resolve("completions/lb.bash")),
                "completions/lb.bash is stale: run lb completion bash > completions/lb.bash");
        assertEquals(CompletionCommand.zsh(), Files.readString(repo().resolve("completions/_lb")),
                "completions/_lb is stale: run lb completion zsh > completions/_lb");
        assertEquals(CompletionCommand.fish(), Files.readString(repo().resolve("completions/lb.fish")),
                "completions/lb.fish is stale: run lb completion fish > completions/lb.fish");
    }

    @Test
    void manPagesAreCurrent(@TempDir Path tmp) throws IOException {
        CliHarness.Result r = run(tmp, "docs", "man", "--dir", tmp.resolve("man").toString());
        assertEquals(0, r.code(), r.toString());
        Path committed = repo().resolve("man");
        assertEquals(names(tmp.resolve("man")), names(committed), "man/ has missing or extra pages: run lb docs man --dir man");
        for (String n : names(committed)) {
            assertEquals(Files.readString(tmp.resolve("man").resolve(n)), Files.readString(committed.resolve(n)),
                    "man/" + n + " is stale: run lb docs man --dir man");
        }
        assertTrue(names(committed).containsAll(List.of("lb.1", "lb-stream-create.1", "lb-replay.1", "lb-shell.1")));
    }

    @Test
    void manRendersTheOverviewPage() throws Exception {
        Path man = Path.of("/usr/bin/man");
        Assumptions.assumeTrue(Files.isExecutable(man), "man is not installed");
        Process p = new ProcessBuilder(man.toString(), "-l", repo().resolve("man/lb.1").toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("SYNOPSIS") && text.contains("EXIT STATUS"), text);
    }

    static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            TreeSet<String> r = new TreeSet<>();
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".1")).forEach(r::add);
            return r;
        }
    }

    static CliHarness.Result run(Path tmp, String... args) {
        return CliHarness.run(Map.of("HOME", tmp.toString()), new byte[0], false, args);
    }
}
