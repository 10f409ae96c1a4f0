package lb.broker.partition;

import io.liftbridge.proto.Api;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.config.StreamSettings;
import lb.broker.log.AppendResult;
import lb.broker.log.CommitLog;
import lb.broker.log.LogSettings;
import lb.broker.log.LogTasks;
import lb.broker.metadata.EventTimestamps;
import lb.client.envelope.Envelope;

/**
 * One partition on this server: its commit log, its role (leader with a {@link PartitionWriter},
 * or idle), its flags (paused, read-only), the acks waiting for commit, and the readers serving
 * subscriptions. The package's front, driven by {@link Partitions} from metadata events.
 *
 * <p>Threads: lifecycle calls ({@link #open}, {@link #startLeading}, {@link #stopLeading},
 * {@link #pause}, {@link #delete}, {@link #close}) come from the metadata apply thread and are
 * serialized by {@code lifecycle}; the writer thread appends; readers run on subscription
 * threads and only read volatile state and the log. Lock order: {@code lifecycle} before the
 * log's own lock.
 *
 * <p>Commit: with one in-sync replica (a single node), a batch is committed as soon as it is
 * appended (and fsynced under {@code sync=always}); acks with policy ALL wait in
 * {@code deferredAcks} until the high watermark passes them, which is where replication will
 * move the HW from.
 */
