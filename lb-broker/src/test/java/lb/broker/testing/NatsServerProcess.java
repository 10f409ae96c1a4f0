package lb.broker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's nats-server as a child process on a free loopback port, for the suites that run
 * against a real NATS server as well as the embedded one. Waits until the server greets with
 * INFO; can stop and restart on the same port (reconnect tests).
 */
public final class NatsServerProcess implements AutoCloseable {

    /** The binary: {@code -Dlb.nats.server=PATH}, else Debian's. */
    public static final String BINARY = System.getProperty("lb.nats.server", "/usr/sbin/nats-server");

    private final List<String> command;
    private final Path log;
    private final int port;
    private Process process;

    private NatsServerProcess(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.log = Files.createTempFile("nats-server-" + port + "-", ".log");
        this.command = new ArrayList<>(List.of(BINARY, "-a", "127.0.0.1", "-p", String.valueOf(port)));
        this.command.addAll(extraArgs);
    }

    /**
     * Starts nats-server with {@code extraArgs} (e.g. {@code --user u --pass p}) on a free port;
     * fails with the install command when the binary is missing.
     */
    public static NatsServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install it with `apt-get install -y nats-server`");
        }
        for (int attempt = 1; ; attempt++) {
            NatsServerProcess p = new NatsServerProcess(freePort(), List.of(extraArgs));
            try {
                p.restart();
                return p;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                // another test took the port between our probe and the server's bind: try another
            }
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the server, keeping its port for {@link #restart()}. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    /** (Re)starts the server on its port and waits for its INFO greeting, at most 15 s. */
    public void restart() throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                if (in.read() == 'I') {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server exited with " + process.exitValue() + "; log: "
                            + Files.readString(log), e);
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("nats-server did not listen on " + port + " within 15 s", e);
                }
                Thread.sleep(20); // waiting for the child to listen, bounded by the deadline
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
