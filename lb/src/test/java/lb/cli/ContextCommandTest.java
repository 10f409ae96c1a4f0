package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        CliHarness.Result r = CliHarness.run(env, new byte[0], tty, args);
        return new Run(r.code(), r.out(), r.err());
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
    void addStoresTlsSettingsAsAbsolutePathsAndChecksThem() throws Exception {
        Path ca = Files.writeString(home.resolve("ca.pem"), "not checked here: the client reads it when connecting");
        Path cert = Files.writeString(home.resolve("client.pem"), "c");
        Path key = Files.writeString(home.resolve("client.key"), "k");
        Run added = run("-s", "h1:1", "--tls-ca", ca.toString(), "--tls-cert", cert.toString(), "--tls-key",
                key.toString(), "context", "add", "sec", "--description", "mutual TLS");
        assertEquals(0, added.code(), added.err());
        assertEquals(Map.of("servers", "h1:1", "description", "mutual TLS", "tls-ca", ca.toString(), "tls-cert",
                cert.toString(), "tls-key", key.toString()), Contexts.parse(home.resolve("config/lb/contexts/sec.yaml")));
        assertEquals(0, run("-s", "h2:2", "--tls", "context", "add", "plain-ca").code());
        assertEquals("true", Contexts.parse(home.resolve("config/lb/contexts/plain-ca.yaml")).get("tls"));

        String table = run("context", "list").out();
        assertTrue(table.lines().anyMatch(l -> l.matches("\\s+sec\\s+h1:1\\s+mutual\\s+mutual TLS")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("\\s+plain-ca\\s+h2:2\\s+yes")), table);
        String yaml = run("context", "show", "sec", "--format", "yaml").out();
        assertTrue(yaml.startsWith("name: sec\nservers: h1:1\n") && yaml.contains("tls-key: " + key + "\n"), yaml);
        Run resolved = run("--context", "sec", "context", "show", "--resolved", "--format", "yaml");
        assertTrue(resolved.out().contains("tls-cert:\n  value: " + cert + "\n  source: context sec\n"), resolved.out());
        String listYaml = run("context", "list", "--format", "yaml").out();
        assertTrue(listYaml.startsWith("- name: plain-ca\n  selected: false\n"), listYaml);

        // Relative paths are stored resolved against the working directory.
        Path rel = Path.of("").toAbsolutePath().relativize(ca);
        assertEquals(0, run("-s", "h1:1", "--tls-ca", rel.toString(), "context", "add", "rel").code());
        assertEquals(ca.toString(), Contexts.parse(home.resolve("config/lb/contexts/rel.yaml")).get("tls-ca"));

        // Missing files and half a client identity are usage errors; nothing is written.
        Run missing = run("-s", "h1:1", "--tls-ca", home.resolve("nope.pem").toString(), "context", "add", "bad");
        assertEquals(ExitCodes.USAGE, missing.code());
        assertTrue(missing.err().contains("tls-ca: no such readable file: " + home.resolve("nope.pem")), missing.err());
        Run half = run("-s", "h1:1", "--tls-cert", cert.toString(), "context", "add", "bad");
        assertEquals(ExitCodes.USAGE, half.code());
        assertTrue(half.err().contains("tls-cert and tls-key go together"), half.err());
        assertTrue(!Files.exists(home.resolve("config/lb/contexts/bad.yaml")));
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
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Contexts.validate(Map.of("servers", "h:1", "tls", "maybe"))).getMessage().contains("not true or false"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Contexts.validate(Map.of("servers", "h:1", "tls-key", "/etc/hostname"))).getMessage()
                .contains("go together"));
    }
}
