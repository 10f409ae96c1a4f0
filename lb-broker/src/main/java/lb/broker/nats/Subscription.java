package lb.broker.nats;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code SUB} of one client: subject, optional queue group, sid and auto-unsubscribe limit.
 *
 * <p>Thread-safe: created on the client's I/O thread, then read by every I/O thread that
 * delivers to it. {@code maxMessages} is volatile (set by UNSUB from the owner thread) and the
 * delivery count is atomic, so two publishers on different threads never deliver past the limit.
 */
final class Subscription {
    final ClientSession client;
    final String subject;
    final String queue;
    final String sid;
    final byte[] sidBytes;
    private final AtomicLong delivered = new AtomicLong();
    private volatile long maxMessages; // 0 = unlimited
    private volatile boolean removed;

    Subscription(ClientSession client, String subject, String queue, String sid) {
        this.client = client;
        this.subject = subject;
        this.queue = queue;
        this.sid = sid;
        this.sidBytes = sid.getBytes(StandardCharsets.ISO_8859_1);
    }

    long delivered() {
        return delivered.get();
    }

    void maxMessages(long max) {
        this.maxMessages = max;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    /**
     * Claims one delivery. Returns 0 if the message must not be delivered (limit reached or
     * removed), 1 to deliver, 2 to deliver and then remove the subscription (this was the last).
     * Every claim counts, as nats-server's per-subscription message count does.
     */
    int claim() {
        if (removed) {
            return 0;
        }
        long n = delivered.incrementAndGet();
        long max = maxMessages;
        if (max <= 0) {
            return 1;
        }
        if (n > max) {
            return 0;
        }
        return n == max ? 2 : 1;
    }

    @Override
    public String toString() {
        return "sub(" + subject + (queue != null ? " queue " + queue : "") + " sid " + sid + ")";
    }
}
