package lb.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lb.client.LiftbridgeClient;
import lb.client.MessageOptions;
import lb.client.StreamOptions;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a broker process while it takes publishes with {@code sync=always}: after a
 * restart every acknowledged message is there, offsets are contiguous from 0 and no message is
 * stored twice. Repeated, each time killing at a random moment and restarting on the same data.
 */
class BrokerCrashTest {

    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedPublishSurvivesKillDashNine() throws Exception {
        Random rnd = new Random(20261122);
        Path data = dir.resolve("data");
        Map<String, Long> acked = new ConcurrentHashMap<>(); // value -> offset
        int sent = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Process child = startChild(data);
            int port = awaitReady(child);
            try (LiftbridgeClient client = LiftbridgeClient.builder().seeds("127.0.0.1:" + port)
                    .ackTimeout(Duration.ofSeconds(10)).build()) {
                if (round == 0) {
                    client.createStream("crash", "crash", StreamOptions.defaults());
                }
                ConcurrentLinkedQueue<CompletableFuture<Api.Ack>> inFlight = new ConcurrentLinkedQueue<>();
                // Publish until this round has 100 acks (however slow the machine), then for a
                // random moment more, and kill the broker in the middle of it.
                int before = acked.size();
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long killAt = Long.MAX_VALUE;
                while (System.nanoTime() < killAt && System.nanoTime() < giveUp) {
                    if (killAt == Long.MAX_VALUE && acked.size() - before >= 100) {
                        killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(rnd.nextInt(300));
                    }
                    String value = "r" + round + "-m" + sent++;
                    inFlight.add(client.publishAsync("crash", value.getBytes(StandardCharsets.UTF_8),
                            MessageOptions.create().ackPolicy(Api.AckPolicy.ALL))
                            .whenComplete((ack, e) -> {
                                if (ack != null) {
                                    acked.put(value, ack.getOffset());
                                }
                            }));
                    if (inFlight.size() > 200) {
                        inFlight.poll().exceptionally(e -> null).join();
                    }
                }
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                for (CompletableFuture<Api.Ack> f : inFlight) {
                    f.exceptionally(e -> null).join(); // fail or complete once the broker is gone
                }
            }
        }
        assertTrue(acked.size() >= ROUNDS * 100, "acknowledged publishes: " + acked.size());

        Process child = startChild(data);
        int port = awaitReady(child);
        try (LiftbridgeClient client = LiftbridgeClient.connect("127.0.0.1:" + port)) {
            Map<String, Long> stored = new ConcurrentHashMap<>();
            long expectedOffset = 0;
            try (Subscription s = client.subscribe("crash", SubscriptionOptions.create().startAtEarliest()
                    .stopAtLatest())) {
                for (Api.Message m; (m = s.poll(Duration.ofSeconds(10))) != null; expectedOffset++) {
                    assertEquals(expectedOffset, m.getOffset(), "offsets are contiguous");
                    Long before = stored.put(m.getValue().toStringUtf8(), m.getOffset());
                    assertEquals(null, before, "stored twice: " + m.getValue().toStringUtf8());
                }
                assertEquals(Subscription.End.STOP_REACHED, s.end());
            }
            for (Map.Entry<String, Long> a : acked.entrySet()) {
                Long offset = stored.get(a.getKey());
                assertNotNull(offset, "acknowledged message lost: " + a.getKey());
                assertEquals(a.getValue(), offset, "acknowledged offset of " + a.getKey());
            }
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process startChild(Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                BrokerChild.class.getName(), data.toString(), Integer.toString(TestBroker.freePort())))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static int awaitReady(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        return Integer.parseInt(line.substring(6).trim());
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("broker child exited with " + p.exitValue());
        });
        return port.get(60, TimeUnit.SECONDS);
    }
}
