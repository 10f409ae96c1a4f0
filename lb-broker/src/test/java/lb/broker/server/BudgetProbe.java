package lb.broker.server;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import lb.client.LiftbridgeClient;
import lb.client.MessageOptions;
import lb.client.StreamOptions;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;

/**
 * Drives a running broker for scripts/broker-budget. Commands:
 * <pre>
 *   streams HOST:PORT N P PREFIX create N streams of P partitions named PREFIX0..PREFIX(N-1)
 *   publish HOST:PORT STREAM M   publish M 256-byte messages (ack LEADER, 1000 in flight)
 *   slowread HOST:PORT STREAM S  subscribe from the start, read one message, then hold S seconds
 *                                without reading (a slow subscriber), then read the rest
 * </pre>
 */
public final class BudgetProbe {

    private BudgetProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (LiftbridgeClient c = LiftbridgeClient.builder().seeds(args[1]).timeout(Duration.ofSeconds(60))
                .ackTimeout(Duration.ofSeconds(60)).maxInFlight(1000).build()) {
            switch (args[0]) {
                case "streams" -> {
                    int n = Integer.parseInt(args[2]);
                    int p = Integer.parseInt(args[3]);
                    String prefix = args[4];
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        c.createStream(prefix + i, prefix + i, StreamOptions.defaults().partitions(p));
                    }
                    System.out.printf("created %d streams x %d partitions in %.1f s%n", n, p,
                            (System.nanoTime() - t0) / 1e9);
                }
                case "publish" -> {
                    String stream = args[2];
                    long m = Long.parseLong(args[3]);
                    c.createStream(stream, stream, StreamOptions.defaults());
                    byte[] value = new byte[256];
                    List<CompletableFuture<Api.Ack>> window = new ArrayList<>();
                    long t0 = System.nanoTime();
                    for (long i = 0; i < m; i++) {
                        window.add(c.publishAsync(stream, value, MessageOptions.create()));
                        if (window.size() == 10_000) {
                            window.forEach(CompletableFuture::join);
                            window.clear();
                        }
                    }
                    window.forEach(CompletableFuture::join);
                    System.out.printf("published %d messages in %.1f s%n", m, (System.nanoTime() - t0) / 1e9);
                }
                case "slowread" -> {
                    String stream = args[2];
                    long holdSeconds = Long.parseLong(args[3]);
                    try (Subscription s = c.subscribe(stream, SubscriptionOptions.create().startAtEarliest()
                            .stopAtLatest())) {
                        s.poll(Duration.ofSeconds(30));
                        System.out.println("subscribed; holding " + holdSeconds + " s without reading");
                        System.out.flush();
                        Thread.sleep(holdSeconds * 1000);
                        long n = 1;
                        while (s.poll(Duration.ofSeconds(30)) != null) {
                            n++;
                        }
                        System.out.println("read " + n + " messages; end: " + s.end());
                    }
                }
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }
}
