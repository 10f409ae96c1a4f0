package lb.broker.partition;

import io.liftbridge.proto.Api;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.log.AppendResult;
import lb.broker.log.CommitLog;
import lb.broker.log.LogRecord;
import lb.client.envelope.Envelope;
import lb.client.envelope.EnvelopeException;

/**
 * The leader's ingest path for one partition (behavior.md §3): a NATS subscription on the
 * partition subject (queue group = the stream's group) feeds a bounded queue; one writer thread
 * drains it in batches, turns each NATS message into a record (envelope or plain, wire-contract
 * §4.3), appends the batch with one write (the log fsyncs per its sync policy, group-committed),
 * advances the high watermark and sends the acks (§4.4).
 *
 * <p>The same queue takes {@link LocalPublish}es: messages this broker's gRPC handlers hand
 * over in-process ({@link #offer}); they get the same checks, record and ack as an envelope, the
 * ack going to their listener. Their copies republished on NATS (for other streams on the
 * subject) carry {@link #STORED_BY_HEADER} and are skipped here.
 *
 * <p>Threads: a dispatcher thread shared with other partitions only enqueues (blocking when the
 * queue is full, which pushes back into the NATS client's own bounded pending buffer); the
 * writer virtual thread {@code lb-partition-<stream>-<id>-writer} owns everything else. {@link #stop()} unsubscribes,
 * lets the writer finish what was queued, and joins it.
 */
final class PartitionWriter {

    private static final Logger LOG = Logger.getLogger(PartitionWriter.class.getName());
    /** Messages waiting for the writer (upstream's figure). */
    static final int QUEUE_CAPACITY = 65_536;
    private static final Object STOP = new Object();
    /**
     * NATS header on a message the gRPC handlers stored in-process and also published on NATS
     * (for other streams listening on the subject); the partition named by its value skips it.
     */
    public static final String STORED_BY_HEADER = "Lb-Stored-By";

    private final Partition partition;
    private final CommitLog log;
    private final long leaderEpoch;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private Dispatcher dispatcher;
    private io.nats.client.Subscription subscription;
    private volatile boolean failed;
    /** Read-held by offer() while it enqueues, write-held by stop() to close the door. */
    private final ReentrantReadWriteLock stopping = new ReentrantReadWriteLock();
    private boolean stopped; // guarded by stopping
    /** Value of {@link #STORED_BY_HEADER} on this partition's own copies published to NATS. */
    private final String echoToken;
    private final com.google.protobuf.ByteString streamBytes;
    private final com.google.protobuf.ByteString streamSubjectBytes;
    private final com.google.protobuf.ByteString subjectBytes;

    PartitionWriter(Partition partition, CommitLog log, long leaderEpoch) {
        this.partition = partition;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
        this.echoToken = partition.echoToken();
        // Acks name these for every message: encoded once (protobuf would encode each string
        // twice per ack, for its size and for its bytes).
        this.streamBytes = com.google.protobuf.ByteString.copyFromUtf8(partition.stream());
        this.streamSubjectBytes = com.google.protobuf.ByteString.copyFromUtf8(partition.streamSubject());
        this.subjectBytes = com.google.protobuf.ByteString.copyFromUtf8(partition.subject());
        // A virtual thread per partition, like upstream's goroutine: a broker with thousands of
        // partitions does not hold thousands of platform threads; the JDK compensates for the
        // carrier while a write or fsync blocks.
        this.thread = Thread.ofVirtual()
                .name("lb-partition-" + partition.stream() + "-" + partition.id() + "-writer")
                .unstarted(this::run);
    }

    /** Subscribes to the partition subject and starts the writer. */
    void start() {
        thread.start();
        Dispatcher d = partition.host().dispatcher(partition.stream(), partition.id());
        // The queue above bounds memory per partition. A shared dispatcher's thread only hands
        // messages over; it blocks only when this partition's queue is full (its disk is
        // behind), and then NATS's own bounded pending buffer takes the overflow.
        subscription = partition.group().isEmpty()
                ? d.subscribe(partition.subject(), this::onNatsMessage)
                : d.subscribe(partition.subject(), partition.group(), this::onNatsMessage);
        dispatcher = d;
    }

    private void onNatsMessage(Message m) throws InterruptedException {
        if (m.hasHeaders() && echoToken.equals(m.getHeaders().getFirst(STORED_BY_HEADER))) {
            return; // this partition already stored it in-process (see offer)
        }
        queue.put(m);
    }

    /**
     * Queues an in-process publish; its outcome goes to the message's listener from the writer
     * thread. While the queue is full it waits (like the NATS side does) when {@code wait}, and
     * otherwise returns {@link Partition.Offer#FULL} at once (a transport thread must not
     * block). {@link Partition.Offer#NOT_HERE} once the writer is stopping: the caller then
     * publishes through NATS instead.
     */
    Partition.Offer offer(LocalPublish p, boolean wait) throws InterruptedException {
        stopping.readLock().lockInterruptibly();
        try {
            if (stopped) {
                return Partition.Offer.NOT_HERE;
            }
            if (wait) {
                queue.put(p);
            } else if (!queue.offer(p)) {
                return Partition.Offer.FULL;
            }
            return Partition.Offer.QUEUED;
        } finally {
            stopping.readLock().unlock();
        }
    }

