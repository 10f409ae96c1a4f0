package lb.broker.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * One consumer group as replicated in the metadata (behavior.md §11): members with the streams
 * they consume, the partitions each holds, the coordinator's server id and the group epoch.
 * Immutable; the {@code with...} methods return the next state and are what {@link MetadataFsm}
 * applies, so the assignment is computed identically on every server.
 *
 * <p><b>Assignment</b> (§11.3): rebalancing a stream clears its partitions from every member
 * interested in it, then hands partitions 0..N−1 one by one to the member with the fewest
 * partitions in total across all streams, ties broken by consumer id in byte order (Java's
 * {@code String} order equals UTF-8 byte order for the ids clients send, which are ASCII in
 * practice; we compare UTF-8 bytes to be exact). Joins rebalance the joiner's streams in name
 * order; leaves rebalance the streams the leaver held; a deleted stream rebalances every other
 * stream of the members that consumed it.
 *
 * @param id          group id
 * @param coordinator server id of the coordinator
 * @param epoch       0 at creation, then the log index of every change (§1.3)
 * @param members     consumer id → member, sorted by id
 */
public record GroupInfo(String id, String coordinator, long epoch, NavigableMap<String, Member> members) {

    /**
     * @param consumerId  member id
     * @param streams     streams the member consumes, sorted and distinct
     * @param assignments stream → assigned partition ids (ascending); streams without partitions are absent
     */
    public record Member(String consumerId, List<String> streams, NavigableMap<String, List<Integer>> assignments) {
        public Member {
            Objects.requireNonNull(consumerId);
            streams = List.copyOf(new TreeSet<>(streams));
            TreeMap<String, List<Integer>> a = new TreeMap<>();
            assignments.forEach((s, ps) -> {
                if (!ps.isEmpty()) {
                    a.put(s, List.copyOf(new TreeSet<>(ps)));
                }
            });
            assignments = Collections.unmodifiableNavigableMap(a);
        }

        /** Number of partitions held across all streams (the balancing weight). */
        public int load() {
            int n = 0;
            for (List<Integer> ps : assignments.values()) {
                n += ps.size();
            }
            return n;
        }
    }

    public GroupInfo {
        Objects.requireNonNull(id);
        Objects.requireNonNull(coordinator);
        members = Collections.unmodifiableNavigableMap(new TreeMap<>(members));
    }

    /** The member {@code consumerId}, or null. */
    public Member member(String consumerId) {
        return members.get(consumerId);
    }

    /** Partition counts of the streams as {@code view} has them (0 for a stream that does not exist). */
    static ToIntFunction<String> counts(MetadataView view) {
        return name -> {
            StreamInfo s = view.stream(name);
            return s == null ? 0 : s.partitions().size();
        };
    }

    static GroupInfo create(String id, String coordinator, String consumerId, List<String> streams,
                            MetadataView view) {
        return create(id, coordinator, consumerId, streams, counts(view));
    }

    GroupInfo withMember(String consumerId, List<String> streams, MetadataView view, long epoch) {
        return withMember(consumerId, streams, counts(view), epoch);
    }

    GroupInfo withoutMember(String consumerId, MetadataView view, long epoch) {
        return withoutMember(consumerId, counts(view), epoch);
    }

    GroupInfo withoutStream(String stream, MetadataView view, long epoch) {
        return withoutStream(stream, counts(view), epoch);
    }

    /*
     * The public forms below take partition counts as a function so that a client (the CLI's
     * `lb group describe`) can replay a group's history from the activity stream with the very
     * same algorithm the brokers run.
     */

    /** A new group with {@code consumerId} as its only member, holding every partition of its streams. */
    public static GroupInfo create(String id, String coordinator, String consumerId, List<String> streams,
                                   ToIntFunction<String> partitionCount) {
        GroupInfo empty = new GroupInfo(id, coordinator, 0, new TreeMap<>());
        return empty.withMember(consumerId, streams, partitionCount, 0);
    }

