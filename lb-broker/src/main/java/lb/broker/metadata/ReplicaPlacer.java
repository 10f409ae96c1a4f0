package lb.broker.metadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses replicas and leaders for a new stream's partitions (behavior.md §2.1), deterministically
 * from the cluster's server order and the current loads:
 * <ol>
 *   <li>replicas = the first {@code rf} servers after a stable sort by partition load (non-paused
 *       partitions each server replicates);</li>
 *   <li>leader = the replica with the smallest leader load (stable: replica order breaks ties);</li>
 *   <li>ISR = all replicas.</li>
 * </ol>
 * Unlike upstream (behavior.md §15.27), the loads are counted up as each partition is placed,
 * so the partitions of one CreateStream spread over the cluster instead of all landing on the
 * same servers. A single-node cluster places everything on, and leads everything from, itself.
 * Stateless.
 */
public final class ReplicaPlacer {
    private ReplicaPlacer() {
    }

    /** One partition's placement. */
    public record Placement(List<String> replicas, String leader) {
    }

    /**
     * Placements for partitions 0..partitions-1.
     *
     * @param servers the cluster's server ids in configuration order (not empty)
     * @param view    the metadata whose loads count
     * @param rf      replication factor, 1..servers.size()
     */
    public static List<Placement> place(List<String> servers, MetadataView view, int rf, int partitions) {
        if (rf < 1 || rf > servers.size()) {
            throw new IllegalArgumentException("replication factor " + rf + " for " + servers.size() + " servers");
        }
        Map<String, Integer> partitionLoad = new HashMap<>();
        Map<String, Integer> leaderLoad = new HashMap<>();
        for (String s : servers) {
            partitionLoad.put(s, view.partitionLoad(s));
            leaderLoad.put(s, view.leaderLoad(s));
        }
        List<Placement> result = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<String> order = new ArrayList<>(servers);
            order.sort(Comparator.comparingInt(partitionLoad::get)); // List.sort is stable
            List<String> replicas = List.copyOf(order.subList(0, rf));
            String leader = replicas.stream().min(Comparator.comparingInt(leaderLoad::get)).orElseThrow();
            for (String r : replicas) {
                partitionLoad.merge(r, 1, Integer::sum);
            }
            leaderLoad.merge(leader, 1, Integer::sum);
            result.add(new Placement(replicas, leader));
        }
        return result;
    }

    /**
     * The new leader for a partition whose leader failed (behavior.md §9.5): among the ISR minus
     * the old leader, the one with the smallest leader load (ISR order breaks ties); null when
     * there is no candidate.
     */
    public static String electLeader(PartitionInfo partition, MetadataView view) {
        return partition.isr().stream()
                .filter(r -> !r.equals(partition.leader()))
                .min(Comparator.comparingInt(view::leaderLoad))
                .orElse(null);
    }
}
