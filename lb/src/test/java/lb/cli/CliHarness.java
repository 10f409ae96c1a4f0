package lb.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;
import lb.broker.server.BrokerServer;

/** An in-JVM broker (embedded NATS on a free port, gRPC on port 0) and a way to run lb against it. */
final class CliHarness implements AutoCloseable {

    /** What one command line printed and returned. */
    record Result(int code, byte[] outBytes, String err) {
        String out() {
            return new String(outBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }

    final BrokerServer broker;
    final Path home;
    final Map<String, String> env = new HashMap<>();

    CliHarness(Path dir) throws IOException {
        this(dir, "");
    }

    /** A broker with {@code extraYaml} appended to its configuration (e.g. TLS settings). */
    CliHarness(Path dir, String extraYaml) throws IOException {
        String yaml = "port: 0\nhost: 127.0.0.1\nlisten: 127.0.0.1:0\ndata.dir: " + dir.resolve("data") + "\n"
                + "clustering.server.id: b1\nnats.embedded: true\nnats.servers: [\"nats://127.0.0.1:" + freePort()
                + "\"]\ncursors.stream.partitions: 2\nactivity.stream.enabled: true\n" + extraYaml;
        BrokerConfig cfg = ConfigLoader.load(yaml, "test.yaml", new ConfigOverrides(), Map.of());
        broker = BrokerServer.start(cfg);
        home = dir.resolve("home");
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_STATE_HOME", home.resolve("state").toString());
        env.put("LB_SERVERS", servers());
    }

    String servers() {
        return "127.0.0.1:" + broker.port();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    Result run(String... args) {
        return run(new byte[0], args);
    }

    Result run(byte[] stdin, String... args) {
        return exec(stdin, args);
    }

    /** Io with the given streams; not terminals; this harness's environment. */
    Io io(byte[] stdin, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new Io(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, false, false, env);
    }

    /** Runs with fresh captured streams. */
    Result exec(byte[] stdin, String... args) {
        return run(env, stdin, false, args);
    }

    /**
     * Runs {@code lb args} in this JVM (Main.run) with {@code env} as its environment, stdin
     * from {@code stdin}, stdout and stderr captured, and every stream a terminal or none; what
     * the CLI tests without a broker of their own use too.
     */
    static Result run(Map<String, String> env, byte[] stdin, boolean tty, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), tty, tty, tty, env);
        int code = Main.run(io, args);
        io.out.flush();
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        broker.close();
    }
}
