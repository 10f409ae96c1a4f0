package lb.broker.raft;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A NATS server for the real-transport tests: the embedded one, or Debian's
 * {@code /usr/sbin/nats-server} on a free loopback port.
 */
interface TestNats extends AutoCloseable {
    String url();

    @Override
    void close();

    static TestNats start() throws IOException {
        return DebianNats.start();
    }

    /** The broker's embedded NATS server on a free loopback port. */
    static TestNats embedded() throws IOException {
        lb.broker.nats.EmbeddedNatsServer server = lb.broker.nats.EmbeddedNatsServer.start(
                lb.broker.nats.NatsServerOptions.builder().port(0).build());
        return new TestNats() {
            @Override
            public String url() {
                return server.clientUrl();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** {@code nats-server -a 127.0.0.1 -p PORT} as a child process. */
    final class DebianNats implements TestNats {
        private final Process process;
        private final int port;

        private DebianNats(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static DebianNats start() throws IOException {
            Path bin = Path.of(System.getProperty("lb.nats.server", "/usr/sbin/nats-server"));
            if (!Files.isExecutable(bin)) throw new IOException(bin + " not found: apt-get install nats-server");
            for (int attempt = 0; ; attempt++) {
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                Process p = new ProcessBuilder(bin.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline && p.isAlive()) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                        return new DebianNats(p, port);
                    } catch (IOException notYet) {
                        try {
                            Thread.sleep(20); // waiting for the child to listen; bounded by the deadline
                        } catch (InterruptedException e) {
                            p.destroyForcibly();
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                    }
                }
                p.destroyForcibly();
                if (attempt == 2) throw new IOException("nats-server did not listen on port " + port);
                // port taken between probe and bind by a concurrent test: try another
            }
        }

        @Override
        public String url() { return "nats://127.0.0.1:" + port; }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
