package lb.cli.group;

import java.time.Duration;
import java.util.List;
import lb.cli.position.Position;
import lb.client.Consumer;
import lb.client.ConsumerOptions;
import lb.client.LiftbridgeClient;

/**
 * The API {@code lb tail --group G} uses: a group member that checkpoints. The caller polls the
 * returned {@link Consumer} and closes it on exit (which checkpoints and leaves the group).
 */
public final class GroupTail {
    private GroupTail() {
    }

    /**
     * Joins {@code groupId} on {@code streams} as {@code consumerId} (null: {@link #defaultConsumerId()}).
     * {@code from} applies to partitions the group has no checkpoint for: {@code earliest} or
     * {@code end}/{@code new} (anything else is an IllegalArgumentException naming those two).
     * Checkpoints every {@code checkpointInterval} (the Go client's 5 s when null).
     */
    public static Consumer join(LiftbridgeClient client, String groupId, String consumerId, List<String> streams,
                                Position from, Duration checkpointInterval) {
        ConsumerOptions.AutoOffset auto = switch (from) {
            case Position.Earliest e -> ConsumerOptions.AutoOffset.EARLIEST;
            case Position.End e -> ConsumerOptions.AutoOffset.NEW_ONLY;
            default -> throw new IllegalArgumentException("with --group, the start position applies to partitions "
                    + "without a checkpoint and must be earliest or end (got " + from + ")");
        };
        ConsumerOptions o = ConsumerOptions.create(groupId, consumerId == null ? defaultConsumerId() : consumerId)
                .streams(streams.toArray(String[]::new)).autoOffset(auto);
        if (checkpointInterval != null) {
            o.checkpointInterval(checkpointInterval);
        }
        return Consumer.join(client, o);
    }

    /** {@code lb-<host>-<pid>}: unique per process, stable for its life. */
    public static String defaultConsumerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return "lb-" + host + "-" + ProcessHandle.current().pid();
    }
}
