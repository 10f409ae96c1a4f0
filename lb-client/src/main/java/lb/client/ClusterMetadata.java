package lb.client;

import io.liftbridge.proto.Api;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable snapshot of the cluster as one broker described it (FetchMetadata): brokers and
 * their addresses, streams and their partitions with leaders. Thread-safe.
 */
public final class ClusterMetadata {

    private final Api.FetchMetadataResponse response;
    private final Map<String, Api.Broker> brokers;
    private final Map<String, Api.StreamMetadata> streams;
    private final Instant fetchedAt;

    ClusterMetadata(Api.FetchMetadataResponse response, Instant fetchedAt) {
        this.response = response;
        this.fetchedAt = fetchedAt;
        Map<String, Api.Broker> b = new LinkedHashMap<>();
        for (Api.Broker broker : response.getBrokersList()) {
            b.put(broker.getId(), broker);
        }
        Map<String, Api.StreamMetadata> s = new LinkedHashMap<>();
        for (Api.StreamMetadata sm : response.getStreamMetadataList()) {
            if (sm.getError() == Api.StreamMetadata.Error.OK) {
                s.put(sm.getName(), sm);
            }
        }
        this.brokers = Collections.unmodifiableMap(b);
        this.streams = Collections.unmodifiableMap(s);
    }

    /** The raw response, as the broker sent it. */
    public Api.FetchMetadataResponse response() {
        return response;
    }

    /** Brokers by id, in the order the broker listed them (itself first). */
    public Map<String, Api.Broker> brokers() {
        return brokers;
    }

    /** Existing streams by name. */
    public Map<String, Api.StreamMetadata> streams() {
        return streams;
    }

    public Instant fetchedAt() {
        return fetchedAt;
    }

    /** The stream, or null when this snapshot does not know it. */
    public Api.StreamMetadata stream(String name) {
        return streams.get(name);
    }

    /** Number of partitions of {@code stream}, or 0 when unknown. */
    public int partitionCount(String stream) {
        Api.StreamMetadata sm = streams.get(stream);
        return sm == null ? 0 : sm.getPartitionsCount();
    }

    /** The partition, or null when unknown. */
    public Api.PartitionMetadata partition(String stream, int partition) {
        Api.StreamMetadata sm = streams.get(stream);
        return sm == null ? null : sm.getPartitionsMap().get(partition);
    }

    /** {@code host:port} of the partition's leader, or null when unknown. */
    public String leaderAddress(String stream, int partition) {
        Api.PartitionMetadata pm = partition(stream, partition);
        if (pm == null || pm.getLeader().isEmpty()) {
            return null;
        }
        return address(pm.getLeader());
    }

    /** {@code host:port} of a broker, or null when unknown. */
    public String address(String brokerId) {
        Api.Broker b = brokers.get(brokerId);
        return b == null ? null : b.getHost() + ":" + b.getPort();
    }
}
