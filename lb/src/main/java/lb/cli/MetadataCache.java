package lb.cli;

import io.liftbridge.proto.Api;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lb.client.ClusterMetadata;
import lb.client.LiftbridgeClient;
import lb.client.LiftbridgeException;

/**
 * The shell's view of the cluster for completion and the prompt: stream names, partition counts
 * and whether a broker answers. Refreshed every few seconds by one daemon thread
 * ("lb-shell-metadata"); readers never wait longer than {@link #FIRST_WAIT_MS} (only before the
 * first answer), so completion never blocks the prompt for long.
 */
final class MetadataCache implements AutoCloseable {

    static final long FIRST_WAIT_MS = 300;
    private static final long REFRESH_MS = 3000;

    /** One fetched view. */
    record Snapshot(boolean reachable, int brokers, Map<String, Integer> partitions) {
    }

    private final LiftbridgeClient client;
    private final CountDownLatch first = new CountDownLatch(1);
    private final Thread thread;
    private volatile Snapshot snapshot = new Snapshot(false, 0, Map.of());
    private volatile boolean closed;

    MetadataCache(LiftbridgeClient client) {
        this.client = client;
        this.thread = new Thread(this::loop, "lb-shell-metadata");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!closed) {
            refresh();
            first.countDown();
            try {
                Thread.sleep(REFRESH_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Fetches now (also called after commands that change streams). */
    void refresh() {
        try {
            ClusterMetadata md = client.fetchMetadata();
            Map<String, Integer> parts = new TreeMap<>();
            for (Api.StreamMetadata s : md.streams().values()) {
                parts.put(s.getName(), s.getPartitionsCount());
            }
            snapshot = new Snapshot(true, md.brokers().size(), parts);
        } catch (LiftbridgeException e) {
            snapshot = new Snapshot(false, 0, snapshot.partitions()); // keep the names we knew
        }
    }

    Snapshot get() {
        try {
            first.await(FIRST_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return snapshot;
    }

    List<String> streams() {
        return List.copyOf(get().partitions().keySet());
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        client.close();
    }
}
