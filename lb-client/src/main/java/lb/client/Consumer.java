package lb.client;

import io.grpc.Status;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A member of a Liftbridge consumer group (behavior.md §11): joins the group, asks the group's
 * coordinator for its partitions every 0.4 × the consumer timeout (which is also its heartbeat),
 * subscribes to them as a group member (fenced by the group epoch), hands their messages to
 * {@link #poll}, and checkpoints positions as cursors with id {@code __group:<groupId>}
 * (the Go client's convention), so that whoever holds a partition next starts after the last
 * checkpoint.
 *
 * <p><b>Delivery: at least once.</b> A message returned by {@link #poll} counts as processed
 * when {@code poll} is called again, or on {@link #commit()} or {@link #close()}; only processed
 * positions are checkpointed (every {@link ConsumerOptions#checkpointInterval}, on
 * {@link #commit()}, when a partition is taken away, and on close). A partition is consumed from
 * its checkpoint + 1 (or per {@link ConsumerOptions.AutoOffset} when it has none); a member that
 * dies between processing and checkpointing causes redelivery, never loss. On a rebalance,
 * messages of a lost partition still buffered here are dropped (the new owner reads them from the
 * checkpoint); a subscription that ends (leader change, replacement) is re-established from the
 * message after the last one returned, so nothing is skipped.
 *
 * <p><b>Failures.</b> FailedPrecondition from the coordinator (epoch moved, coordinator moved)
 * → the coordinator and epoch are re-read from FetchMetadata; "not a member" or "group does not
 * exist" (the member was removed for silence) → the member re-joins; no answer from the
 * coordinator for the coordinator timeout → the member reports it
 * (ReportConsumerGroupCoordinator) so that the controller can move the group.
 *
 * <p><b>Threads.</b> {@link #poll}, {@link #commit} and {@link #close} belong to one user
 * thread. A platform thread {@code lb-consumer-<group>-<id>} polls assignments, rebalances and
 * checkpoints; one virtual thread per subscribed partition moves messages into a bounded buffer
 * (so a slow user holds the broker back). {@code lock} guards the partition table; cursor and
 * subscribe calls are made under it by the background thread, so {@link #poll} may wait for one
 * such call (at most the client timeout).
 */
public final class Consumer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Consumer.class.getName());

    /** The cursor id under which the group's positions are stored: {@code __group:<groupId>}. */
    public static String cursorId(String groupId) {
        return "__group:" + groupId;
    }

    /** One partition this member owns. Fields guarded by {@code lock} unless noted. */
    private static final class Owned {
        final String stream;
        final int partition;
        /** Bumped on every (re)subscription and on revocation; buffered entries of older generations are dropped. */
        volatile int generation;
        volatile boolean revoked;
        /** Set by the reader thread when its subscription ended. */
        volatile boolean ended;
        Subscription sub;
        /** Offset of the last message returned by poll (-1: none yet and no checkpoint). */
        long returned;
        /** Offset of the last message processed (returned and then followed by poll/commit/close). */
        long processed;
        /** Offset last written as checkpoint. */
        long committed;

        Owned(String stream, int partition) {
            this.stream = stream;
            this.partition = partition;
        }

        String key() {
            return stream + "/" + partition;
        }
    }

    private record Entry(Owned owner, int generation, Api.Message message) {
    }

    private final LiftbridgeClient client;
    private final ConsumerOptions options;
    private final String cursorId;
    private final BlockingQueue<Entry> buffer;
    private final ReentrantLock lock = new ReentrantLock();
    /** Serialises checkpoint writes (user thread and background thread); a lock, not a monitor, for virtual threads. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Owned partitions by "stream/partition"; guarded by lock. */
    private final Map<String, Owned> owned = new TreeMap<>();
    private volatile String coordinator;
    private volatile long epoch;
    private volatile Duration consumerTimeout;
    private volatile Duration coordinatorTimeout;
    private volatile boolean closed;
    private final Thread worker;
    /** The last message returned by poll, not yet counted as processed (user thread). */
    private Entry lastReturned;

    private Consumer(LiftbridgeClient client, ConsumerOptions options) {
        this.client = Objects.requireNonNull(client);
        this.options = options;
        this.cursorId = cursorId(options.groupId);
        this.buffer = new LinkedBlockingQueue<>(options.buffer);
        this.worker = Thread.ofPlatform().name("lb-consumer-" + options.groupId + "-" + options.consumerId)
                .daemon(true).unstarted(this::run);
    }

    /**
     * Joins the group and starts consuming its assigned partitions. A member id that is still a
     * member (a restart before the coordinator removed it) carries on as that member.
     *
     * @throws LiftbridgeException when the group cannot be joined (e.g. a stream does not exist)
     */
    public static Consumer join(LiftbridgeClient client, ConsumerOptions options) {
        if (options.streams.isEmpty()) {
            throw new IllegalArgumentException("a consumer needs at least one stream");
        }
        Consumer c = new Consumer(client, options);
        c.joinGroup();
        try {
            c.refresh();
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.DEBUG, "first assignment fetch failed; retrying: " + e.getMessage());
        }
        c.worker.start();
        return c;
    }

    private void joinGroup() {
        try {
            Api.JoinConsumerGroupResponse r = client.joinConsumerGroup(options.groupId, options.consumerId,
                    options.streams);
            coordinator = r.getCoordinator();
            epoch = r.getEpoch();
            consumerTimeout = Duration.ofNanos(r.getConsumerTimeout());
            coordinatorTimeout = Duration.ofNanos(r.getCoordinatorTimeout());
        } catch (LiftbridgeException e) {
            if (e.code() != Status.Code.FAILED_PRECONDITION || !String.valueOf(e.getMessage())
                    .startsWith("consumer is already a member")) {
                throw e;
            }
            refreshCoordinator();
            if (consumerTimeout == null) { // restarted before removal: timeouts are unknown; use upstream's defaults
                consumerTimeout = Duration.ofSeconds(15);
                coordinatorTimeout = Duration.ofSeconds(15);
            }
        }
    }

    /** Re-reads the coordinator and epoch from FetchMetadata(groups). */
    private void refreshCoordinator() {
        Api.FetchMetadataResponse m = client.fetchMetadata(List.of(), List.of(options.groupId));
        for (Api.ConsumerGroupMetadata g : m.getGroupMetadataList()) {
            if (g.getGroupId().equals(options.groupId)) {
                if (g.getError() == Api.ConsumerGroupMetadata.Error.UNKNOWN_GROUP) {
                    throw new LiftbridgeException(LiftbridgeException.Kind.FAILED_PRECONDITION,
                            Status.Code.NOT_FOUND, "consumer group does not exist", null);
                }
                coordinator = g.getCoordinator();
                epoch = g.getEpoch();
            }
        }
    }

    // ------------------------------------------------------------------ user API

    /**
     * The next message of any assigned partition, waiting up to {@code timeout}; null when none
     * arrived. Calling it marks the previously returned message processed.
     */
    public Api.Message poll(Duration timeout) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("consumer is closed");
        }
        markProcessed();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Entry e = buffer.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null) {
                return null;
            }
            lock.lock();
            try {
                if (e.generation() != e.owner().generation || e.owner().revoked) {
                    continue; // from a partition taken away or re-subscribed since
                }
                e.owner().returned = e.message().getOffset();
            } finally {
                lock.unlock();
            }
            lastReturned = e;
            return e.message();
        }
    }

    /** Marks the last returned message processed and checkpoints every owned partition now. */
    public void commit() {
        markProcessed();
        checkpoint(true);
    }

    /** The partitions this member holds: stream → partition ids. */
    public Map<String, List<Integer>> assignment() {
        lock.lock();
        try {
            Map<String, List<Integer>> a = new TreeMap<>();
            for (Owned o : owned.values()) {
                a.computeIfAbsent(o.stream, k -> new ArrayList<>()).add(o.partition);
            }
            return a;
        } finally {
            lock.unlock();
        }
    }

    /** The group epoch this member last saw. */
    public long epoch() {
        return epoch;
    }

    /** The coordinator this member talks to. */
    public String coordinator() {
        return coordinator;
    }

    public String groupId() {
        return options.groupId;
    }

    public String consumerId() {
        return options.consumerId;
    }

    /**
     * Stops: checkpoints what was processed (including the last message returned), leaves the
     * group (its partitions move to the other members at once) and ends the subscriptions.
     * Failures are logged, not thrown.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        try {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        markProcessed();
        try {
            checkpoint(true);
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.WARNING, "final checkpoint of " + options.consumerId + " failed: "
                    + e.getMessage());
        }
        try {
            client.leaveConsumerGroup(options.groupId, options.consumerId);
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.WARNING, options.consumerId + " could not leave group " + options.groupId
                    + ": " + e.getMessage());
        }
        lock.lock();
        try {
            for (Owned o : owned.values()) {
                o.revoked = true;
                o.generation++;
                if (o.sub != null) {
                    o.sub.close();
                }
            }
            owned.clear();
        } finally {
            lock.unlock();
        }
        buffer.clear();
    }

    private void markProcessed() {
        Entry e = lastReturned;
        if (e == null) {
            return;
        }
        lastReturned = null;
        lock.lock();
        try {
            if (!e.owner().revoked) {
                e.owner().processed = Math.max(e.owner().processed, e.message().getOffset());
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ background

    private void run() {
        long lastContact = System.nanoTime();
        long nextCheckpoint = System.nanoTime() + options.checkpointInterval.toNanos();
        while (!closed) {
            long interval = Math.max(10, consumerTimeout.toMillis() * 2 / 5); // the Go client's 0.4 × timeout
            try {
                refresh();
                lastContact = System.nanoTime();
            } catch (LiftbridgeException e) {
                if (closed) {
                    return;
                }
                lastContact = onFailure(e, lastContact);
                interval = Math.min(interval, 2_000); // the Go client waits 2 s after an error
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "consumer " + options.consumerId + " failed a cycle", e);
            }
            if (!options.checkpointInterval.isZero() && System.nanoTime() - nextCheckpoint >= 0) {
                try {
                    checkpoint(false);
                } catch (LiftbridgeException e) {
                    LOG.log(System.Logger.Level.WARNING, "checkpoint failed: " + e.getMessage());
                }
                nextCheckpoint = System.nanoTime() + options.checkpointInterval.toNanos();
            }
            long sleep = interval;
            if (!options.checkpointInterval.isZero()) {
                sleep = Math.min(sleep, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextCheckpoint - System.nanoTime())));
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Handles a failed assignment fetch; returns the new "last contact" time. */
    private long onFailure(LiftbridgeException e, long lastContact) {
        String msg = String.valueOf(e.getMessage());
        try {
            if (msg.startsWith("consumer is not a member") || msg.startsWith("consumer group does not exist")) {
                LOG.log(System.Logger.Level.INFO, options.consumerId + " is no longer a member of "
                        + options.groupId + "; re-joining");
                revokeAll();
                joinGroup();
                return System.nanoTime();
            }
            if (e.code() == Status.Code.FAILED_PRECONDITION) {
                refreshCoordinator(); // epoch or coordinator moved
                return System.nanoTime();
            }
            if (System.nanoTime() - lastContact > coordinatorTimeout.toNanos()) {
                LOG.log(System.Logger.Level.WARNING, "coordinator " + coordinator + " of group " + options.groupId
                        + " silent for " + coordinatorTimeout.toMillis() + " ms; reporting it");
                client.reportConsumerGroupCoordinator(options.groupId, options.consumerId, coordinator, epoch);
                refreshCoordinator();
                return System.nanoTime();
            }
        } catch (LiftbridgeException again) {
            LOG.log(System.Logger.Level.DEBUG, "recovery step failed: " + again.getMessage());
        }
        return lastContact;
    }

    /** Fetches the assignment (heartbeat) and makes the subscriptions match it. */
    private void refresh() {
        Api.FetchConsumerGroupAssignmentsResponse r = client.fetchConsumerGroupAssignments(coordinator,
                options.groupId, options.consumerId, epoch);
        long newEpoch = r.getEpoch();
        Set<String> wanted = new HashSet<>();
        List<Owned> toAdd = new ArrayList<>();
        for (Api.PartitionAssignment a : r.getAssignmentsList()) {
            for (int p : a.getPartitionsList()) {
                Owned o = new Owned(a.getStream(), p);
                wanted.add(o.key());
                toAdd.add(o);
            }
        }
        lock.lock();
        try {
            epoch = newEpoch;
            for (Owned o : new ArrayList<>(owned.values())) {
                if (!wanted.contains(o.key())) {
                    revoke(o);
                }
            }
            for (Owned o : toAdd) {
                Owned existing = owned.get(o.key());
                if (existing == null) {
                    assign(o);
                } else if (existing.ended || existing.sub == null) {
                    subscribe(existing, existing.returned);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes a partition: reads the group's checkpoint and subscribes after it. Under lock. */
    private void assign(Owned o) {
        long cursor;
        try {
            cursor = client.fetchCursor(cursorId, o.stream, o.partition);
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read checkpoint of " + o.key() + "; will retry: "
                    + e.getMessage());
            return; // not owned yet: the next cycle tries again
        }
        o.returned = cursor;
        o.processed = cursor;
        o.committed = cursor;
        owned.put(o.key(), o);
        subscribe(o, cursor);
    }

    /** (Re)subscribes after offset {@code after} (-1: per auto-offset). Under lock. */
    private void subscribe(Owned o, long after) {
        if (o.sub != null) {
            o.sub.close();
        }
        int generation = ++o.generation;
        o.ended = false;
        o.sub = null;
        SubscriptionOptions so = SubscriptionOptions.create().partition(o.partition).resume(true)
                .consumer(options.groupId, options.consumerId, epoch).window(Math.min(options.buffer, 1024));
        if (after >= 0) {
            so.startAtOffset(after + 1);
        } else if (options.autoOffset == ConsumerOptions.AutoOffset.EARLIEST) {
            so.startAtEarliest();
        } else {
            so.startAtNewOnly();
        }
        Subscription sub;
        try {
            sub = client.subscribe(o.stream, so);
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot subscribe to " + o.key() + "; will retry: " + e.getMessage());
            o.ended = true;
            return;
        }
        o.sub = sub;
        Thread.ofVirtual().name("lb-consumer-read-" + o.key()).start(() -> read(o, generation, sub));
    }

    private void read(Owned o, int generation, Subscription sub) {
        try {
            while (!closed && o.generation == generation) {
                Api.Message m = sub.poll(Duration.ofMillis(200));
                if (m == null) {
                    if (sub.end() != null) {
                        break;
                    }
                    continue;
                }
                Entry e = new Entry(o, generation, m);
                while (!buffer.offer(e, 100, TimeUnit.MILLISECONDS)) {
                    if (closed || o.generation != generation) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (LiftbridgeException e) {
            LOG.log(System.Logger.Level.INFO, "subscription to " + o.key() + " ended: " + e.getMessage());
        } finally {
            if (o.generation == generation) {
                o.ended = true; // the next cycle re-subscribes after the last returned message
            }
        }
    }

    /** Gives a partition up: drops its buffered messages, checkpoints what was processed. Under lock. */
    private void revoke(Owned o) {
        o.revoked = true;
        o.generation++;
        if (o.sub != null) {
            o.sub.close();
        }
        owned.remove(o.key());
        if (o.processed > o.committed) {
            try {
                client.setCursor(cursorId, o.stream, o.partition, o.processed);
            } catch (LiftbridgeException e) {
                LOG.log(System.Logger.Level.WARNING, "checkpoint of lost partition " + o.key() + " failed ("
                        + "its next owner may see messages again): " + e.getMessage());
            }
        }
    }

    private void revokeAll() {
        lock.lock();
        try {
            for (Owned o : new ArrayList<>(owned.values())) {
                revoke(o);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes the processed position of every owned partition that moved; {@code strict}: throw the first failure. */
    private void checkpoint(boolean strict) {
        commitLock.lock();
        try {
            record Todo(Owned o, long offset) {
            }
            List<Todo> todo = new ArrayList<>();
            lock.lock();
            try {
                for (Owned o : owned.values()) {
                    if (o.processed > o.committed) {
                        todo.add(new Todo(o, o.processed));
                    }
                }
            } finally {
                lock.unlock();
            }
            LiftbridgeException first = null;
            for (Todo t : todo) {
                try {
                    client.setCursor(cursorId, t.o().stream, t.o().partition, t.offset());
                    lock.lock();
                    try {
                        t.o().committed = Math.max(t.o().committed, t.offset());
                    } finally {
                        lock.unlock();
                    }
                } catch (LiftbridgeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null && strict) {
                throw first;
            }
            if (first != null) {
                LOG.log(System.Logger.Level.WARNING, "checkpoint failed: " + first.getMessage());
            }
        } finally {
            commitLock.unlock();
        }
    }
}
