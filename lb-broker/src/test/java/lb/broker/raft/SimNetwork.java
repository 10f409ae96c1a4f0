package lb.broker.raft;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The simulation's scheduler, fake clock and in-memory network in one place (they share the seeded
 * random and the event queue). Single-threaded: everything runs inside {@link #runUntil}.
 *
 * <p>The network drops, delays (uniformly, hence reorders), duplicates and partitions requests and
 * responses alike. Each server's {@link Transport} is a {@link RaftTransport}; a response is handed to
 * the sender only if that same transport instance is still open (a restarted server has a new one,
 * as a reconnected NATS client has a new reply inbox).
 */
final class SimNetwork {
    private record Event(long timeMs, long seq, Runnable action) {}

    final Random random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
            a.timeMs != b.timeMs ? Long.compare(a.timeMs, b.timeMs) : Long.compare(a.seq, b.seq));
    private long seq;
    private long now;
    private final Map<String, Transport> transports = new HashMap<>();
    private final Map<String, Integer> side = new HashMap<>(); // partition: servers on different sides cannot talk

    double dropRate;
    double duplicateRate;
    long minDelayMs = 1;
    long maxDelayMs = 20;
    long delivered;
    private Runnable afterEvent = () -> { };

    SimNetwork(Random random) { this.random = random; }

    long now() { return now; }

    void afterEvent(Runnable r) { afterEvent = r; }

    void at(long timeMs, Runnable action) {
        queue.add(new Event(Math.max(timeMs, now), seq++, action));
    }

    /** Runs events in time order until the queue is empty or the clock passes {@code endMs}. */
    void runUntil(long endMs) {
        while (!queue.isEmpty() && queue.peek().timeMs <= endMs) {
            Event e = queue.poll();
            now = e.timeMs;
            e.action.run();
            afterEvent.run();
        }
        now = Math.max(now, endMs);
    }

    /** Splits servers into two sides (a side number per id); heal() joins them again. */
    void partition(Set<String> oneSide) {
        side.clear();
        for (String id : transports.keySet()) side.put(id, oneSide.contains(id) ? 1 : 0);
    }

    void heal() { side.clear(); }

    private boolean connected(String a, String b) {
        return side.getOrDefault(a, 0).equals(side.getOrDefault(b, 0));
    }

    Transport transport(String id) {
        Transport t = new Transport(id);
        transports.put(id, t);
        return t;
    }

    /** Schedules delivery across the network: maybe dropped, maybe twice, after a random delay. */
    private void carry(String from, String to, Runnable deliver) {
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            if (random.nextDouble() < dropRate) continue;
            long delay = minDelayMs + random.nextLong(maxDelayMs - minDelayMs + 1);
            at(now + delay, () -> {
                if (connected(from, to)) {
                    delivered++;
                    deliver.run();
                }
            });
        }
    }

    /** One server's endpoint. */
    final class Transport implements RaftTransport {
        private final String id;
        private RequestHandler handler;
        private boolean open = true;

        Transport(String id) { this.id = id; }

        @Override
        public void start(String selfId, RequestHandler handler) {
            this.handler = handler;
        }

        @Override
        public void send(String to, RaftMessage request, Consumer<RaftMessage> onReply) {
            if (!open) return;
            if (to.equals(RaftNode.JOIN_ADDRESS)) {
                for (String other : new java.util.TreeSet<>(transports.keySet())) {
                    if (!other.equals(id)) send(other, request, onReply);
                }
                return;
            }
            carry(id, to, () -> {
                Transport target = transports.get(to);
                if (target == null || !target.open || target.handler == null) return;
                CompletableFuture<RaftMessage> f = target.handler.handle(request);
                f.thenAccept(response -> {
                    if (response == null) return;
                    carry(to, id, () -> {
                        if (open && transports.get(id) == this) onReply.accept(response);
                    });
                });
            });
        }

        @Override
        public void close() { open = false; }
    }
}
