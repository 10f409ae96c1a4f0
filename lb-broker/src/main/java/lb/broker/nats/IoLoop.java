package lb.broker.nats;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread ({@code lb-nats-io-N}): a selector over a share of the connections, which it
 * reads, parses and answers, plus the deliveries those reads cause to any connection.
 *
 * <p>Owns (touched only on its thread): the selector's keys, its sessions, the shared read
 * buffer (the parser copies what straddles reads, so one buffer per thread suffices), the
 * {@link MatchCache}, and the list of connections touched since the last flush. Other threads
 * talk to it only through {@link #execute} (a task queue plus a selector wake-up).
 *
 * <p>Batching: after each read is parsed, every connection that got output is flushed once
 * ({@link #flushTouched}), so a 256 KiB read of small PUBs becomes one write per subscriber.
 */
final class IoLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger("lb.broker.nats");
    /**
     * One per I/O thread, not per connection, so it can be large: bigger reads mean bigger
     * batches per flush and fewer frames straddling reads (both 64 and 256 KiB were measured;
     * 256 used less server CPU per message in the fan-out bench).
     */
    static final int READ_BUFFER_BYTES = 256 * 1024;

    final int index;
    final ByteBuffer readBuffer;
    final byte[] readArray;
    final MatchCache cache;
    private final EmbeddedNatsServer server;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayList<ClientSession> touched = new ArrayList<>();
    private final Set<ClientSession> sessions = new HashSet<>();
    private final long tickNs;
    private long epoch;
    private long random;
    private volatile boolean running = true;

    IoLoop(EmbeddedNatsServer server, int index, SubjectTrie trie, long tickNs) throws IOException {
        this.server = server;
        this.index = index;
        this.readArray = new byte[READ_BUFFER_BYTES];
        this.readBuffer = ByteBuffer.wrap(readArray);
        this.cache = new MatchCache(trie);
        this.selector = Selector.open();
        this.tickNs = tickNs;
        this.random = System.nanoTime() | 1;
        this.thread = new Thread(this, "lb-nats-io-" + index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop's thread, soon. Safe from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    void wakeup() {
        selector.wakeup();
    }

    /** Hands a freshly accepted channel to this loop. Safe from any thread. */
    void adopt(SocketChannel channel, long cid, String remote) {
        execute(() -> {
            ClientSession session = new ClientSession(server, this, channel, cid, remote, System.nanoTime());
            try {
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ, session);
                sessions.add(session);
                server.connectionOpened();
                session.onRegistered(key);
                flushTouched();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "NATS cid:" + cid + " " + remote + ": could not register the connection", e);
                closeQuietly(channel, e);
            }
        });
    }

    private static void closeQuietly(SocketChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Marks a connection for the next flush; this loop's thread only. */
    void touch(ClientSession c) {
        if (c.touchEpoch[index] != epoch) {
            c.touchEpoch[index] = epoch;
            touched.add(c);
        }
    }

    /** Flushes every connection touched since the last call: one write each. */
    void flushTouched() {
        for (int i = 0; i < touched.size(); i++) {
            touched.get(i).flush(this);
        }
        touched.clear();
        epoch++;
    }

    /** A cheap xorshift for picking queue-group members; this loop's thread only. */
    int nextRandom(int bound) {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return (int) ((x >>> 1) % bound);
    }

    void onClosed(ClientSession session) {
        if (sessions.remove(session)) {
            server.connectionClosed();
        }
    }

    @Override
    public void run() {
        long nextTick = System.nanoTime() + tickNs;
        try {
            while (running) {
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(waitMs);
                runTasks();
                Set<SelectionKey> keys = selector.selectedKeys();
                if (!keys.isEmpty()) {
                    Iterator<SelectionKey> it = keys.iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        ClientSession session = (ClientSession) key.attachment();
                        if (!key.isValid()) {
                            continue;
                        }
                        try {
                            int ready = key.readyOps();
                            if ((ready & SelectionKey.OP_WRITE) != 0) {
                                session.flush(this);
                            }
                            if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
                                session.onReadable();
                            }
                        } catch (RuntimeException e) {
                            // One connection's failure must not stop the thread serving the others.
                            LOG.log(Level.ERROR, "NATS " + session.describe() + ": internal error, closing the connection", e);
                            session.close("internal error: " + e, null);
                        }
                    }
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + tickNs;
                    for (ClientSession s : new ArrayList<>(sessions)) {
                        s.onTick(now);
                    }
                    flushTouched();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "NATS I/O thread " + thread.getName() + " failed; closing its connections", e);
        } finally {
            shutdownSessions();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "NATS I/O task failed on " + thread.getName(), e);
            }
        }
        flushTouched();
    }

    /**
     * Closing: give each connection up to {@code graceNs} in total to take what is buffered
     * (so a last reply is not lost), then close all.
     */
    private void shutdownSessions() {
        runTasks(); // adopt or close whatever was handed over before the stop
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        for (ClientSession s : sessions) {
            s.flush(this);
        }
        while (System.nanoTime() < deadline && sessions.stream().anyMatch(ClientSession::hasPendingOutput)) {
            try {
                selector.select(10);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "NATS select failed while closing " + thread.getName(), e);
                break;
            }
            selector.selectedKeys().clear();
            for (ClientSession s : sessions) {
                s.flush(this);
            }
        }
        for (ClientSession s : new ArrayList<>(sessions)) {
            s.close("server shutting down", null);
        }
        runTasks();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "NATS selector close failed on " + thread.getName(), e);
        }
    }

    /** Stops the loop and waits for its thread; connections are flushed (briefly) and closed. */
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
