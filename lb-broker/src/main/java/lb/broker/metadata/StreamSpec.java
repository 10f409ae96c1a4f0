package lb.broker.metadata;

import io.liftbridge.proto.Api;
import lb.broker.config.StreamOverrides;

/**
 * What a client (or the controller, for internal streams) asks to create: a CreateStreamRequest
 * with its zero values resolved (replicationFactor 0 → 1, partitions 0 → 1). Not yet
 * validated: {@link MetadataController#createStream} does that.
 *
 * @param replicationFactor replicas per partition; -1 = every server of the cluster
 */
public record StreamSpec(String name, String subject, String group, int replicationFactor, int partitions,
                         StreamOverrides overrides) {

    /** The spec of a CreateStreamRequest (wire-contract §3.2 steps 1–2 applied). */
    public static StreamSpec fromRequest(Api.CreateStreamRequest r) {
        return new StreamSpec(r.getName(), r.getSubject(), r.getGroup(),
                r.getReplicationFactor() == 0 ? 1 : r.getReplicationFactor(),
                r.getPartitions() == 0 ? 1 : r.getPartitions(),
                StreamOverrides.fromRequest(r));
    }
}
