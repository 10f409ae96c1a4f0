package lb.cli.group;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import lb.cli.position.Position;
import lb.client.ClusterMetadata;
import lb.client.Consumer;
import lb.client.LiftbridgeClient;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;

/**
 * {@code lb group seek}: moves a group's checkpoints. A checkpoint is the offset of the last
 * message the group has consumed, so members resume at checkpoint + 1; seeking to position P
 * therefore stores (offset of P) − 1. Seeking to offset 0 stores −1, which FetchCursor cannot
 * tell from "no checkpoint": members then start per their auto-offset setting (the plan says
 * so). Active members overwrite checkpoints with their own positions, so seek a stopped group.
 * Not thread-safe.
 */
public final class GroupSeeker {

    /** One partition's move: current and new checkpoint. */
    public record Move(String stream, int partition, long current, long target, String note) {
    }

    private final LiftbridgeClient client;
    private final Duration readTimeout;

    public GroupSeeker(LiftbridgeClient client, Duration readTimeout) {
        this.client = Objects.requireNonNull(client);
        this.readTimeout = Objects.requireNonNull(readTimeout);
    }

    /** The moves seeking {@code groupId} to {@code to} on every partition of {@code streams}. */
    public List<Move> plan(String groupId, List<String> streams, Position to) {
        ClusterMetadata cluster = client.fetchMetadata();
        List<Move> out = new ArrayList<>();
        for (String s : streams) {
            if (cluster.stream(s) == null) {
                throw new lb.client.LiftbridgeException(lb.client.LiftbridgeException.Kind.NO_SUCH_STREAM,
                        "no such stream: " + s);
            }
            for (int p = 0; p < cluster.partitionCount(s); p++) {
                long hw = cluster.partition(s, p).getHighWatermark();
                long current = client.fetchCursor(Consumer.cursorId(groupId), s, p);
                long target = target(s, p, hw, to);
                String note = target < 0 ? "no checkpoint: members start per their auto-offset" : "";
                out.add(new Move(s, p, current, target, note));
            }
        }
        return out;
    }

    /** Writes the planned checkpoints. */
    public void execute(String groupId, List<Move> moves) {
        for (Move m : moves) {
            client.setCursor(Consumer.cursorId(groupId), m.stream(), m.partition(), m.target());
        }
    }

    private long target(String stream, int partition, long hw, Position to) {
        return switch (to) {
            case Position.Earliest e -> hw < 0 ? -1 : firstAt(stream, partition, hw, null) - 1;
            case Position.End e -> hw;
            case Position.Last l -> Math.max(-1, hw - 1);
            case Position.Offset o -> o.offset() - 1;
            case Position.BeforeEnd b -> Math.max(-1, hw - b.count());
            case Position.AfterStart a -> hw < 0 ? -1 : Math.min(hw, firstAt(stream, partition, hw, null) + a.count() - 1);
            case Position.AtTime t -> hw < 0 ? -1 : firstAt(stream, partition, hw, t.time()) - 1;
        };
    }

    /** The offset of the first retained message (at or after {@code time}), or hw + 1 when there is none. */
    private long firstAt(String stream, int partition, long hw, java.time.Instant time) {
        SubscriptionOptions o = SubscriptionOptions.create().partition(partition).stopAtOffset(hw).resume(true);
        if (time == null) {
            o.startAtEarliest();
        } else {
            o.startAtTime(time);
        }
        try (Subscription sub = client.subscribe(stream, o)) {
            Api.Message m = sub.poll(readTimeout);
            return m == null ? hw + 1 : m.getOffset();
        } catch (lb.client.LiftbridgeException e) {
            if (time != null && e.kind() == lb.client.LiftbridgeException.Kind.INTERNAL) {
                return hw + 1; // no message at or after the time
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new lb.client.LiftbridgeException(lb.client.LiftbridgeException.Kind.CANCELLED, "interrupted");
        }
    }
}
