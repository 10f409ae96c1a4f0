package lb.broker.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;

/** Starts brokers for tests: a temp data dir, gRPC on a free port, NATS as the test chooses. */
final class TestBroker {

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
}