    /** Unsubscribes, processes what was already queued, and stops the writer thread. */
    void stop() {
        // After this no offer() enqueues, so STOP below is the last item and every queued
        // in-process publish gets its outcome.
        stopping.writeLock().lock();
        try {
            stopped = true;
        } finally {
            stopping.writeLock().unlock();
        }
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.unsubscribe(subscription);
            } catch (IllegalStateException e) {
                // the connection is already closed: nothing more can arrive
                LOG.log(Level.FINE, "subscription already closed", e);
            }
        }
        try {
            queue.put(STOP);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>(partition.host().batchMaxMessages());
        int max = Math.max(1, partition.batchMaxMessages());
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return; // stop() interrupts only after STOP was not taken in time
            }
            queue.drainTo(batch, max - 1);
            boolean stop = batch.remove(STOP);
            if (failed) {
                failLocal(batch);
            } else if (!batch.isEmpty()) {
                process(batch);
            }
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /** One batch: decode, filter, append, commit, ack. */
    private void process(List<Object> batch) {
        long nowNs = partition.nowNs();
        partition.onMessagesReceived(nowNs);
        boolean occ = partition.settings().optimisticConcurrencyControl();
        List<LogRecord> records = new ArrayList<>(batch.size());
        // Acks go out after the append in message order: a refusal (Refusal) or the index of a
        // stored record (Integer); origins.get(i) is the in-process publish of records.get(i).
        List<Object> acks = new ArrayList<>(batch.size());
        List<LocalPublish> origins = new ArrayList<>(batch.size());
        long next = log.logEndOffset();
        int maxBytes = partition.host().maxMessageBytes();
        int droppedReadonly = 0;
        for (Object o : batch) {
            Incoming in = o instanceof LocalPublish lp ? incoming(lp, nowNs) : incoming((Message) o, nowNs);
            LogRecord rec = in.record();
            LocalPublish origin = in.origin();
            int size = in.size();
            if (size > maxBytes) {
                LOG.warning(() -> "partition " + partition.name() + ": dropped a " + size
                        + "-byte message on " + rec.subject() + " (limit " + maxBytes + " bytes)");
                errorAck(acks, rec, origin, nowNs, Api.Ack.Error.TOO_LARGE);
                continue;
            }
            if (partition.isReadonly()) {
                droppedReadonly++;
                if (origin != null && origin.listener() != null) {
                    origin.listener().onFailure(io.grpc.Status.FAILED_PRECONDITION
                            .withDescription("readonly partition: " + partition.id()));
                }
                continue;
            }
            if (occ) {
                if (in.expectedOffset() != -1 && in.expectedOffset() != next) {
                    errorAck(acks, rec, origin, nowNs, Api.Ack.Error.INCORRECT_OFFSET);
                    continue;
                }
            }
            acks.add(records.size());
            records.add(rec);
            origins.add(origin);
            next++;
        }
        if (droppedReadonly > 0) {
            int n = droppedReadonly;
            LOG.info(() -> "partition " + partition.name() + " is read-only: dropped " + n
                    + " message(s) without ack");
        }
        long firstOffset = -1;
        if (!records.isEmpty()) {
            AppendResult r;
            try {
                r = log.append(records);
            } catch (IOException | RuntimeException e) {
                // Never keep appending after a failed write or fsync: the partition goes offline,
                // and nothing of this batch is acknowledged.
                failed = true;
                partition.onStorageFailure(e);
                failLocal(batch);
                return;
            }
            partition.onAppended(r);
            firstOffset = r.firstOffset();
        }
        sendAcks(acks, records, origins, firstOffset);
    }

    /**
     * One message of a batch: its record, the size its limit is checked against, the offset it
     * expects (optimistic concurrency; -1 = any) and, when it came in-process, its publisher.
     */
    private record Incoming(LogRecord record, int size, long expectedOffset, LocalPublish origin) {
    }

    /** A NATS message: a Liftbridge envelope, or plain data when it is not one (§4.3). */
    private Incoming incoming(Message m, long nowNs) {
        byte[] raw = m.getData() == null ? new byte[0] : m.getData();
        PublishEnvelope env = decode(m, raw);
        String reply = m.getReplyTo() == null ? "" : m.getReplyTo();
        if (env == null) {
            // Plain data: expected offset 0, like an envelope of a client that never sets it.
            return new Incoming(record(nowNs, null, raw, Map.of(), m.getSubject(), reply, "", "",
                    Api.AckPolicy.LEADER_VALUE), raw.length, 0, null);
        }
        byte[] key = env.key.length == 0 ? null : env.key;
        return new Incoming(record(nowNs, key, env.value, env.headers, m.getSubject(), reply,
                env.ackInbox, env.correlationId, env.ackPolicy), raw.length, env.expectedOffset, null);
    }

    /** An in-process publish: what its envelope would have become. */
    private Incoming incoming(LocalPublish p, long nowNs) {
        Map<String, byte[]> headers = PublishEnvelope.storedHeaders(p.headers());
        return new Incoming(record(nowNs, p.key().isEmpty() ? null : p.key().toByteArray(), p.value().toByteArray(),
                headers, p.subject(), "", p.ackInbox(), p.correlationId(), p.ackPolicy()),
                p.envelopeSize(), p.expectedOffset(), p);
    }

    private LogRecord record(long nowNs, byte[] key, byte[] value, Map<String, byte[]> headers, String subject,
                             String reply, String ackInbox, String correlationId, int ackPolicy) {
        // The "subject" and "reply" headers every message carries (behavior.md) are not stored:
        // the record has both as fields, and the reader adds the headers from them.
        return new LogRecord(LogRecord.UNASSIGNED, nowNs, leaderEpoch, key, value, headers,
                subject, reply, ackInbox, correlationId, ackPolicy);
    }

    private static PublishEnvelope decode(Message m, byte[] raw) {
        if (!Envelope.hasMagic(raw)) {
            return null;
        }
        try {
            return PublishEnvelope.parse(raw); // fields go into the record as they are read
        } catch (EnvelopeException e) {
            // Liftbridge stores any non-decodable message as plain data (§4.3).
            LOG.log(Level.FINE, () -> "plain message on " + m.getSubject() + ": " + e.getMessage());
            return null;
        }
    }

    /** The batch was not stored: tell the in-process publishers now instead of letting them time out. */
    private void failLocal(List<Object> batch) {
        for (Object o : batch) {
            if (o instanceof LocalPublish lp && lp.listener() != null) {
                lp.listener().onFailure(io.grpc.Status.INTERNAL.withDescription(
                        "partition " + partition.name() + " failed to store the message"));
            }
        }
    }

    private void sendAcks(List<Object> acks, List<LogRecord> records, List<LocalPublish> origins, long firstOffset) {
        long committed = log.highWatermark();
        for (Object a : acks) {
            if (a instanceof Refusal refusal) {
                partition.sendAck(refusal.ack(), refusal.origin());
                continue;
            }
            int i = (Integer) a;
            LogRecord rec = records.get(i);
            LocalPublish origin = origins.get(i);
            if (rec.ackPolicy() == Api.AckPolicy.NONE_VALUE
                    || rec.ackInbox().isEmpty() && (origin == null || origin.listener() == null)) {
                continue;
            }
            long offset = firstOffset + i;
            if (rec.ackPolicy() == Api.AckPolicy.ALL_VALUE && offset > committed) {
                partition.deferAck(offset, ack(rec, offset), origin);
                continue;
            }
            partition.sendAck(ack(rec, offset), origin);
        }
    }

    /** The UTF-8 of a message's subject; the partition's own (the usual case) is encoded once. */
    private com.google.protobuf.ByteString subjectBytes(String subject) {
        return subject.equals(partition.subject()) ? subjectBytes : com.google.protobuf.ByteString.copyFromUtf8(subject);
    }

    /** A refused message's ack and, for an in-process publish, where it goes. */
    private record Refusal(Api.Ack.Builder ack, LocalPublish origin) {
    }

    private Api.Ack.Builder ack(LogRecord rec, long offset) {
        return Api.Ack.newBuilder()
                .setStreamBytes(streamBytes)
                .setPartitionSubjectBytes(streamSubjectBytes)
                .setMsgSubjectBytes(subjectBytes(rec.subject()))
                .setOffset(offset)
                .setAckInbox(rec.ackInbox())
                .setCorrelationId(rec.correlationId())
                .setAckPolicyValue(rec.ackPolicy())
                .setReceptionTimestamp(rec.timestampNs());
    }

    /** Refusal acks go out regardless of the ack policy, with offset 0 (§4.4). */
    private void errorAck(List<Object> acks, LogRecord rec, LocalPublish origin, long nowNs, Api.Ack.Error error) {
        if (rec.ackInbox().isEmpty() && (origin == null || origin.listener() == null)) {
            return;
        }
        acks.add(new Refusal(Api.Ack.newBuilder()
                .setStreamBytes(streamBytes)
                .setPartitionSubjectBytes(streamSubjectBytes)
                .setMsgSubjectBytes(subjectBytes(rec.subject()))
                .setAckInbox(rec.ackInbox())
                .setCorrelationId(rec.correlationId())
                .setAckPolicyValue(rec.ackPolicy())
                .setReceptionTimestamp(nowNs)
                .setAckError(error), origin));
    }
}
