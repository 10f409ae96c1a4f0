package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs, mostly mutated protocol, fed to the parser whole and in random chunks:
 * no exception but {@link ProtocolException} may escape, and chunking must not change what is
 * decoded. {@code -Dlb.nats.fuzz.inputs=1000000} for the long run (default 100000); a failure
 * prints the seed and input number, and {@code -Dlb.nats.fuzz.seed=N} replays it.
 */
@SuppressWarnings("try") // jnats' Connection.close() declares InterruptedException
class ParserFuzzTest {
    private static final int INPUTS = Integer.getInteger("lb.nats.fuzz.inputs", 100_000);
    private static final long SEED = Long.getLong("lb.nats.fuzz.seed", 20261122L);

    /** Exercises what ClientSession does with each operation, and records it. */
    private static final class RecordingHandler implements ProtocolHandler {
        final List<String> events = new ArrayList<>();
        final SubjectTrie trie = new SubjectTrie();
        final MatchCache cache = new MatchCache(trie);
        final ProtocolParser parser;

        RecordingHandler() {
            parser = new ProtocolParser(this, 256, 1024);
            trie.insert(new lb.broker.nats.Subscription(null, "a.*", null, "1"));
            trie.insert(new lb.broker.nats.Subscription(null, ">", "q", "2"));
        }

        @Override
        public void onConnect(byte[] buf, int off, int len) throws ProtocolException {
            ConnectOptions o = new ConnectOptions();
            try {
                o.apply(buf, off, len);
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(null, e.getMessage());
            }
            parser.headersAllowed(o.headers);
            events.add("CONNECT " + o.headers + o.verbose + o.echo + o.name);
        }

        @Override
        public void onPub(byte[] args, int so, int sl, int ro, int rl, byte[] payload, int po, int hdr, int total) {
            boolean literal = Subjects.isValidLiteral(args, so, sl);
            MatchResult r = cache.match(args, so, sl);
            events.add("PUB " + ProtocolParser.ascii(args, so, so + sl) + " " + ProtocolParser.ascii(args, ro, ro + rl)
                    + " " + hdr + " " + total + " " + literal + " " + r.plain.length + "/" + r.queueGroups.length
                    + " " + new String(payload, po, total, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onSub(String subject, String queue, String sid) {
            boolean ok = Subjects.isValidSubscribe(subject) && (queue == null || Subjects.isValidQueue(queue));
            events.add("SUB " + subject + " " + queue + " " + sid + " " + ok);
        }

        @Override
        public void onUnsub(String sid, long max) {
            events.add("UNSUB " + sid + " " + max);
        }

        @Override
        public void onPing() {
            events.add("PING");
        }

        @Override
        public void onPong() {
            events.add("PONG");
        }

        @Override
        public void beforeOp(boolean isConnect) {
        }
    }

    private static final String[] FRAGMENTS = {
        "CONNECT {\"verbose\":false,\"headers\":true,\"name\":\"x\"}\r\n",
        "CONNECT {\"verbose\":false,\"pedantic\":true,\"echo\":false,\"tls_required\":false,\"nested\":{\"a\":[1,2,{\"b\":null}]}}\r\n",
        "CONNECT {\"user\":\"\\u0041\\n\"}\r\n",
        "PUB a.b 5\r\nhello\r\n", "PUB a.b reply.x 0\r\n\r\n", "pub\ta.c\t3\r\nabc\r\n", "PUB a.* 1\r\nx\r\n",
        "HPUB a.b 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "HPUB a.b r 22 25\r\nNATS/1.0\r\nK: v\r\n\r\nhey\r\n",
        "SUB a.> 1\r\n", "SUB a..b 2\r\n", "SUB x q 3\r\n", "UNSUB 1\r\n", "UNSUB 1 5\r\n", "UNSUB 1 x\r\n",
        "PING\r\n", "PONG\r\n", "ping\n", "INFO {}\r\n", "+OK\r\n", "-ERR 'x'\r\n",
        "PUB a 2000\r\n", "PUB a 3\r\nabcdef\r\n", "PUB a\r\n", "SUB\r\n", "XYZ\r\n", "\r\n",
    };

    private static byte[] randomInput(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1 + r.nextInt(6);
        for (int p = 0; p < parts; p++) {
            int kind = r.nextInt(10);
            if (kind < 7) {
                out.writeBytes(FRAGMENTS[r.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.ISO_8859_1));
            } else if (kind < 9) {
                byte[] b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                out.writeBytes(b);
            } else {
                out.writeBytes(("PUB " + "s".repeat(r.nextInt(300)) + " 1\r\nx\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        byte[] b = out.toByteArray();
        int mutations = r.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(3)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = (byte) "\r\n .*>0123456789 ".charAt(r.nextInt(17));
                default -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
            }
        }
        return b;
    }

    /** Parses in the given chunks; returns the events, then "ERR <text>" if the parser refused. */
    private static List<String> run(byte[] input, int[] cuts) {
        RecordingHandler h = new RecordingHandler();
        int from = 0;
        try {
            for (int cut : cuts) {
                // copy each chunk into a fresh, reused-looking buffer as the I/O thread would
                byte[] chunk = new byte[cut - from + 8];
                System.arraycopy(input, from, chunk, 4, cut - from);
                h.parser.parse(chunk, 4, cut - from);
                java.util.Arrays.fill(chunk, (byte) '#'); // the caller reuses its buffer
                from = cut;
            }
        } catch (ProtocolException e) {
            h.events.add("ERR " + e.clientError());
        }
        return h.events;
    }

    @Test
    void randomInputsNeverEscapeAndChunkingChangesNothing() {
        Random r = new Random(SEED);
        for (int n = 0; n < INPUTS; n++) {
            byte[] input = randomInput(r);
            int[] whole = {input.length};
            int pieces = 1 + r.nextInt(Math.max(1, Math.min(input.length, 8)));
            int[] cuts = new int[pieces];
            for (int i = 0; i < pieces - 1; i++) {
                cuts[i] = r.nextInt(input.length + 1);
            }
            cuts[pieces - 1] = input.length;
            java.util.Arrays.sort(cuts);
            try {
                assertEquals(run(input, whole), run(input, cuts), "chunked parse differs");
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("fuzz input " + n + " (seed " + SEED + "): "
                        + new String(input, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"), e);
            }
        }
    }

    @Test
    void randomInputsOverRealSocketsLeaveTheServerServing() throws Exception {
        Random r = new Random(SEED + 1);
        try (EmbeddedNatsServer server = EmbeddedNatsServer.start(NatsServerOptions.builder().port(0).build());
             Connection good = Nats.connect(server.clientUrl())) {
            Subscription sub = good.subscribe("a.b");
            good.flush(Duration.ofSeconds(10));
            for (int n = 0; n < 300; n++) {
                try (RawClient raw = RawClient.open(server.port())) {
                    raw.send(randomInput(r));
                } catch (IOException e) {
                    // the server may cut a bad client while we are still writing: that is allowed
                }
            }
            good.publish("a.b", "after".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(10));
            assertNotNull(m);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.connectionCount() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, server.connectionCount(), "every fuzz connection was closed and released");
            assertEquals(0, server.internalErrors.get(), "no unexpected exception reached a connection's edge");
        }
    }
}
