package lb.broker.api;

import io.nats.client.Connection;
import java.time.Clock;
import java.time.Duration;
import lb.broker.metadata.MetadataController;
import lb.broker.metadata.MetadataFsm;
import lb.broker.partition.Partitions;

/**
 * What the API layer works with, assembled by the server at start-up.
 *
 * @param serverId         this server's id
 * @param namespace        clustering namespace (subjects {@code <ns>.ack.*}, {@code <ns>.cursors})
 * @param advertisedHost   host clients dial, as FetchMetadata reports it
 * @param port             gRPC port clients dial (read after the server is bound, so port 0 works)
 * @param controller       metadata proposals (validation, placement)
 * @param fsm              the applied metadata (views)
 * @param partitions       the partitions held here
 * @param nats             the NATS connection publishes and ack inboxes use
 * @param defaultTimeout   deadline for waits whose call has none (acks, cursor writes): 5 s
 * @param cursorsPartitions partitions of {@code __cursors}; 0 disables cursors
 * @param clock            wall clock
 */
public record BrokerContext(
        String serverId,
        String namespace,
        String advertisedHost,
        java.util.function.IntSupplier port,
        MetadataController controller,
        MetadataFsm fsm,
        Partitions partitions,
        Connection nats,
        Duration defaultTimeout,
        int cursorsPartitions,
        Clock clock) {
}