    /** Adds a member and rebalances each of its streams in name order; the epoch becomes {@code epoch}. */
    public GroupInfo withMember(String consumerId, List<String> streams, ToIntFunction<String> partitionCount,
                                long epoch) {
        Work w = new Work(this);
        w.streams.put(consumerId, new TreeSet<>(streams));
        w.assignments.put(consumerId, new TreeMap<>());
        for (String s : new TreeSet<>(streams)) {
            w.rebalance(s, partitionCount);
        }
        return w.build(coordinator, epoch);
    }

    /** Removes a member and rebalances the streams it held; null when no member is left. */
    public GroupInfo withoutMember(String consumerId, ToIntFunction<String> partitionCount, long epoch) {
        Work w = new Work(this);
        w.streams.remove(consumerId);
        Map<String, List<Integer>> held = w.assignments.remove(consumerId);
        if (w.streams.isEmpty()) {
            return null;
        }
        for (String s : new TreeSet<>(held == null ? List.of() : held.keySet())) {
            w.rebalance(s, partitionCount);
        }
        return w.build(coordinator, epoch);
    }

    /**
     * The group after {@code stream} was deleted ({@code partitionCount} no longer counts it): members drop it
     * and every other stream of those members is rebalanced. Returns this group unchanged when no
     * member consumed the stream.
     */
    public GroupInfo withoutStream(String stream, ToIntFunction<String> partitionCount, long epoch) {
        Work w = new Work(this);
        TreeSet<String> others = new TreeSet<>();
        boolean affected = false;
        for (var e : w.streams.entrySet()) {
            if (e.getValue().remove(stream)) {
                affected = true;
                w.assignments.get(e.getKey()).remove(stream);
                others.addAll(e.getValue());
            }
        }
        if (!affected) {
            return this;
        }
        for (String s : others) {
            w.rebalance(s, partitionCount);
        }
        return w.build(coordinator, epoch);
    }

    public GroupInfo withCoordinator(String newCoordinator, long epoch) {
        return new GroupInfo(id, newCoordinator, epoch, members);
    }

    /** Compares consumer ids by their UTF-8 bytes (unsigned), as upstream's Go strings do. */
    static int compareIds(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A mutable copy used while computing the next state (single thread, short-lived). */
    private final class Work {
        final TreeMap<String, TreeSet<String>> streams = new TreeMap<>();
        final TreeMap<String, TreeMap<String, List<Integer>>> assignments = new TreeMap<>();

        Work(GroupInfo g) {
            for (Member m : g.members.values()) {
                streams.put(m.consumerId(), new TreeSet<>(m.streams()));
                TreeMap<String, List<Integer>> a = new TreeMap<>();
                m.assignments().forEach((s, ps) -> a.put(s, new ArrayList<>(ps)));
                assignments.put(m.consumerId(), a);
            }
        }

        void rebalance(String stream, ToIntFunction<String> partitionCount) {
            int n = partitionCount.applyAsInt(stream);
            record Slot(String consumer, int load) {
            }
            PriorityQueue<Slot> heap = new PriorityQueue<>((x, y) -> x.load != y.load
                    ? Integer.compare(x.load, y.load) : compareIds(x.consumer, y.consumer));
            for (var e : streams.entrySet()) {
                if (!e.getValue().contains(stream)) {
                    continue;
                }
                TreeMap<String, List<Integer>> a = assignments.get(e.getKey());
                a.remove(stream);
                int load = 0;
                for (List<Integer> ps : a.values()) {
                    load += ps.size();
                }
                heap.add(new Slot(e.getKey(), load));
            }
            if (heap.isEmpty()) {
                return;
            }
            for (int p = 0; p < n; p++) {
                Slot top = heap.poll();
                assignments.get(top.consumer).computeIfAbsent(stream, k -> new ArrayList<>()).add(p);
                heap.add(new Slot(top.consumer, top.load + 1));
            }
        }

        GroupInfo build(String coordinator, long epoch) {
            TreeMap<String, Member> ms = new TreeMap<>();
            for (var e : streams.entrySet()) {
                ms.put(e.getKey(), new Member(e.getKey(), List.copyOf(e.getValue()), assignments.get(e.getKey())));
            }
            return new GroupInfo(id, coordinator, epoch, ms);
        }
    }
}
