package lb.cli;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import lb.cli.position.Position;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import lb.client.LiftbridgeClient;
import lb.client.LiftbridgeException;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;

/**
 * Reads a range of several partitions of one stream and hands the messages, merged, to one
 * consumer thread (the caller of {@link #next()}).
 *
 * <p>Threads: one virtual thread per partition subscription ("lb-read-STREAM-P") takes from the
 * client and puts into a bounded queue; the caller takes from the queue. {@link #close()} (from
 * any thread, e.g. Ctrl-C) cancels every subscription; the readers then end.
 *
 * <p>Positions map onto the API as CLI.md "Positions" says; {@code -N} and a pinned {@code end}
 * are resolved from the leader's partition metadata before subscribing, so that an empty
 * partition or a start past the end simply contributes nothing, and the number of messages to
 * expect is known for the progress bar.
 */
final class MessageReader implements AutoCloseable {

    /** One queue entry: a message, or the end of one partition (message null). */
    record Item(int partition, Api.Message message, LiftbridgeException error) {
    }

    private final LiftbridgeClient client;
    private final String stream;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(4096);
    private final List<Subscription> subs = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int running;
    private long expected;
    private boolean expectedKnown = true;
    /** Partitions read up to a pinned newest offset from a start not known until the first message. */
    private final java.util.Map<Integer, Long> pinnedUnknownStart = new java.util.HashMap<>();

    MessageReader(LiftbridgeClient client, String stream) {
        this.client = client;
        this.stream = stream;
    }

    /**
     * Subscribes to {@code partition} over {@code range}.
     *
     * @return false when the range is empty on this partition (nothing subscribed)
     */
    boolean open(int partition, Range range) {
        SubscriptionOptions o = SubscriptionOptions.create().partition(partition);
        long skip = 0;
        Position from = range.from();
        Stop to = range.to();
        Api.PartitionMetadata pm = null;
        if (from instanceof Position.BeforeEnd || to instanceof Stop.Latest) {
            pm = client.fetchPartitionMetadata(stream, partition);
        }
        long newest = pm == null ? -1 : pm.getNewestOffset();
        long start = -1; // known start offset, or -1
        switch (from) {
            case Position.Earliest e -> o.startAtEarliest();
            case Position.End e -> o.startAtNewOnly();
            case Position.Last e -> {
                o.startAtLatest();
                start = newest;
            }
            case Position.Offset off -> {
                o.startAtOffset(off.offset());
                start = off.offset();
            }
            case Position.BeforeEnd b -> {
                start = Math.max(0, newest + 1 - b.count());
                o.startAtOffset(start);
            }
            case Position.AfterStart a -> {
                o.startAtEarliest();
                skip = a.count();
            }
            case Position.AtTime t -> o.startAtTime(t.time());
        }
        switch (to) {
            case Stop.Never n -> {
                expectedKnown = false;
            }
            case Stop.Latest l -> {
                if (newest < 0 || from instanceof Position.End || (start >= 0 && start > newest)) {
                    return false; // empty partition, or nothing between the start and the pinned end
                }
                o.stopAtOffset(newest); // the same as STOP_LATEST, pinned now, and it tells us the end
                if (start >= 0) {
                    expected += newest - start + 1 - skip;
                } else {
                    pinnedUnknownStart.put(partition, newest); // counted at its first message
                }
            }
            case Stop.AtOffset a -> {
                o.stopAtOffset(a.offset());
                expectedKnown = false;
            }
            case Stop.AtTime t -> {
                o.stopAtTime(t.time());
                expectedKnown = false;
            }
        }
        Subscription s;
        try {
            s = client.subscribe(stream, o);
        } catch (LiftbridgeException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("Stop offset is before start offset") || m.contains("Stream is empty")
                    || m.contains("no message at or before")) {
                return false;
            }
            throw e;
        }
        synchronized (subs) {
            subs.add(s);
        }
        long toSkip = skip;
        running++;
        Thread t = Thread.ofVirtual().name("lb-read-" + stream + "-" + partition).start(() -> pump(partition, s, toSkip));
        threads.add(t);
        return true;
    }

    private void pump(int partition, Subscription s, long skip) {
        LiftbridgeException error = null;
        try {
            long skipped = 0;
            while (true) {
                Api.Message m = s.take();
                if (m == null) {
                    break;
                }
                if (skipped < skip) {
                    skipped++;
                    continue;
                }
                queue.put(new Item(partition, m, null));
            }
        } catch (LiftbridgeException e) {
            if (!closed.get()) {
                error = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                queue.put(new Item(partition, null, error));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Messages expected before every partition reaches its end, as known so far (a partition
     * starting at earliest or a time counts from its first message), or -1 for an unbounded read.
     */
    long expected() {
        return expectedKnown ? expected : -1;
    }

    /** Partitions still being read. */
    int running() {
        return running;
    }

    /**
     * The next item, or null when every partition has ended (or after {@code timeout}).
     * An end-of-partition item is consumed here and reported only when it carries an error.
     */
    Item next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            Item i = left <= 0 ? queue.poll() : queue.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (i == null) {
                return null;
            }
            if (i.message() != null) {
                Long newest = pinnedUnknownStart.remove(i.partition());
                if (newest != null) {
                    expected += newest - i.message().getOffset() + 1;
                }
                return i;
            }
            pinnedUnknownStart.remove(i.partition());
            running--;
            if (i.error() != null) {
                return i;
            }
        }
        return null;
    }

    /** Cancels every subscription; safe from any thread, more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (subs) {
                subs.forEach(Subscription::close);
            }
        }
    }
}
