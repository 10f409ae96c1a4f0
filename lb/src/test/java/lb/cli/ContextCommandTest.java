package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lb context -, use -, prompt and edit, on real files in a temp config directory (no broker). */
class ContextCommandTest {

    @TempDir
    Path home;
    final Map<String, String> env = new HashMap<>();

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() {
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    }

    Run run(boolean tty, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(java.io.InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), tty, tty, tty, env);
        int code = Main.run(io, args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run run(String... args) {
        return run(false, args);
    }

    String current() {
        return run("context", "current").out().strip();
    }

    @Test
    void dashSwitchesToThePreviousContext() {
        assertEquals(ExitCodes.NOT_FOUND, run("context", "-").code(), "no previous context yet");
        assertEquals(0, run("-s", "h1:1", "context", "add", "a").code());
        assertEquals(0, run("-s", "h2:2", "context", "add", "b").code());
        assertEquals(0, run("context", "use", "a").code());
        assertEquals(ExitCodes.NOT_FOUND, run("context", "-").code(), "a was the first selection");
        assertEquals(0, run("context", "use", "b").code());
        assertEquals(0, run("context", "-").code());
        assertEquals("a", current());
        assertEquals(0, run("context", "-").code());
        assertEquals("b", current());
        assertEquals(0, run("context", "use", "-").code());
        assertEquals("a", current());
        // Selecting the current one again keeps the previous one.
        assertEquals(0, run("context", "use", "a").code());
        assertEquals(0, run("context", "-").code());
        assertEquals("b", current());
    }

    @Test
    void promptShowsContextAndBrokersWithoutNetwork() {
        assertEquals(new Run(0, "", ""), run("context", "prompt"));
        assertEquals(0, run("-s", "h1:1,h2:2,h3:3", "context", "add", "a", "--select").code());
        assertEquals(0, run("-s", "h9:9", "context", "add", "b").code());
        assertEquals("lb:a(h1:1,+2)\n", run("context", "prompt").out());
        assertEquals("lb:b(h9:9)\n", run("--context", "b", "context", "prompt").out());
        env.put("LB_CONTEXT", "b");
        assertEquals("lb:b(h9:9)\n", run("context", "prompt").out());
    }

    @Test
    void editSavesValidEditsOnlyAndNeedsATerminal() throws Exception {
        assertEquals(0, run("-s", "h1:1", "context", "add", "a", "--select").code());
        Path file = home.resolve("config/lb/contexts/a.yaml");
        String before = Files.readString(file);
        env.put("EDITOR", "sed -i s/h1:1/h5:5/");
        Run noTty = run(false, "context", "edit", "a");
        assertEquals(ExitCodes.USAGE, noTty.code());
        assertTrue(noTty.err().contains("needs a terminal"), noTty.err());
        assertEquals(before, Files.readString(file));

        Run ok = run(true, "context", "edit");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.readString(file).contains("servers: \"h5:5\""), Files.readString(file));

        String good = Files.readString(file);
        env.put("VISUAL", "sed -i s/h5:5/no-port/"); // VISUAL wins over EDITOR
        Run bad = run(true, "context", "edit", "a");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().contains("not saved: server 'no-port' is not HOST:PORT"), bad.err());
        assertEquals(good, Files.readString(file));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(".edit-a-")), "the edit is kept");
        }
        assertEquals(List.of("a"), Contexts.of(new Io(java.io.InputStream.nullInputStream(), System.out, System.err,
                false, false, false, env)).names(), "temp copies are not contexts");

        env.put("VISUAL", "false");
        assertEquals(ExitCodes.FAILURE, run(true, "context", "edit", "a").code());
        assertEquals(good, Files.readString(file));
        assertEquals(ExitCodes.NOT_FOUND, run(true, "context", "edit", "nosuch").code());
    }

    @Test
    void validateNamesTheProblem() {
        Contexts.validate(Map.of("servers", "h:1,[::1]:9292", "timeout", "3s", "description", "x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Contexts.validate(Map.of("server", "h:1")))
                .getMessage().contains("unknown setting 'server'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Contexts.validate(Map.of("timeout", "3s")))
                .getMessage().contains("'servers' is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Contexts.validate(Map.of("servers", "h:99999")))
                .getMessage().contains("not HOST:PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Contexts.validate(Map.of("servers", "h:1", "timeout", "soon"))).getMessage().startsWith("timeout:"));
    }
}
