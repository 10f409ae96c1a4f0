package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * One suite, run against the embedded server and against Debian's nats-server: jnats behaviour
 * and exact protocol bytes (errors, +OK, HMSG) must be the same on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException
abstract class NatsCompatibilitySuite {
    static final Duration WAIT = Duration.ofSeconds(10);

    private NatsTarget shared;

    abstract NatsTarget start(NatsTarget.Auth auth) throws Exception;

    @BeforeAll
    void startShared() throws Exception {
        shared = start(NatsTarget.Auth.NONE);
    }

    @AfterAll
    void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    Connection connect(Options.Builder b) throws Exception {
        return Nats.connect(b.server(shared.url()).connectionTimeout(Duration.ofSeconds(5)).build());
    }

    Connection connect() throws Exception {
        return connect(new Options.Builder());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    // ---- jnats ----

    @Test
    void publishedMessagesArriveInOrder() throws Exception {
        try (Connection c = connect()) {
            Subscription sub = c.subscribe("orders.new");
            c.flush(WAIT);
            for (int i = 0; i < 200; i++) {
                c.publish("orders.new", bytes("m" + i));
            }
            for (int i = 0; i < 200; i++) {
                Message m = sub.nextMessage(WAIT);
                assertNotNull(m, "message " + i);
                assertEquals("m" + i, new String(m.getData(), StandardCharsets.UTF_8));
                assertEquals("orders.new", m.getSubject());
            }
        }
    }

    @Test
    void wildcardsMatchOneTokenOrTheRest() throws Exception {
        try (Connection c = connect()) {
            Subscription star = c.subscribe("w.*");
            Subscription rest = c.subscribe("w.>");
            Subscription mid = c.subscribe("*.x.*");
            Subscription literalStar = c.subscribe("w.a*");
            c.flush(WAIT);
            for (String s : List.of("w.a", "w.a.b", "q.x.y", "w.x.z", "w", "w.a*")) {
                c.publish(s, bytes(s));
            }
            c.flush(WAIT);
            assertEquals(List.of("w.a", "w.a*"), drain(star));
            assertEquals(List.of("w.a", "w.a.b", "w.x.z", "w.a*"), drain(rest));
            assertEquals(List.of("q.x.y", "w.x.z"), drain(mid));
            assertEquals(List.of("w.a*"), drain(literalStar));
        }
    }

    private static List<String> drain(Subscription sub) throws InterruptedException {
        List<String> got = new ArrayList<>();
        Message m;
        while ((m = sub.nextMessage(Duration.ofMillis(300))) != null) {
            got.add(m.getSubject());
        }
        return got;
    }

    @Test
    void queueGroupGivesEachMessageToOneMember() throws Exception {
        try (Connection pub = connect(); Connection a = connect(); Connection b = connect()) {
            ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
            AtomicInteger plain = new AtomicInteger();
            AtomicInteger total = new AtomicInteger();
            List<Dispatcher> ds = new ArrayList<>();
            int member = 0;
            for (Connection c : List.of(a, a, b)) {
                String id = "member" + member++;
                Dispatcher d = c.createDispatcher(m -> {
                    counts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    total.incrementAndGet();
                });
                d.subscribe("jobs", "workers");
                ds.add(d);
            }
            b.createDispatcher(m -> plain.incrementAndGet()).subscribe("jobs");
            a.flush(WAIT);
            b.flush(WAIT);
            for (int i = 0; i < 600; i++) {
                pub.publish("jobs", bytes("j" + i));
            }
            pub.flush(WAIT);
            await("600 plain deliveries", () -> plain.get() == 600);
            await("600 queue deliveries", () -> total.get() == 600);
            a.flush(WAIT);
            b.flush(WAIT);
            assertEquals(600, total.get(), "each message to exactly one member");
            assertEquals(3, counts.size(), "every member got some: " + counts);
        }
    }

    @Test
    void requestReplyAndNoResponders() throws Exception {
        try (Connection server = connect(); Connection client = connect()) {
            server.createDispatcher(m -> server.publish(m.getReplyTo(), bytes("echo:" + new String(m.getData(), StandardCharsets.UTF_8))))
                    .subscribe("svc.echo");
            server.flush(WAIT);
            Message reply = client.request("svc.echo", bytes("hi"), WAIT);
            assertNotNull(reply);
            assertEquals("echo:hi", new String(reply.getData(), StandardCharsets.UTF_8));

            CompletableFuture<Message> none = client.request("svc.nobody", bytes("x"));
            assertThrows(CancellationException.class, () -> none.get(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    "jnats cancels a request answered by a 503 no-responders status");

            Subscription inbox = client.subscribe("my.inbox.*");
            client.publish("svc.nobody", "my.inbox.1", bytes("x"));
            Message status = inbox.nextMessage(WAIT);
            assertNotNull(status);
            assertTrue(status.isStatusMessage());
            assertEquals(503, status.getStatus().getCode());
            assertEquals("my.inbox.1", status.getSubject());
        }
    }

    @Test
    void headersTravelWithTheMessage() throws Exception {
        try (Connection c = connect()) {
            Subscription sub = c.subscribe("h.test");
            c.flush(WAIT);
            Headers h = new Headers().add("Trace-Id", "abc-123").add("Multi", "one", "two");
            c.publish("h.test", "reply.to", h, bytes("body"));
            Message m = sub.nextMessage(WAIT);
            assertNotNull(m);
            assertTrue(m.hasHeaders());
            assertEquals("abc-123", m.getHeaders().getFirst("Trace-Id"));
            assertEquals(List.of("one", "two"), m.getHeaders().get("Multi"));
            assertEquals("reply.to", m.getReplyTo());
            assertArrayEquals(bytes("body"), m.getData());
        }
    }

    @Test
    void unsubscribeWithMaxStopsAfterThatMany() throws Exception {
        try (Connection c = connect()) {
            Subscription sub = c.subscribe("limited");
            sub.unsubscribe(3);
            c.flush(WAIT);
            for (int i = 0; i < 10; i++) {
                c.publish("limited", bytes("x" + i));
            }
            c.flush(WAIT);
            int n = 0;
            while (n < 3 && sub.nextMessage(WAIT) != null) {
                n++;
            }
            assertEquals(3, n);
            assertFalse(sub.isActive());
        }
    }

    @Test
    void unsubscribeMaxHoldsUnderConcurrentPublishers() throws Exception {
        try (RawClient sub = RawClient.open(shared.port())) {
            sub.send("CONNECT {\"verbose\":false}\r\nSUB race 1\r\nUNSUB 1 250\r\nPING\r\n");
            assertEquals(List.of(), sub.linesUntilPong());
            List<Thread> publishers = new ArrayList<>();
            List<Connection> conns = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                Connection c = connect();
                conns.add(c);
                publishers.add(new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        c.publish("race", bytes("x"));
                    }
                }, "test-publisher-" + p));
            }
            publishers.forEach(Thread::start);
            for (Thread t : publishers) {
                t.join();
            }
            for (Connection c : conns) {
                c.flush(WAIT);
                c.close();
            }
            sub.send("PING\r\n");
            List<String> lines = sub.linesUntilPong();
            assertEquals(500, lines.size(), "exactly 250 MSG frames (2 lines each)");
        }
    }

    @Test
    void queueMemberThatLeavesGetsNoMore() throws Exception {
        try (Connection c = connect()) {
            Subscription stays = c.subscribe("lq", "g");
            Subscription leaves = c.subscribe("lq", "g");
            c.flush(WAIT);
            leaves.unsubscribe();
            c.flush(WAIT);
            for (int i = 0; i < 50; i++) {
                c.publish("lq", bytes("q" + i));
            }
            c.flush(WAIT);
            for (int i = 0; i < 50; i++) {
                assertNotNull(stays.nextMessage(WAIT), "message " + i);
            }
        }
    }

    @Test
    void noEchoHidesOwnMessages() throws Exception {
        try (Connection quiet = connect(new Options.Builder().noEcho()); Connection other = connect()) {
            Subscription sub = quiet.subscribe("echo.test");
            quiet.flush(WAIT);
            quiet.publish("echo.test", bytes("mine"));
            other.publish("echo.test", bytes("theirs"));
            other.flush(WAIT);
            Message m = sub.nextMessage(WAIT);
            assertNotNull(m);
            assertEquals("theirs", new String(m.getData(), StandardCharsets.UTF_8));
            assertNull(sub.nextMessage(Duration.ofMillis(200)));
        }
    }

    @Test
    void drainDeliversEverythingThenCloses() throws Exception {
        try (Connection pub = connect()) {
            Connection sub = connect();
            AtomicInteger got = new AtomicInteger();
            sub.createDispatcher(m -> got.incrementAndGet()).subscribe("drain.me");
            sub.flush(WAIT);
            for (int i = 0; i < 2000; i++) {
                pub.publish("drain.me", bytes("d" + i));
            }
            pub.flush(WAIT);
            await("all 2000 delivered", () -> got.get() == 2000);
            assertTrue(sub.drain(WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(Connection.Status.CLOSED, sub.getStatus());
            assertEquals(2000, got.get());
        }
    }

    @Test
    void maxPayloadIsAdvertisedAndHonoured() throws Exception {
        try (Connection c = connect()) {
            assertEquals(1024 * 1024, c.getMaxPayload());
            Subscription sub = c.subscribe("big");
            c.flush(WAIT);
            byte[] payload = new byte[1024 * 1024];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 31);
            }
            c.publish("big", payload);
            Message m = sub.nextMessage(WAIT);
            assertNotNull(m);
            assertArrayEquals(payload, m.getData());
        }
        try (RawClient raw = RawClient.open(shared.port())) {
            raw.send("CONNECT {\"verbose\":false}\r\nPUB big 1048577\r\n");
            assertEquals(List.of("-ERR 'Maximum Payload Violation'"), raw.linesUntilClosed());
        }
    }

    @Test
    void clientReconnectsAfterTheServerRestarts() throws Exception {
        try (NatsTarget own = start(NatsTarget.Auth.NONE)) {
            CountDownLatch reconnected = new CountDownLatch(1);
            Options o = new Options.Builder().server(own.url()).maxReconnects(-1).reconnectWait(Duration.ofMillis(50))
                    .connectionListener((conn, event) -> {
                        if (event == io.nats.client.ConnectionListener.Events.RECONNECTED) {
                            reconnected.countDown();
                        }
                    }).build();
            try (Connection c = Nats.connect(o)) {
                Subscription sub = c.subscribe("after.restart");
                c.flush(WAIT);
                own.stop();
                own.restart();
                assertTrue(reconnected.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "reconnected");
                // jnats re-sends the SUB after reconnecting; publish until it is in place.
                Message m = null;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (m == null && System.nanoTime() < deadline) {
                    c.publish("after.restart", bytes("back"));
                    m = sub.nextMessage(Duration.ofMillis(200));
                }
                assertNotNull(m, "the subscription was restored on the new server");
                assertEquals("back", new String(m.getData(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void userPasswordAuth() throws Exception {
        try (NatsTarget own = start(NatsTarget.Auth.USER)) {
            try (Connection c = Nats.connect(new Options.Builder().server(own.url()).userInfo(NatsTarget.USER, NatsTarget.PASSWORD).build())) {
                assertNotNull(c.request("nobody.home", bytes("x")).handle((m, e) -> e).get(10, TimeUnit.SECONDS));
            }
            try (RawClient raw = RawClient.open(own.port())) {
                raw.send("CONNECT {\"user\":\"" + NatsTarget.USER + "\",\"pass\":\"wrong\"}\r\nPING\r\n");
                assertEquals(List.of("-ERR 'Authorization Violation'"), raw.linesUntilClosed());
            }
            try (RawClient raw = RawClient.open(own.port())) {
                raw.send("SUB foo 1\r\n");
                assertEquals(List.of("-ERR 'Authorization Violation'"), raw.linesUntilClosed());
            }
        }
    }

    @Test
    void tokenAuth() throws Exception {
        try (NatsTarget own = start(NatsTarget.Auth.TOKEN)) {
            try (Connection c = Nats.connect(new Options.Builder().server(own.url()).token(NatsTarget.TOKEN.toCharArray()).build())) {
                c.flush(WAIT);
            }
            try (RawClient raw = RawClient.open(own.port())) {
                raw.send("CONNECT {\"auth_token\":\"nope\",\"verbose\":false}\r\nPING\r\n");
                assertEquals(List.of("-ERR 'Authorization Violation'"), raw.linesUntilClosed());
            }
            try (RawClient raw = RawClient.open(own.port())) {
                raw.send("CONNECT {\"auth_token\":\"" + NatsTarget.TOKEN + "\",\"verbose\":false}\r\nPING\r\n");
                assertEquals(List.of(), raw.linesUntilPong());
            }
        }
    }

    // ---- exact protocol ----

    private List<String> exchange(String input) throws Exception {
        try (RawClient raw = RawClient.open(shared.port())) {
            raw.send(input + "PING\r\n");
            return raw.linesUntilPong();
        }
    }

    private List<String> fatal(String input) throws Exception {
        try (RawClient raw = RawClient.open(shared.port())) {
            raw.send(input);
            return raw.linesUntilClosed();
        }
    }

    @Test
    void verboseIsTheDefaultUntilConnectTurnsItOff() throws Exception {
        assertEquals(List.of("+OK", "+OK", "MSG v 1 2", "hi", "+OK"), exchange("SUB v 1\r\nPUB v 2\r\nhi\r\nUNSUB 1\r\n"));
        assertEquals(List.of("MSG v 1 r 2", "hi"), exchange("CONNECT {\"verbose\":false}\r\nSUB v 1\r\nPUB v r 2\r\nhi\r\n"));
    }

    @Test
    void protocolIsCaseInsensitiveAndToleratesSpacing() throws Exception {
        assertEquals(List.of("MSG a.b 7 3", "xyz"), exchange("connect {\"verbose\":false}\r\nsub  a.b\t7\r\npub a.b   3\r\nxyz\r\n"));
    }

    @Test
    void hpubDeliversHmsgAndStripsHeadersForOldClients() throws Exception {
        try (RawClient old = RawClient.open(shared.port())) {
            old.send("CONNECT {\"verbose\":false}\r\nSUB h.x 9\r\nPING\r\n");
            assertEquals(List.of(), old.linesUntilPong());
            assertEquals(List.of("HMSG h.x 1 r 18 20", "NATS/1.0", "A: b", "", "hi"),
                    exchange("CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB h.x 1\r\nHPUB h.x r 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n"));
            old.send("PING\r\n");
            assertEquals(List.of("MSG h.x 9 r 2", "hi"), old.linesUntilPong());
        }
    }

    @Test
    void noRespondersAnswersWithA503Status() throws Exception {
        assertEquals(List.of("HMSG r.1 5 16 16", "NATS/1.0 503", "", ""),
                exchange("CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\nSUB r.* 5\r\nPUB nobody r.1 1\r\na\r\n"));
        assertEquals(List.of("-ERR 'no responders requires headers support'"),
                fatal("CONNECT {\"verbose\":false,\"no_responders\":true}\r\n"));
    }

    @Test
    void unsubscribeWithMaxIsEnforcedByTheServer() throws Exception {
        assertEquals(List.of("MSG m 1 1", "a", "MSG m 1 1", "b"),
                exchange("CONNECT {\"verbose\":false}\r\nSUB m 1\r\nUNSUB 1 2\r\nPUB m 1\r\na\r\nPUB m 1\r\nb\r\nPUB m 1\r\nc\r\n"));
        assertEquals(List.of("MSG m 1 1", "a"),
                exchange("CONNECT {\"verbose\":false}\r\nSUB m 1\r\nPUB m 1\r\na\r\nUNSUB 1 1\r\nPUB m 1\r\nb\r\n"));
    }

    @Test
    void invalidSubjectsAreRefusedButTheConnectionLives() throws Exception {
        assertEquals(List.of("-ERR 'Invalid Subject'", "-ERR 'Invalid Subject'", "-ERR 'Invalid Subject'"),
                exchange("CONNECT {\"verbose\":false}\r\nSUB a..b 1\r\nSUB a.>.b 2\r\nSUB .a 3\r\nSUB a* 4\r\n"));
        assertEquals(List.of("-ERR 'Invalid Publish Subject'", "-ERR 'Invalid Publish Subject'"),
                exchange("CONNECT {\"verbose\":false,\"pedantic\":true}\r\nPUB a.* 1\r\nx\r\nPUB a..b 1\r\ny\r\n"));
        assertEquals(List.of(), exchange("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPUB a.* 1\r\nx\r\n"));
    }

    @Test
    void garbageGetsUnknownProtocolOperation() throws Exception {
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("XYZZY\r\n"));
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("MSG foo 1 1\r\na\r\n"));
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("\u0000\u00ff\u0013garbage"));
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("UNSUB\r\n"));
    }

    @Test
    void wrongPayloadSizeGetsUnknownProtocolOperation() throws Exception {
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("CONNECT {\"verbose\":false}\r\nPUB foo 3\r\nabcde\r\n"));
        assertEquals(List.of("-ERR 'Unknown Protocol Operation'"), fatal("CONNECT {\"verbose\":false}\r\nPUB foo 3\r\nab\r\n\r\n"));
    }

    @Test
    void malformedArgumentsCloseSilently() throws Exception {
        for (String bad : List.of("PUB foo bar\r\n", "PUB foo\r\n", "PUB foo -1\r\n", "SUB foo\r\n", "SUB a b c d\r\n",
                "HPUB foo 12 14\r\n", "CONNECT {bad json\r\n")) {
            assertEquals(List.of(), fatal("CONNECT {\"verbose\":false}\r\n" + bad), bad);
        }
    }

    @Test
    void oversizedControlLineIsRefused() throws Exception {
        assertEquals(List.of("-ERR 'maximum control line exceeded'"),
                fatal("CONNECT {\"verbose\":false}\r\nPUB " + "a".repeat(5000) + " 1\r\n"));
        assertEquals(List.of(), exchange("CONNECT {\"verbose\":false}\r\nPUB " + "a".repeat(3000) + " 1\r\nx\r\n"));
    }

    @Test
    void framesArrivingOneByteAtATimeAreReassembled() throws Exception {
        try (RawClient raw = RawClient.open(shared.port())) {
            raw.socket.setTcpNoDelay(true);
            byte[] input = ("CONNECT {\"verbose\":false}\r\nSUB one.byte 7\r\nPUB one.byte reply.x 11\r\nhello world\r\n"
                    + "PING\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (byte b : input) {
                raw.send(new byte[] {b});
            }
            assertEquals(List.of("MSG one.byte 7 reply.x 11", "hello world"), raw.linesUntilPong());
        }
    }

    @Test
    void manyConnectionsEachGetTheMessage() throws Exception {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                RawClient c = RawClient.open(shared.port());
                clients.add(c);
                c.send("CONNECT {\"verbose\":false}\r\nSUB fan.out " + i + "\r\nPING\r\n");
            }
            for (RawClient c : clients) {
                assertEquals(List.of(), c.linesUntilPong());
            }
            try (Connection pub = connect()) {
                pub.publish("fan.out", bytes("all"));
                pub.flush(WAIT);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertEquals("MSG fan.out " + i + " 3", clients.get(i).readLine());
                assertEquals("all", clients.get(i).readLine());
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void badClientsDoNotDisturbOthers() throws Exception {
        try (Connection good = connect()) {
            Subscription sub = good.subscribe("steady");
            good.flush(WAIT);
            for (String bad : List.of("XYZ\r\n", "PUB foo 3\r\nabcdef", "PUB foo 99999999\r\n", "SUB a..b 1\r\n",
                    "PUB " + "x".repeat(10000), "-ERR 'boom'\r\n")) {
                try (RawClient raw = RawClient.open(shared.port())) {
                    raw.send(bad);
                }
                good.publish("steady", bytes(bad));
                Message m = sub.nextMessage(WAIT);
                assertNotNull(m, "still served after " + bad);
            }
        }
    }
}
