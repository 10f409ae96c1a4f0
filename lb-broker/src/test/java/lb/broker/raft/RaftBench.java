package lb.broker.raft;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Proposal throughput and latency of {@link RaftServer} over a real NATS server with fsync on every
 * batch: {@code servers} in this JVM, {@code count} proposals of {@code bytes} each, at most
 * {@code window} outstanding. Not a test: run as a main (see the report for the command).
 * Arguments: {@code servers count bytes window} (defaults 3 20000 100 256).
 */
public final class RaftBench {
    public static void main(String[] args) throws Exception {
        int servers = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        Path tmp = Files.createTempDirectory("raft-bench");
        RaftConfig cfg = RaftConfig.defaults().withTimeouts(1000, 2000, 100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < servers; i++) ids.add("b" + i);
        List<RaftServer> all = new ArrayList<>();
        List<Connection> conns = new ArrayList<>();
        TestNats nats = TestNats.start();
        try {
            for (String id : ids) {
                List<String> peers = new ArrayList<>(ids);
                peers.remove(id);
                Connection nc = Nats.connect(nats.url());
                conns.add(nc);
                RaftConfig c = servers == 1 ? cfg.withBootstrap(true, List.of()) : cfg.withBootstrap(false, peers);
                RaftServer s = new RaftServer(id, c, tmp.resolve(id), new NatsTransport(nc, "bench", Duration.ofSeconds(2), 64),
                        new StateMachine() {
                            @Override
                            public Object apply(long index, byte[] command) { return index; }

                            @Override
                            public byte[] snapshot() { return new byte[0]; }

                            @Override
                            public void restore(byte[] snapshot) { }
                        }, Duration.ofSeconds(10));
                s.start();
                all.add(s);
            }
            RaftServer leader = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leader == null && System.nanoTime() < deadline) {
                for (RaftServer s : all) if (s.isLeader()) leader = s;
                Thread.sleep(10);
            }
            if (leader == null) throw new IllegalStateException("no leader");
            byte[] payload = new byte[bytes];
            for (int round = 0; round < 2; round++) { // round 0 warms up
                int n = round == 0 ? Math.min(count, 2000) : count;
                long[] latencyNs = new long[n];
                Semaphore slots = new Semaphore(window);
                List<CompletableFuture<Object>> futures = new ArrayList<>(n);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    slots.acquire();
                    long t0 = System.nanoTime();
                    int k = i;
                    futures.add(leader.propose(payload).whenComplete((v, e) -> {
                        latencyNs[k] = System.nanoTime() - t0;
                        slots.release();
                    }));
                }
                CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
                double secs = (System.nanoTime() - start) / 1e9;
                Arrays.sort(latencyNs);
                if (round == 1) {
                    System.out.printf("servers=%d proposals=%d bytes=%d window=%d: %.0f proposals/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                            servers, n, bytes, window, n / secs, latencyNs[n / 2] / 1e6, latencyNs[(int) (n * 0.99)] / 1e6,
                            latencyNs[n - 1] / 1e6);
                }
            }
        } finally {
            for (RaftServer s : all) s.close();
            for (Connection c : conns) c.close();
            nats.close(); // last: the servers' connections close cleanly first
        }
    }
}
