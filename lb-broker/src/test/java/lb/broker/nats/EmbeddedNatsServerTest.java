package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded server's own front: start-up, limits and health checks nats-server has no switch for here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException
class EmbeddedNatsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void startsOnAnEphemeralPortAndStopsGracefully() throws Exception {
        EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).serverName("lb-test").build());
        assertTrue(server.port() > 0);
        assertEquals("nats://127.0.0.1:" + server.port(), server.clientUrl());
        try (Connection c = Nats.connect(server.clientUrl())) {
            assertEquals("lb-test", c.getServerInfo().getServerName());
            assertTrue(c.getServerInfo().isHeadersSupported());
            await("one connection", () -> server.connectionCount() == 1);
            server.close();
            await("client sees the disconnect", () -> c.getStatus() != Connection.Status.CONNECTED);
        }
        server.close(); // idempotent
        assertEquals(0, server.connectionCount());
        assertEquals(0, server.subscriptionCount());
    }

    @Test
    void defaultsMatchNatsServer() {
        NatsServerOptions o = NatsServerOptions.defaults();
        assertEquals("127.0.0.1", o.host());
        assertEquals(4222, o.port());
        assertEquals(1024 * 1024, o.maxPayloadBytes());
        assertEquals(4096, o.maxControlLineBytes());
        assertFalse(o.authRequired());
    }

    @Test
    void takenPortGivesOneLineSuggestingNatsServers() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            NatsPortInUseException e = assertThrows(NatsPortInUseException.class,
                    () -> EmbeddedNatsServer.start(NatsServerOptions.builder().port(port).build()));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("--nats-servers nats://127.0.0.1:" + port), e.getMessage());
            assertEquals(port, e.port());
        }
    }

    @Test
    void badOptionsNameTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NatsServerOptions.builder().port(70000).build());
        assertTrue(e.getMessage().contains("port 70000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NatsServerOptions.builder().maxPayloadBytes(1 << 20).maxPendingBytes(1000).build());
        assertTrue(e.getMessage().contains("max pending"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NatsServerOptions.builder().token("t").userPassword("u", "p").build());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void configurableMaxPayloadIsAdvertisedAndEnforced() throws Exception {
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).maxPayloadBytes(1000).build())) {
            try (Connection c = Nats.connect(server.clientUrl())) {
                assertEquals(1000, c.getMaxPayload());
            }
            try (RawClient raw = RawClient.open(server.port())) {
                raw.send("CONNECT {\"verbose\":false}\r\nPUB x 1001\r\n");
                assertEquals(List.of("-ERR 'Maximum Payload Violation'"), raw.linesUntilClosed());
            }
        }
    }

    @Test
    void clientThatNeverReadsIsCutAsSlowConsumerAndOthersCarryOn() throws Exception {
        // Two I/O threads: the publisher's thread detects the overflow and must hand the close
        // to the thread that owns the stuck connection.
        NatsServerOptions options = NatsServerOptions.builder().port(0).maxPayloadBytes(64 * 1024)
                .maxPendingBytes(256 * 1024).ioThreads(2).build();
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(options);
             RawClient stuck = RawClient.open(server.port());
             Connection pub = Nats.connect(server.clientUrl());
             Connection good = Nats.connect(server.clientUrl())) {
            stuck.socket.setReceiveBufferSize(4096);
            stuck.send("CONNECT {\"verbose\":false}\r\nSUB firehose 1\r\nPING\r\n");
            assertEquals(List.of(), stuck.linesUntilPong());
            Subscription sub = good.subscribe("side");
            good.flush(WAIT);
            byte[] chunk = new byte[16 * 1024];
            // Far more than socket buffers and the 256 KiB limit hold: the server must cut the
            // stuck client rather than buffer without bound.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.connectionCount() == 3 && System.nanoTime() < deadline) {
                for (int i = 0; i < 64; i++) {
                    pub.publish("firehose", chunk);
                }
                pub.flush(WAIT);
            }
            await("the stuck client is disconnected", () -> server.connectionCount() == 2);
            assertEquals(1, server.slowConsumerCount());
            good.publish("side", "still here".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(WAIT);
            assertNotNull(m);
            assertEquals(Connection.Status.CONNECTED, pub.getStatus());
        }
    }

    @Test
    void idleClientThatNeverAnswersPingsIsStale() throws Exception {
        NatsServerOptions options = NatsServerOptions.builder().port(0).pingInterval(Duration.ofMillis(50)).maxPingsOut(2).build();
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(options); RawClient idle = RawClient.open(server.port())) {
            idle.send("CONNECT {\"verbose\":false}\r\n");
            assertEquals(List.of("PING", "PING", "-ERR 'Stale Connection'"), idle.linesUntilClosed());
        }
    }

    @Test
    void clientThatAnswersPingsStays() throws Exception {
        NatsServerOptions options = NatsServerOptions.builder().port(0).pingInterval(Duration.ofMillis(30)).maxPingsOut(2).build();
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(options); RawClient live = RawClient.open(server.port())) {
            live.send("CONNECT {\"verbose\":false}\r\n");
            for (int i = 0; i < 6; i++) {
                assertEquals("PING", live.readLine());
                live.send("PONG\r\n");
            }
            assertEquals(1, server.connectionCount());
        }
    }

    @Test
    void silentClientIsDroppedAfterTheAuthTimeout() throws Exception {
        NatsServerOptions options = NatsServerOptions.builder().port(0).token("t").authTimeout(Duration.ofMillis(100)).build();
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(options); RawClient silent = RawClient.open(server.port())) {
            assertEquals(List.of("-ERR 'Authentication Timeout'"), silent.linesUntilClosed());
            await("no connections", () -> server.connectionCount() == 0);
        }
    }

    @Test
    void halfOpenConnectionMidFrameIsClosedAndCleanedUp() throws Exception {
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).build())) {
            for (String partial : List.of("PUB foo 10\r\nabc", "SUB foo 1\r\nPU", "CONNECT {\"verb")) {
                try (RawClient raw = RawClient.open(server.port())) {
                    raw.send(partial);
                    raw.socket.shutdownOutput();
                    raw.linesUntilClosed();
                }
            }
            await("connections and subscriptions released",
                    () -> server.connectionCount() == 0 && server.subscriptionCount() == 0);
        }
    }

    @Test
    void serverClosesWhileClientsPublish() throws Exception {
        EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).build());
        try (Connection c = Nats.connect(new io.nats.client.Options.Builder().server(server.clientUrl()).noReconnect().build())) {
            c.subscribe("x");
            Thread publisher = new Thread(() -> {
                try {
                    while (c.getStatus() == Connection.Status.CONNECTED) {
                        c.publish("x", new byte[100]);
                    }
                } catch (IllegalStateException expected) {
                    // the connection closed under us: the point of the test
                }
            }, "test-publisher");
            publisher.start();
            Thread.sleep(100); // let traffic build; the assertion below does not depend on timing
            server.close();
            publisher.join(WAIT.toMillis());
            assertFalse(publisher.isAlive());
        }
    }

    @Test
    void closeIsSafeWithoutClients() throws IOException {
        EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).ioThreads(3).build());
        server.close();
        assertThrows(IOException.class, () -> new RawClient(server.port()).readLine());
    }
}
