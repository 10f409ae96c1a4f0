package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path of {@code __complete} and {@code context prompt} answers exactly as the command
 * tree does: same stdout, stderr and exit code, for answers, empty answers and errors (no broker:
 * the cache is written by hand and the servers point at a closed port).
 */
class FastStartTest {

    @TempDir
    Path home;
    final Map<String, String> env = new HashMap<>();
    String servers;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            servers = "127.0.0.1:" + s.getLocalPort();
        }
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
        env.put("LB_SERVERS", servers);
        env.put("LB_COMPLETE_TTL", "3600");
        env.put("LB_COMPLETE_NO_SPAWN", "1");
        long now = System.currentTimeMillis();
        Map<String, Integer> parts = new TreeMap<>(Map.of("orders", 3, "audit", 1));
        CompletionCache.of(io(new ByteArrayOutputStream(), new ByteArrayOutputStream()), servers)
                .write(new CompletionCache.Entry(now, true, now, parts, List.of("billing", "search")));
    }

    Io io(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new Io(java.io.InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, false, env);
    }

    Run run(boolean tree, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = io(out, err);
        int code = tree ? Main.runTree(io, args) : Main.run(io, args);
        io.out.flush();
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code args} both ways, checks they agree and that the fast path was taken; returns the answer. */
    Run same(String... args) {
        assertNotNull(FastStart.run(io(new ByteArrayOutputStream(), new ByteArrayOutputStream()), args),
                "fast path not taken for " + List.of(args));
        Run tree = run(true, args);
        assertEquals(tree, run(false, args), List.of(args).toString());
        return tree;
    }

    @Test
    void completeAnswersAsTheTreeDoes() {
        assertEquals(new Run(0, "audit\norders\n", ""), same("__complete", "streams"));
        assertEquals(new Run(0, "0\n1\n2\n", ""), same("__complete", "partitions", "orders"));
        assertEquals(new Run(0, "", ""), same("__complete", "partitions", "nosuch"));
        assertEquals(new Run(0, "", ""), same("__complete", "partitions"));
        assertEquals(new Run(0, "billing\nsearch\n", ""), same("__complete", "groups"));
        assertEquals(ExitCodes.USAGE, same("__complete").code());
        assertEquals(ExitCodes.USAGE, same("__complete", "bogus").code());
        assertEquals(0, run(false, "-s", "h1:1", "context", "add", "c1").code());
        assertEquals(new Run(0, "c1\n", ""), same("__complete", "contexts"));
        env.put("LB_CONTEXT", "gone");
        assertEquals(new Run(0, "", ""), same("__complete", "streams"));
    }

    @Test
    void promptAnswersAsTheTreeDoes() {
        env.remove("LB_SERVERS"); // the environment would win over the context's servers
        assertEquals(new Run(0, "", ""), same("context", "prompt"));
        assertEquals(0, run(false, "-s", "h1:1,h2:2", "context", "add", "p1", "--select").code());
        assertEquals(new Run(0, "lb:p1(h1:1,+1)\n", ""), same("context", "prompt"));
        assertEquals(new Run(0, "lb:p1(h1:1,+1)\n", ""), same("ctx", "prompt"));
        env.put("LB_CONTEXT", "gone");
        Run missing = same("context", "prompt");
        assertEquals(ExitCodes.NOT_FOUND, missing.code());
        assertEquals("lb: no such context: gone (see 'lb context list')\n", missing.err());
        env.put("LB_CONTEXT", "bad name!");
        assertEquals(ExitCodes.FAILURE, same("context", "prompt").code());
    }

    @Test
    void everythingElseGoesThroughTheTree() {
        Io io = io(new ByteArrayOutputStream(), new ByteArrayOutputStream());
        for (List<String> args : List.<List<String>>of(List.of("--context", "x", "__complete", "streams"),
                List.of("__complete", "--refresh"), List.of("__complete", "partitions", "orders", "extra"),
                List.of("context", "prompt", "--help"), List.of("context", "prompt", "extra"), List.of("context"),
                List.of("__complete", "@args.txt"), List.of("stream", "list"), List.of())) {
            assertNull(FastStart.run(io, args.toArray(String[]::new)), args.toString());
        }
    }
}
