package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nats-server config files for the embedded server (Liftbridge's nats.embedded.config). */
@SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException
class NatsConfigFileTest {

    @Test
    void readsTheHonouredKeys(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("nats.conf"), """
                # embedded NATS for lb
                listen: 127.0.0.1:0
                server_name = "lb-embedded"   // trailing comment
                max_payload: 2MB
                max_control_line 8192
                max_pending: 128MB
                ping_interval: "1m30s"
                ping_max: 3
                debug: true
                authorization {
                  user: alice
                  password: "p w"
                  timeout: 1.5
                }
                """);
        NatsServerOptions o = NatsServerOptions.fromNatsConfig(f).build();
        assertEquals("127.0.0.1", o.host());
        assertEquals(0, o.port());
        assertEquals("lb-embedded", o.serverName());
        assertEquals(2 * 1024 * 1024, o.maxPayloadBytes());
        assertEquals(8192, o.maxControlLineBytes());
        assertEquals(128L * 1024 * 1024, o.maxPendingBytes());
        assertEquals(Duration.ofSeconds(90), o.pingInterval());
        assertEquals(3, o.maxPingsOut());
        assertEquals("alice", o.user());
        assertEquals("p w", o.password());
        assertEquals(Duration.ofMillis(1500), o.authTimeout());
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(o);
             Connection c = Nats.connect(new Options.Builder().server(server.clientUrl()).userInfo("alice", "p w").build())) {
            assertEquals(2 * 1024 * 1024, c.getMaxPayload());
        }
    }

    @Test
    void sizesAndDurationsFollowNatsServer() {
        assertEquals(1000, NatsConfigFile.number("1k"));
        assertEquals(1024, NatsConfigFile.number("1KB"));
        assertEquals(5_000_000, NatsConfigFile.number("5M"));
        assertEquals(Duration.ofSeconds(120), NatsConfigFile.duration("120"));
        assertEquals(Duration.ofMillis(500), NatsConfigFile.duration("500ms"));
        assertEquals(Duration.ofMinutes(90), NatsConfigFile.duration("1h30m"));
        assertThrows(IllegalArgumentException.class, () -> NatsConfigFile.duration("soon"));
    }

    @Test
    void unsupportedKeysAreRefusedByName(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("nats.conf"), "port: 4333\njetstream { store_dir: /tmp/js }\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NatsServerOptions.fromNatsConfig(f));
        assertTrue(e.getMessage().contains("'jetstream' is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("--nats-servers"), e.getMessage());
        Path g = Files.writeString(dir.resolve("bad.conf"), "port: 4333\nauthorization {\n user: x\n");
        e = assertThrows(IllegalArgumentException.class, () -> NatsServerOptions.fromNatsConfig(g));
        assertTrue(e.getMessage().contains("missing }"), e.getMessage());
        Path h = Files.writeString(dir.resolve("size.conf"), "max_payload: 10 parsecs\n");
        e = assertThrows(IllegalArgumentException.class, () -> NatsServerOptions.fromNatsConfig(h));
        assertTrue(e.getMessage().contains("max_payload"), e.getMessage());
    }

    @Test
    void laterSettingsWinOverTheFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("nats.conf"), "port: 4333\n");
        assertEquals(0, NatsServerOptions.fromNatsConfig(f).port(0).build().port());
    }
}
