package lb.broker.nats;

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

/** A NATS server under test: the embedded one or Debian's nats-server in a child process. */
abstract class NatsTarget implements AutoCloseable {
    enum Auth { NONE, USER, TOKEN }

    static final String USER = "lbuser";
    static final String PASSWORD = "s3cret";
    static final String TOKEN = "t0ken";
    static final String NATS_SERVER = "/usr/sbin/nats-server";

    abstract String url();

    abstract int port();

    /** Stops the server, keeping its port for {@link #restart()}. */
    abstract void stop() throws Exception;

    abstract void restart() throws Exception;

    @Override
    public abstract void close();

    abstract String name();

    /** Connections open on the server, if it can tell; -1 when it cannot. */
    int connectionCount() {
        return -1;
    }

    static final class Embedded extends NatsTarget {
        private final NatsServerOptions options;
        private EmbeddedNatsServer server;
        private int port;

        Embedded(Auth auth) throws IOException {
            this(withAuth(NatsServerOptions.builder().port(0), auth).build());
        }

        Embedded(Auth auth, int ioThreads) throws IOException {
            this(withAuth(NatsServerOptions.builder().port(0).ioThreads(ioThreads), auth).build());
        }

        Embedded(NatsServerOptions options) throws IOException {
            this.server = EmbeddedNatsServer.start(options);
            this.port = server.port();
            this.options = options.toBuilder().port(port).build();
        }

        static NatsServerOptions.Builder withAuth(NatsServerOptions.Builder b, Auth auth) {
            return switch (auth) {
                case NONE -> b;
                case USER -> b.userPassword(USER, PASSWORD);
                case TOKEN -> b.token(TOKEN);
            };
        }

        EmbeddedNatsServer server() {
            return server;
        }

        @Override String url() { return server.clientUrl(); }
        @Override int port() { return port; }
        @Override String name() { return "embedded"; }
        @Override int connectionCount() { return server.connectionCount(); }

        @Override
        void stop() {
            server.close();
        }

        @Override
        void restart() throws IOException {
            server = EmbeddedNatsServer.start(options);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static final class Debian extends NatsTarget {
        private final List<String> command;
        private final Path log;
        private final int port;
        private Process process;

        Debian(Auth auth) throws Exception {
            if (!Files.isExecutable(Path.of(NATS_SERVER))) {
                throw new IllegalStateException(NATS_SERVER + " is missing: install it with `apt-get install -y nats-server`");
            }
            this.port = freePort();
            this.log = Files.createTempFile("nats-server-" + port + "-", ".log");
            command = new ArrayList<>(List.of(NATS_SERVER, "-a", "127.0.0.1", "-p", String.valueOf(port)));
            switch (auth) {
                case USER -> command.addAll(List.of("--user", USER, "--pass", PASSWORD));
                case TOKEN -> command.addAll(List.of("--auth", TOKEN));
                case NONE -> { }
            }
            restart();
        }

        static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }

        @Override String url() { return "nats://127.0.0.1:" + port; }
        @Override int port() { return port; }
        @Override String name() { return "nats-server"; }

        long pid() {
            return process.pid();
        }

        @Override
        void stop() throws InterruptedException {
            if (process != null) {
                process.destroy();
                process.waitFor();
                process = null;
            }
        }

        @Override
        void restart() throws Exception {
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
                        throw new IllegalStateException("nats-server did not listen on " + port + " within 15 s", e);
                    }
                    Thread.sleep(20);
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
}
