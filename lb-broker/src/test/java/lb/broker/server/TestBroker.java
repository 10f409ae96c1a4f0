package lb.broker.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;

/** Starts brokers for tests: a temp data dir, gRPC on a free port, NATS as the test chooses. */
final class TestBroker {

    static final String NATS_SERVER = "/usr/sbin/nats-server";

    private TestBroker() {
    }

    /** A broker config with gRPC on port 0 and the given extra YAML. */
    static BrokerConfig config(Path dataDir, String natsYaml, String extraYaml) {
        String yaml = "port: 0\nhost: 127.0.0.1\nlisten: 127.0.0.1:0\ndata.dir: " + dataDir + "\n"
                + "clustering.server.id: b1\nclustering.raft.bootstrap.seed: true\n" + natsYaml + extraYaml;
        return ConfigLoader.load(yaml, "test.yaml", new ConfigOverrides(), Map.of());
    }

    /** YAML for an embedded NATS server on a free port. */
    static String embeddedNats() {
        return "nats.embedded: true\nnats.servers: [\"nats://127.0.0.1:" + freePort() + "\"]\n";
    }

    /** YAML pointing at an external NATS server. */
    static String externalNats(String url) {
        return "nats.servers: [\"" + url + "\"]\n";
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Debian's nats-server in a child process on a free loopback port. */
    static final class NatsProcess implements AutoCloseable {
        final int port = freePort();
        final Process process;

        NatsProcess() throws IOException, InterruptedException {
            if (!Files.isExecutable(Path.of(NATS_SERVER))) {
                throw new IllegalStateException(NATS_SERVER + " is missing: apt-get install -y nats-server");
            }
            process = new ProcessBuilder(NATS_SERVER, "-a", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IOException("nats-server did not start on port " + port, e);
                    }
                    Thread.sleep(20);
                }
            }
        }

        String url() {
            return "nats://127.0.0.1:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