public final class Partition implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Partition.class.getName());

    /** Why a partition's log is not serving. */
    enum State { OPEN, PAUSED, DELETED, CLOSED, FAILED }

    private final String stream;
    private final String streamSubject;
    private final int id;
    private final String subject;
    private final String group;
    private final StreamSettings settings;
    private final LogSettings logSettings;
    private final Path dir;
    private final PartitionHost host;
    private final LogTasks tasks;
    private final ScheduledExecutorService timer;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final TreeMap<Long, DeferredAck> deferredAcks = new TreeMap<>(); // writer thread, then whoever stopped it
    private volatile CommitLog log;
    private volatile PartitionWriter writer;
    private volatile State state = State.CLOSED;
    private volatile boolean readonly;
    private volatile EventTimestamps messagesReceived = EventTimestamps.NEVER;
    private volatile long lastMessageNs;
    private volatile long leaderStartNs;
    private ScheduledFuture<?> autoPause;

    Partition(String stream, String streamSubject, int id, String subject, String group,
              StreamSettings settings, LogSettings logSettings, Path dir, PartitionHost host,
              LogTasks tasks, ScheduledExecutorService timer) {
        this.stream = stream;
        this.streamSubject = streamSubject;
        this.id = id;
        this.subject = subject;
        this.group = group;
        this.settings = settings;
        this.logSettings = logSettings;
        this.dir = dir;
        this.host = host;
        this.tasks = tasks;
        this.timer = timer;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Opens (or re-opens after a pause) the log; readers and metadata queries work from here. */
    void open(boolean readonlyFlag) throws IOException {
        lifecycle.lock();
        try {
            if (state == State.OPEN) {
                readonly = readonlyFlag;
                return;
            }
            if (state == State.DELETED) {
                throw new IllegalStateException("partition " + name() + " was deleted");
            }
            log = CommitLog.open(dir, logSettings, host.clock(), tasks);
            readonly = readonlyFlag;
            state = State.OPEN;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Becomes the leader at {@code leaderEpoch}: records the epoch, subscribes, starts writing. */
    void startLeading(long leaderEpoch) throws IOException {
        lifecycle.lock();
        try {
            if (state != State.OPEN || writer != null) {
                return;
            }
            log.assignLeaderEpoch(leaderEpoch);
            // A single in-sync replica: everything written is committed.
            log.setHighWatermark(log.newestOffset());
            leaderStartNs = nowNs();
            PartitionWriter w = new PartitionWriter(this, log, leaderEpoch);
            w.start();
            writer = w;
            scheduleAutoPause(settings.autoPauseTime().toNanos());
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops leading: unsubscribes and lets the writer finish what it had queued. */
    void stopLeading() {
        lifecycle.lock();
        try {
            cancelAutoPause();
            PartitionWriter w = writer;
            writer = null;
            if (w != null) {
                w.stop();
                failDeferredAcks(); // the writer has ended: deferredAcks is ours now
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Pause: stop leading and close the log; readers end with FailedPrecondition. */
    void pause() {
        shutDown(State.PAUSED, false);
    }

    /** Stream deleted: readers end with NotFound, the files go. */
    void delete() {
        shutDown(State.DELETED, true);
    }

    /** Broker shutdown: drain the writer, checkpoint, close; readers end with Internal. */
    @Override
    public void close() {
        shutDown(State.CLOSED, false);
    }

    private void shutDown(State to, boolean deleteFiles) {
        lifecycle.lock();
        try {
            stopLeading();
            CommitLog l = log;
            State from = state;
            state = to;
            if (l != null && from == State.OPEN || l != null && from == State.FAILED) {
                try {
                    if (deleteFiles) {
                        l.delete();
                    } else {
                        l.close();
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "partition " + name() + ": closing its log failed", e);
                }
            } else if (deleteFiles && l != null) {
                try {
                    l.delete();
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "partition " + name() + ": deleting its log failed", e);
                }
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** The storage-failure funnel: the partition goes offline and says so loudly. */
    void onStorageFailure(Throwable e) {
        LOG.log(Level.SEVERE, "partition " + name() + " is offline: its log failed at "
                + dir + "; no further appends until the broker restarts", e);
        state = State.FAILED;
    }

    void setReadonly(boolean flag) {
        readonly = flag;
    }

    // ------------------------------------------------------------------ writer callbacks

    void onMessagesReceived(long nowNs) {
        messagesReceived = messagesReceived.record(nowNs);
        lastMessageNs = nowNs;
    }

    /** A batch was appended: with a single in-sync replica it is committed right away. */
    void onAppended(AppendResult r) {
        log.setHighWatermark(r.lastOffset());
        flushDeferredAcks(r.lastOffset());
    }

    void deferAck(long offset, Api.Ack.Builder ack, LocalPublish origin) {
        deferredAcks.put(offset, new DeferredAck(ack, origin));
    }

    /** An ack waiting for the high watermark, and the in-process publisher it goes to (or null). */
    private record DeferredAck(Api.Ack.Builder ack, LocalPublish origin) {
    }

    private void flushDeferredAcks(long hw) {
        while (!deferredAcks.isEmpty() && deferredAcks.firstKey() <= hw) {
            DeferredAck d = deferredAcks.pollFirstEntry().getValue();
            sendAck(d.ack(), d.origin());
        }
    }

    /** Acks that will not come any more (this server stopped leading): their publishers hear it now. */
    private void failDeferredAcks() {
        for (DeferredAck d : deferredAcks.values()) {
            if (d.origin() != null && d.origin().listener() != null) {
                d.origin().listener().onFailure(PartitionError.NOT_LEADER.status());
            }
        }
        deferredAcks.clear();
    }

    /**
     * Sends an ack: OK acks get the commit timestamp (error acks carry 0). An in-process
     * publisher gets it directly (and on NATS too when it named its own inbox); otherwise it is
     * published to the message's ack inbox.
     */
    void sendAck(Api.Ack.Builder ack, LocalPublish origin) {
        if (ack.getAckError() == Api.Ack.Error.OK) {
            ack.setCommitTimestamp(nowNs());
        }
        if (origin != null) {
            Api.Ack built = ack.build();
            if (origin.listener() != null) {
                origin.listener().onAck(built);
            }
            if (origin.publishAck() && !ack.getAckInbox().isEmpty()) {
                publishAck(ack.getAckInbox(), built);
            }
            return;
        }
        publishAck(ack.getAckInbox(), ack.build());
    }

    private void publishAck(String inbox, Api.Ack ack) {
        try {
            host.nats().publish(inbox, Envelope.encodeAck(ack));
        } catch (IllegalStateException | IllegalArgumentException e) {
            // NATS connection closed, or an inbox that is not a valid subject: the publisher
            // will time out; the message itself is stored.
            LOG.log(Level.FINE, "partition " + name() + ": ack to " + inbox + " not sent", e);
        }
    }

    // ------------------------------------------------------------------ in-process publishes

    /** What became of an in-process publish handed to {@link #offer}. */
    public enum Offer {
        /** Queued for the writer: its listener hears the outcome. */
        QUEUED,
        /** Not queued: the writer's queue is full and the caller may not wait. */
        FULL,
        /** Not queued: this server does not lead the partition now (or it is stopping). */
        NOT_HERE
    }

    /**
     * Hands a message published through this broker's gRPC API straight to the writer, when
     * this server leads the partition. {@link Offer#NOT_HERE} otherwise (not leading, stopping,
     * not open): the caller publishes it through NATS as upstream does. With the writer's queue
     * full it waits when {@code wait}, else returns {@link Offer#FULL}.
     */
    public Offer offer(LocalPublish p, boolean wait) throws InterruptedException {
        PartitionWriter w = writer;
        return w != null && state == State.OPEN ? w.offer(p, wait) : Offer.NOT_HERE;
    }

    /**
     * The value of the {@link PartitionWriter#STORED_BY_HEADER} header that marks this
     * partition's own in-process messages when they are also published on NATS.
     */
    public String echoToken() {
        return host.serverId() + " " + stream + " " + id;
    }

    /** The NATS header that carries {@link #echoToken()}. */
    public static String storedByHeader() {
        return PartitionWriter.STORED_BY_HEADER;
    }

    // ------------------------------------------------------------------ auto-pause

    private void scheduleAutoPause(long delayNs) {
        if (settings.autoPauseTime().isZero() || settings.autoPauseTime().isNegative()) {
            return;
        }
        autoPause = timer.schedule(this::checkIdle, Math.max(delayNs, 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private void cancelAutoPause() {
        ScheduledFuture<?> f = autoPause;
        autoPause = null;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** behavior.md §5 "Automatic pause": idle past the limit (and maybe unsubscribed) → pause. */
    private void checkIdle() {
        if (writer == null) {
            return;
        }
        long limitNs = settings.autoPauseTime().toNanos();
        long last = Math.max(lastMessageNs, leaderStartNs);
        long idleNs = nowNs() - last;
        if (idleNs >= limitNs && (!settings.autoPauseDisableIfSubscribers() || subscribers.get() == 0)) {
            LOG.info(() -> "partition " + name() + " idle for " + TimeUnit.NANOSECONDS.toMillis(idleNs)
                    + " ms: pausing it");
            host.requestAutoPause(stream, id);
            return;
        }
        long remaining = limitNs - idleNs;
        scheduleAutoPause(remaining > 0 ? remaining : limitNs);
    }

    // ------------------------------------------------------------------ reads and state

    /**
     * A reader of committed messages from {@code startOffset}, ending after {@code stopOffset}
     * (-1 = never). Counts as a subscriber until closed.
     */
    public PartitionReader newReader(long startOffset, long stopOffset) {
        CommitLog l = log;
        if (state != State.OPEN || l == null) {
            throw endStatus().exception();
        }
        subscribers.incrementAndGet();
        return new PartitionReader(this, l, startOffset, stopOffset);
    }

    void onReaderClosed() {
        subscribers.decrementAndGet();
    }

    /** The status that ends readers in the current state (OPEN has none). */
    PartitionError endStatus() {
        return switch (state) {
            case OPEN -> null;
            case PAUSED -> PartitionError.LOG_PAUSED;
            case DELETED -> PartitionError.LOG_DELETED;
            case CLOSED, FAILED -> PartitionError.LOG_CLOSED;
        };
    }

    /** The first offset whose timestamp is ≥ {@code timestampNs}; newest + 1 when none is. */
    public long offsetForTimestamp(long timestampNs) throws IOException {
        return openLog().offsetForTimestamp(timestampNs);
    }

    /** Offset of the last committed message; -1 when none (or the log is not open). */
    public long highWatermark() {
        CommitLog l = log;
        return l == null || state != State.OPEN ? -1 : l.highWatermark();
    }

    /** Offset of the last written message; -1 when none (or the log is not open). */
    public long newestOffset() {
        CommitLog l = log;
        return l == null || state != State.OPEN ? -1 : l.newestOffset();
    }

    /** Offset of the first retained message; -1 when none. */
    public long oldestOffset() {
        CommitLog l = log;
        return l == null || state != State.OPEN || l.newestOffset() < 0 ? -1 : l.oldestOffset();
    }

    private CommitLog openLog() {
        CommitLog l = log;
        if (state != State.OPEN || l == null) {
            throw endStatus().exception();
        }
        return l;
    }

    /** True while this server leads the partition and writes it. */
    public boolean isLeading() {
        return writer != null && state == State.OPEN;
    }

    public boolean isReadonly() {
        return readonly;
    }

    /** First and latest time the leader received a message here. */
    public EventTimestamps messagesReceived() {
        return messagesReceived;
    }

    public String stream() {
        return stream;
    }

    public int id() {
        return id;
    }

    String streamSubject() {
        return streamSubject;
    }

    String subject() {
        return subject;
    }

    String group() {
        return group;
    }

    StreamSettings settings() {
        return settings;
    }

    PartitionHost host() {
        return host;
    }

    int batchMaxMessages() {
        return host.batchMaxMessages();
    }

    String name() {
        return "\"" + stream + "\"[" + id + "]";
    }

    long nowNs() {
        Instant t = host.clock().instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Override
    public String toString() {
        return "Partition" + name() + "[" + state + (isLeading() ? ", leader" : "")
                + (readonly ? ", readonly" : "") + "]";
    }
}
