package lb.broker.partition;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;

/**
 * A fixed set of NATS dispatchers shared by the partitions of one broker: each dispatcher is a
 * thread, so a broker with thousands of partitions uses a handful of them instead of thousands.
 * A partition always gets the same one (by hash), so its messages stay in order. Thread-safe.
 */
public final class Dispatchers implements AutoCloseable {

    private final Connection nats;
    private final Dispatcher[] dispatchers;

    /** {@code count} dispatchers on {@code nats} (at least 1). */
    public Dispatchers(Connection nats, int count) {
        this.nats = nats;
        this.dispatchers = new Dispatcher[Math.max(1, count)];
        for (int i = 0; i < dispatchers.length; i++) {
            dispatchers[i] = nats.createDispatcher();
        }
    }

    /** The dispatcher of partition {@code id} of {@code stream}. */
    public Dispatcher forPartition(String stream, int id) {
        return dispatchers[Math.floorMod(stream.hashCode() * 31 + id, dispatchers.length)];
    }

    @Override
    public void close() {
        for (Dispatcher d : dispatchers) {
            try {
                nats.closeDispatcher(d);
            } catch (IllegalStateException e) {
                // the connection is already closed, and the dispatcher with it
            }
        }
    }
}
