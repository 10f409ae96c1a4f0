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

    private final Partition partition;
    private final CommitLog log;
    private final long leaderEpoch;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private Dispatcher dispatcher;
    private io.nats.client.Subscription subscription;
    private volatile boolean failed;

    PartitionWriter(Partition partition, CommitLog log, long leaderEpoch) {
        this.partition = partition;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
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
        queue.put(m);
    }

    /** Unsubscribes, processes what was already queued, and stops the writer thread. */
    void stop() {
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
            if (!failed && !batch.isEmpty()) {
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
        // Acks go out after the append in message order: a refusal ack (Api.Ack.Builder) or
        // the index of a stored record (Integer).
        List<Object> acks = new ArrayList<>(batch.size());
        long next = log.logEndOffset();
        int maxBytes = partition.host().maxMessageBytes();
        int droppedReadonly = 0;
        for (Object o : batch) {
            Message m = (Message) o;
            byte[] raw = m.getData() == null ? new byte[0] : m.getData();
            Api.Message env = null;
            if (Envelope.hasMagic(raw)) {
                try {
                    env = Envelope.decodePublish(raw);
                } catch (EnvelopeException e) {
                    // Liftbridge stores any non-decodable message as plain data (§4.3).
                    LOG.log(Level.FINE, () -> "plain message on " + m.getSubject() + ": " + e.getMessage());
                }
            }
            String ackInbox = env == null ? "" : env.getAckInbox();
            String correlationId = env == null ? "" : env.getCorrelationId();
            int ackPolicy = env == null ? Api.AckPolicy.LEADER_VALUE : env.getAckPolicyValue();
            if (raw.length > maxBytes) {
                LOG.warning(() -> "partition " + partition.name() + ": dropped a " + raw.length
                        + "-byte message on " + m.getSubject() + " (limit " + maxBytes + " bytes)");
                errorAck(acks, m, ackInbox, correlationId, ackPolicy, nowNs, Api.Ack.Error.TOO_LARGE);
                continue;
            }
            if (partition.isReadonly()) {
                droppedReadonly++;
                continue;
            }
            if (occ) {
                long expected = env == null ? 0 : env.getOffset();
                if (expected != -1 && expected != next) {
                    errorAck(acks, m, ackInbox, correlationId, ackPolicy, nowNs,
                            Api.Ack.Error.INCORRECT_OFFSET);
                    continue;
                }
            }
            String reply = m.getReplyTo() == null ? "" : m.getReplyTo();
            Map<String, byte[]> headers = new HashMap<>();
            byte[] key = null;
            byte[] value = raw;
            if (env != null) {
                env.getHeadersMap().forEach((k, v) -> headers.put(k, v.toByteArray()));
                key = env.getKey().isEmpty() ? null : env.getKey().toByteArray();
                value = env.getValue().toByteArray();
            }
            headers.put("subject", m.getSubject().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            headers.put("reply", reply.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            acks.add(records.size());
            records.add(new LogRecord(LogRecord.UNASSIGNED, nowNs, leaderEpoch, key, value, headers,
                    m.getSubject(), reply, ackInbox, correlationId, ackPolicy));
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
                return;
            }
            partition.onAppended(r);
            firstOffset = r.firstOffset();
        }
        sendAcks(acks, records, firstOffset);
    }

    private void sendAcks(List<Object> acks, List<LogRecord> records, long firstOffset) {
        long committed = log.highWatermark();
        for (Object a : acks) {
            if (a instanceof Api.Ack.Builder refusal) {
                partition.sendAck(refusal);
                continue;
            }
            int i = (Integer) a;
            LogRecord rec = records.get(i);
            if (rec.ackInbox().isEmpty() || rec.ackPolicy() == Api.AckPolicy.NONE_VALUE) {
                continue;
            }
            long offset = firstOffset + i;
            if (rec.ackPolicy() == Api.AckPolicy.ALL_VALUE && offset > committed) {
                partition.deferAck(offset, ack(rec, offset));
                continue;
            }
            partition.sendAck(ack(rec, offset));
        }
    }

    private Api.Ack.Builder ack(LogRecord rec, long offset) {
        return Api.Ack.newBuilder()
                .setStream(partition.stream())
                .setPartitionSubject(partition.streamSubject())
                .setMsgSubject(rec.subject())
                .setOffset(offset)
                .setAckInbox(rec.ackInbox())
                .setCorrelationId(rec.correlationId())
                .setAckPolicyValue(rec.ackPolicy())
                .setReceptionTimestamp(rec.timestampNs());
    }

    /** Refusal acks go out regardless of the ack policy, with offset 0 (§4.4). */
    private void errorAck(List<Object> acks, Message m, String ackInbox, String correlationId,
                          int ackPolicy, long nowNs, Api.Ack.Error error) {
        if (ackInbox.isEmpty()) {
            return;
        }
        acks.add(Api.Ack.newBuilder()
                .setStream(partition.stream())
                .setPartitionSubject(partition.streamSubject())
                .setMsgSubject(m.getSubject())
                .setAckInbox(ackInbox)
                .setCorrelationId(correlationId)
                .setAckPolicyValue(ackPolicy)
                .setReceptionTimestamp(nowNs)
                .setAckError(error));
    }
}
