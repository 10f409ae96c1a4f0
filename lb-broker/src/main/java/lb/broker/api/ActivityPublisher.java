package lb.broker.api;

import com.google.protobuf.ByteString;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.metadata.InternalStreams;
import lb.broker.metadata.MetadataListener;
import lb.broker.metadata.StreamInfo;
import lb.broker.metadata.proto.Command;
import lb.client.envelope.Envelope;

/**
 * Publishes the activity stream (behavior.md §12): for each applied metadata command that
 * users see (stream created, deleted, paused, resumed, read-only changed, consumer-group
 * joins (including a group's creation) and leaves), one
 * {@code ActivityStreamEvent} with {@code id} = the command's log index goes to partition 0
 * of {@code __activity} through the normal publish path, acknowledged per
 * {@code activity.stream.publish.ack.policy}; then a PUBLISH_ACTIVITY command records the index,
 * so that after a restart (or a controller change) publishing resumes after it. Strict order:
 * a failed publish is retried with backoff (1 s doubling to 10 s) and holds back later events.
 * Consumers deduplicate by id (an event may be published twice around a crash).
 *
 * <p>Threads: events are queued on the metadata apply thread and published by
 * {@code lb-activity-publisher}.
 */
public final class ActivityPublisher implements MetadataListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ActivityPublisher.class.getName());

    private record Pending(long index, Api.ActivityStreamEvent event) {
    }

    private BrokerContext ctx;
    private AckRouter acks;
    private final Api.AckPolicy ackPolicy;
    private final Duration timeout;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * A publisher that queues events from now on; register it as a metadata listener before the
     * metadata log replays, so that events recorded but not yet published are not missed.
     */
    public ActivityPublisher(Api.AckPolicy ackPolicy, Duration timeout) {
        this.ackPolicy = ackPolicy;
        this.timeout = timeout;
        this.thread = Thread.ofPlatform().name("lb-activity-publisher").daemon(true).unstarted(this::run);
    }

    /** Starts publishing queued and future events through {@code api}'s publish path. */
    public void start(ApiService api) {
        this.ctx = api.context();
        this.acks = api.acks();
        thread.start();
    }

    @Override
    public void onCommandApplied(long index, Command c) {
        Api.ActivityStreamEvent.Builder e = Api.ActivityStreamEvent.newBuilder().setId(index);
        switch (c.getOpCase()) {
            case CREATE_STREAM -> e.setOp(Api.ActivityStreamOp.CREATE_STREAM).setCreateStreamOp(
                    Api.CreateStreamOp.newBuilder().setStream(c.getCreateStream().getStream().getName())
                            .addAllPartitions(c.getCreateStream().getStream().getPartitionsList().stream()
                                    .map(p -> p.getId()).toList()));
            case DELETE_STREAM -> e.setOp(Api.ActivityStreamOp.DELETE_STREAM).setDeleteStreamOp(
                    Api.DeleteStreamOp.newBuilder().setStream(c.getDeleteStream().getStream()));
            case PAUSE_STREAM -> e.setOp(Api.ActivityStreamOp.PAUSE_STREAM).setPauseStreamOp(
                    Api.PauseStreamOp.newBuilder().setStream(c.getPauseStream().getStream())
                            .addAllPartitions(c.getPauseStream().getPartitionsList())
                            .setResumeAll(c.getPauseStream().getResumeAll()));
            case RESUME_STREAM -> e.setOp(Api.ActivityStreamOp.RESUME_STREAM).setResumeStreamOp(
                    Api.ResumeStreamOp.newBuilder().setStream(c.getResumeStream().getStream())
                            .addAllPartitions(c.getResumeStream().getPartitionsList()));
            case SET_STREAM_READONLY -> e.setOp(Api.ActivityStreamOp.SET_STREAM_READONLY)
                    .setSetStreamReadonlyOp(Api.SetStreamReadonlyOp.newBuilder()
                            .setStream(c.getSetStreamReadonly().getStream())
                            .addAllPartitions(c.getSetStreamReadonly().getPartitionsList())
                            .setReadonly(c.getSetStreamReadonly().getReadonly()));
            case CREATE_CONSUMER_GROUP -> e.setOp(Api.ActivityStreamOp.JOIN_CONSUMER_GROUP).setJoinConsumerGroupOp(
                    Api.JoinConsumerGroupOp.newBuilder().setGroupId(c.getCreateConsumerGroup().getGroupId())
                            .setConsumerId(c.getCreateConsumerGroup().getConsumerId())
                            .addAllStreams(c.getCreateConsumerGroup().getStreamsList()));
            case JOIN_CONSUMER_GROUP -> e.setOp(Api.ActivityStreamOp.JOIN_CONSUMER_GROUP).setJoinConsumerGroupOp(
                    Api.JoinConsumerGroupOp.newBuilder().setGroupId(c.getJoinConsumerGroup().getGroupId())
                            .setConsumerId(c.getJoinConsumerGroup().getConsumerId())
                            .addAllStreams(c.getJoinConsumerGroup().getStreamsList()));
            case LEAVE_CONSUMER_GROUP -> e.setOp(Api.ActivityStreamOp.LEAVE_CONSUMER_GROUP).setLeaveConsumerGroupOp(
                    Api.LeaveConsumerGroupOp.newBuilder().setGroupId(c.getLeaveConsumerGroup().getGroupId())
                            .setConsumerId(c.getLeaveConsumerGroup().getConsumerId())
                            .setExpired(c.getLeaveConsumerGroup().getExpired()));
            default -> {
                return; // leader, ISR, coordinator and bookkeeping commands are not published (§12)
            }
        }
        queue.add(new Pending(index, e.build()));
    }

    private void run() {
        long backoffMs = 1_000;
        Pending next = null;
        while (!closed) {
            try {
                if (next == null) {
                    next = queue.take();
                }
                if (next.index() <= ctx.fsm().view().lastActivityIndex()) {
                    next = null; // recorded before a restart: already published
                    continue;
                }
                publish(next);
                ApiService.await(ctx.controller().recordActivity(next.index()));
                next = null;
                backoffMs = 1_000;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                long wait = backoffMs;
                LOG.log(Level.WARNING, "activity event " + (next == null ? "?" : next.index())
                        + " not published, retrying in " + wait + " ms: " + e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(10_000, backoffMs * 2);
            }
        }
    }

    private void publish(Pending p) throws InterruptedException {
        StreamInfo s = ctx.fsm().view().stream(InternalStreams.ACTIVITY);
        if (s == null) {
            throw new IllegalStateException("the __activity stream does not exist yet");
        }
        String subject = s.partition(0).subject();
        String inbox = acks.newInbox();
        Api.Message env = Api.Message.newBuilder().setValue(ByteString.copyFrom(p.event().toByteArray()))
                .setSubject(subject).setAckInbox(inbox).setAckPolicy(ackPolicy).setOffset(-1).build();
        if (ackPolicy == Api.AckPolicy.NONE) {
            acks.publish(subject, Envelope.encodePublish(env));
            return;
        }
        try (AckRouter.Pending pending = acks.awaitFirst(inbox)) {
            acks.publish(subject, Envelope.encodePublish(env));
            Api.Ack ack = pending.ack.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            ApiService.throwIfAckError(ack);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no ack within " + timeout.toMillis() + " ms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
