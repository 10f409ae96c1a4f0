package lb.broker.nats;

import java.util.List;
import java.util.Map;

/**
 * The subscriptions one subject matched: plain ones each get the message, each queue group
 * gives it to one member. Immutable (arrays are never written after construction), so it is
 * shared freely between I/O threads and cached.
 */
final class MatchResult {
    static final Subscription[] NONE = new Subscription[0];

    final Subscription[] plain;
    final Subscription[][] queueGroups;
    final long generation;

    private MatchResult(Subscription[] plain, Subscription[][] queueGroups, long generation) {
        this.plain = plain;
        this.queueGroups = queueGroups;
        this.generation = generation;
    }

    static MatchResult of(List<Subscription> plain, Map<String, List<Subscription>> queues, long generation) {
        Subscription[][] groups = new Subscription[queues.size()][];
        int g = 0;
        for (List<Subscription> members : queues.values()) {
            groups[g++] = members.toArray(NONE);
        }
        return new MatchResult(plain.toArray(NONE), groups, generation);
    }
}
