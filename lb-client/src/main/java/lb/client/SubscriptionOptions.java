package lb.client;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a subscription starts and stops, and how it reads. Default: partition 0, new messages
 * only, until closed. Fluent and mutable; not thread-safe.
 */
public final class SubscriptionOptions {

    /** Messages buffered in the client before the broker is told to wait (flow control window). */
    public static final int DEFAULT_WINDOW = 1024;

    private final Api.SubscribeRequest.Builder b = Api.SubscribeRequest.newBuilder();
    private int window = DEFAULT_WINDOW;

    public static SubscriptionOptions create() {
        return new SubscriptionOptions();
    }

    public SubscriptionOptions partition(int partition) {
        b.setPartition(partition);
        return this;
    }

    public SubscriptionOptions startAtNewOnly() {
        b.setStartPosition(Api.StartPosition.NEW_ONLY);
        return this;
    }

    public SubscriptionOptions startAtEarliest() {
        b.setStartPosition(Api.StartPosition.EARLIEST);
        return this;
    }

    /** The newest message already written (Liftbridge's LATEST), inclusive. */
    public SubscriptionOptions startAtLatest() {
        b.setStartPosition(Api.StartPosition.LATEST);
        return this;
    }

    public SubscriptionOptions startAtOffset(long offset) {
        b.setStartPosition(Api.StartPosition.OFFSET).setStartOffset(offset);
        return this;
    }

    public SubscriptionOptions startAtTime(Instant time) {
        b.setStartPosition(Api.StartPosition.TIMESTAMP).setStartTimestamp(nanos(time));
        return this;
    }

    public SubscriptionOptions startAtTimeDelta(Duration ago) {
        return startAtTime(Instant.now().minus(ago));
    }

    /** Ends after the message with this offset has been delivered. */
    public SubscriptionOptions stopAtOffset(long offset) {
        b.setStopPosition(Api.StopPosition.STOP_OFFSET).setStopOffset(offset);
        return this;
    }

    /** Ends after the newest message that exists when the subscription starts. */
    public SubscriptionOptions stopAtLatest() {
        b.setStopPosition(Api.StopPosition.STOP_LATEST);
        return this;
    }

    /** Ends after the last message at or before this time. */
    public SubscriptionOptions stopAtTime(Instant time) {
        b.setStopPosition(Api.StopPosition.STOP_TIMESTAMP).setStopTimestamp(nanos(time));
        return this;
    }

    /** Lets any in-sync replica serve the subscription, not only the leader. */
    public SubscriptionOptions readIsrReplica(boolean allowed) {
        b.setReadISRReplica(allowed);
        return this;
    }

    /** Resumes the partition first if it is paused. */
    public SubscriptionOptions resume(boolean resume) {
        b.setResume(resume);
        return this;
    }

    /** Subscribes as a member of a consumer group (fencing by group epoch). */
    public SubscriptionOptions consumer(String groupId, String consumerId, long groupEpoch) {
        b.setConsumer(Api.Consumer.newBuilder().setGroupId(groupId).setConsumerId(consumerId)
                .setGroupEpoch(groupEpoch));
        return this;
    }

    /** How many messages may wait in the client before the broker pauses sending. */
    public SubscriptionOptions window(int messages) {
        if (messages < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + messages);
        }
        this.window = messages;
        return this;
    }

    int window() {
        return window;
    }

    int partition() {
        return b.getPartition();
    }

    Api.SubscribeRequest toRequest(String stream) {
        return b.clone().setStream(stream).build();
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
