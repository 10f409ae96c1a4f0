package lb.broker.partition;

import io.liftbridge.proto.Api;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
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
 * writer virtual thread {@code lb-partition-<stream>-<id>-writer} decodes, checks and appends.
 * Under {@code sync=always} a second one, {@code ...-committer}, waits for each batch's fsync
 * and then advances the high watermark and sends the acks, in batch order, while the writer
 * already stores the next batch (so writes overlap fsyncs; one fsync covers every batch written
 * before it started). Without fsyncs the writer does that itself. {@link #stop()} unsubscribes,
 * lets both finish what was queued, and joins them.
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
    /** Appended batches waiting for their fsync; null when appends are not fsynced. */
    private final BlockingQueue<Object> committing;
    private final Thread committer;
    /** Batches appended and not yet committed, at most (bounds how far writes run ahead). */
    static final int MAX_COMMITTING = 1024;
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
        String name = "lb-partition-" + partition.stream() + "-" + partition.id();
        this.thread = Thread.ofVirtual().name(name + "-writer").unstarted(this::run);
        if (log.settings().sync().kind() == lb.broker.log.SyncPolicy.Kind.ALWAYS) {
            this.committing = new ArrayBlockingQueue<>(MAX_COMMITTING);
            this.committer = Thread.ofVirtual().name(name + "-committer").unstarted(this::commitLoop);
        } else {
            this.committing = null;
            this.committer = null;
        }
    }

    /** Subscribes to the partition subject and starts the writer. */
    void start() {
        if (committer != null) {
            committer.start();
        }
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
     * Queues an in-process publish (waiting while the queue is full, like the NATS side does);
     * false once the writer is stopping, and then the caller publishes through NATS instead.
     * Its outcome goes to the message's listener from the writer thread.
     */
    boolean offer(LocalPublish p) throws InterruptedException {
        stopping.readLock().lockInterruptibly();
        try {
            if (stopped) {
                return false;
            }
            queue.put(p);
            return true;
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
            if (committer != null) {
                committer.join(TimeUnit.SECONDS.toMillis(30)); // the writer handed it STOP last
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Object> batch = new ArrayList<>(partition.host().batchMaxMessages());
        int max = Math.max(1, partition.batchMaxMessages());
        try {
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
        } finally {
            if (committing != null) {
                handOver(STOP);
            }
        }
    }

    /** Queues for the committer, waiting while it is {@link #MAX_COMMITTING} batches behind. */
    private void handOver(Object item) {
        boolean interrupted = false;
        while (true) {
            try {
                committing.put(item);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the item must not be lost: its acks or STOP
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The committer: waits for one fsync covering every batch handed over so far, then commits
     * them in order. Ends at STOP (after the batches before it).
     */
    private void commitLoop() {
        List<Object> ready = new ArrayList<>();
        while (true) {
            try {
                ready.add(committing.take());
            } catch (InterruptedException e) {
                return;
            }
            committing.drainTo(ready);
            boolean stop = ready.remove(STOP);
            long end = -1;
            for (Object o : ready) {
                Appended a = (Appended) o;
                if (a.result() != null) {
                    end = Math.max(end, a.result().lastOffset() + 1);
                }
            }
            boolean durable = !failed;
            if (durable && end >= 0) {
                try {
                    log.awaitDurable(end);
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    partition.onStorageFailure(e);
                    durable = false;
                }
            }
            for (Object o : ready) {
                Appended a = (Appended) o;
                if (durable) {
                    commit(a);
                } else {
                    failCommit(a);
                }
            }
            ready.clear();
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
        AppendResult r = null;
        if (!records.isEmpty()) {
            try {
                r = committing == null ? log.append(records) : log.appendNoWait(records);
            } catch (IOException | RuntimeException e) {
                // Never keep appending after a failed write or fsync: the partition goes offline,
                // and nothing of this batch is acknowledged.
                failed = true;
                partition.onStorageFailure(e);
                failLocal(batch);
                return;
            }
        }
        Appended a = new Appended(r, acks, records, origins);
        if (committing == null) {
            commit(a);
        } else {
            handOver(a); // refusal-only batches too: acks leave in message order
        }
    }

    /**
     * A batch that was appended (result null: every message was refused) and waits to be
     * committed: its acks in message order (see process) and its records' in-process publishers.
     */
    private record Appended(AppendResult result, List<Object> acks, List<LogRecord> records,
                            List<LocalPublish> origins) {
    }

    /** A batch whose fsync failed: its in-process publishers hear it now instead of timing out. */
    private void failCommit(Appended a) {
        List<Object> local = new ArrayList<>(a.origins());
        for (Object ack : a.acks()) {
            if (ack instanceof Refusal refusal) {
                local.add(refusal.origin());
            }
        }
        failLocal(local);
    }

    /** The batch is durable: the high watermark moves past it and its acks go out. */
    private void commit(Appended a) {
        long firstOffset = -1;
        if (a.result() != null) {
            partition.onAppended(a.result());
            firstOffset = a.result().firstOffset();
        }
        sendAcks(a.acks(), a.records(), a.origins(), firstOffset);
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
        Api.Message env = decode(m, raw);
        String reply = m.getReplyTo() == null ? "" : m.getReplyTo();
        if (env == null) {
            // Plain data: expected offset 0, like an envelope of a client that never sets it.
            return new Incoming(record(nowNs, null, raw, Map.of(), m.getSubject(), reply, "", "",
                    Api.AckPolicy.LEADER_VALUE), raw.length, 0, null);
        }
        Map<String, byte[]> headers = copy(env.getHeadersMap());
        byte[] key = env.getKey().isEmpty() ? null : env.getKey().toByteArray();
        return new Incoming(record(nowNs, key, env.getValue().toByteArray(), headers, m.getSubject(), reply,
                env.getAckInbox(), env.getCorrelationId(), env.getAckPolicyValue()), raw.length, env.getOffset(), null);
    }

    /** An in-process publish: what its envelope would have become. */
    private Incoming incoming(LocalPublish p, long nowNs) {
        Map<String, byte[]> headers = copy(p.headers());
        return new Incoming(record(nowNs, p.key().isEmpty() ? null : p.key().toByteArray(), p.value().toByteArray(),
                headers, p.subject(), "", p.ackInbox(), p.correlationId(), p.ackPolicy()),
                p.envelopeSize(), p.expectedOffset(), p);
    }

    private static Map<String, byte[]> copy(Map<String, com.google.protobuf.ByteString> headers) {
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> out = new HashMap<>(headers.size() * 2);
        headers.forEach((k, v) -> {
            // The broker's own "subject" and "reply" replace a publisher's headers of those
            // names (as upstream overwrites them); the reader adds them from the record's fields.
            if (!k.equals("subject") && !k.equals("reply")) {
                out.put(k, v.toByteArray());
            }
        });
        return out;
    }

    private LogRecord record(long nowNs, byte[] key, byte[] value, Map<String, byte[]> headers, String subject,
                             String reply, String ackInbox, String correlationId, int ackPolicy) {
        // The "subject" and "reply" headers every message carries (behavior.md) are not stored:
        // the record has both as fields, and the reader adds the headers from them.
        return new LogRecord(LogRecord.UNASSIGNED, nowNs, leaderEpoch, key, value, headers,
                subject, reply, ackInbox, correlationId, ackPolicy);
    }

    private static Api.Message decode(Message m, byte[] raw) {
        if (!Envelope.hasMagic(raw)) {
            return null;
        }
        try {
            return Envelope.decodePublishAliased(raw); // fields are copied into the record once
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
