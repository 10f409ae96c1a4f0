package lb.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lb.client.LiftbridgeClient;
import lb.client.LiftbridgeException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS on the gRPC port (certificates made by openssl), and authorization on the embedded NATS server. */
class BrokerSecurityTest {

    @TempDir
    Path dir;
    Path ca;
    Path serverCert;
    Path serverKey;
    Path clientCert;
    Path clientKey;

    @BeforeEach
    void certificates() throws Exception {
        ca = dir.resolve("ca.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=lb-test-ca");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        serverKey = dir.resolve("server.key");
        serverCert = dir.resolve("server.pem");
        issue("server");
        clientKey = dir.resolve("client.key");
        clientCert = dir.resolve("client.pem");
        issue("client");
    }

    private void issue(String name) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", "san.cnf");
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + cmd + ": " + out);
    }

    private BrokerServer start(String tlsYaml) throws IOException {
        return BrokerServer.start(TestBroker.config(dir.resolve("data"), TestBroker.embeddedNats(), tlsYaml));
    }

    @Test
    void servesTlsToClientsThatTrustItsCa() throws Exception {
        try (BrokerServer b = start("tls.cert: " + serverCert + "\ntls.key: " + serverKey + "\n")) {
            String addr = "127.0.0.1:" + b.port();
            try (LiftbridgeClient c = LiftbridgeClient.builder().seeds(addr).tls(ca, null, null).build()) {
                assertEquals(1, c.fetchMetadata().brokers().size());
            }
            try (LiftbridgeClient plain = LiftbridgeClient.connect(addr)) {
                LiftbridgeException e = assertThrows(LiftbridgeException.class, plain::fetchMetadata);
                assertEquals(LiftbridgeException.Kind.UNAVAILABLE, e.kind());
            }
        }
    }

    @Test
    void mutualTlsRequiresAClientCertificate() throws Exception {
        try (BrokerServer b = start("tls.cert: " + serverCert + "\ntls.key: " + serverKey
                + "\ntls.client.auth.enabled: true\ntls.client.auth.ca: " + ca + "\n")) {
            String addr = "127.0.0.1:" + b.port();
            try (LiftbridgeClient c = LiftbridgeClient.builder().seeds(addr).tls(ca, clientCert, clientKey).build()) {
                c.createStream("secure", "secure", lb.client.StreamOptions.defaults());
                assertEquals(1, c.fetchMetadata().partitionCount("secure"));
            }
            try (LiftbridgeClient anonymous = LiftbridgeClient.builder().seeds(addr).tls(ca, null, null).build()) {
                assertThrows(LiftbridgeException.class, anonymous::fetchMetadata);
            }
        }
    }

    @Test
    void anEmbeddedNatsConfigFileSetsTheListenAddressAndAuthorization() throws Exception {
        int port = TestBroker.freePort();
        Path conf = dir.resolve("nats.conf");
        Files.writeString(conf, "listen: 127.0.0.1:" + port + "\nauthorization {\n  user: lb\n  password: secret\n}\n");
        try (BrokerServer b = BrokerServer.start(TestBroker.config(dir.resolve("data"),
                "nats.embedded.config: " + conf + "\n", ""))) {
            assertEquals("nats://127.0.0.1:" + port, b.natsUrls().get(0));
            try (LiftbridgeClient c = LiftbridgeClient.connect("127.0.0.1:" + b.port())) {
                c.createStream("auth", "auth", lb.client.StreamOptions.defaults());
                assertEquals(0, c.publish("auth", new byte[] {1}, lb.client.MessageOptions.create()).getOffset(),
                        "the broker's own NATS connection authenticated");
            }
            assertThrows(Exception.class, () -> io.nats.client.Nats.connect("nats://127.0.0.1:" + port).close(),
                    "anonymous NATS clients are refused");
        }
    }

    @Test
    void refusesToStartWithAuthorizationItCannotEnforce() {
        IOException e = assertThrows(IOException.class, () -> start("tls.cert: " + serverCert + "\ntls.key: "
                + serverKey + "\ntls.client.authz.enabled: true\ntls.client.authz.model: m.conf\n"
                + "tls.client.authz.policy: p.csv\n"));
        assertTrue(e.getMessage().startsWith("tls.client.authz.enabled: ACL authorization is not supported"),
                e.getMessage());
    }
}
