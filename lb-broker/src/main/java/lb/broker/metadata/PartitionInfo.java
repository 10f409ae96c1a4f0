package lb.broker.metadata;

import java.util.List;

/**
 * One partition as the metadata knows it. Immutable; a change produces a new instance.
 *
 * @param stream      the stream's name
 * @param id          partition number, 0..n-1
 * @param subject     NATS subject: the stream subject for partition 0, {@code <subject>.<id>} after
 * @param group       the stream's load-balance group (NATS queue group), may be empty
 * @param replicas    replica server ids in placement order (the first is the preferred leader)
 * @param leader      current leader's server id
 * @param isr         in-sync replicas, in replica order
 * @param leaderEpoch metadata log index of the last leader change (creation included)
 * @param epoch       metadata log index of the last leader or ISR change (creation included)
 * @param paused      paused by PauseStream or auto-pause; cleared by a resume (upstream never
 *                    clears its persisted flag, behavior.md §15.23)
 * @param readonly    read-only flag
 */
public record PartitionInfo(
        String stream,
        int id,
        String subject,
        String group,
        List<String> replicas,
        String leader,
        List<String> isr,
        long leaderEpoch,
        long epoch,
        boolean paused,
        boolean readonly,
        EventTimestamps pauseTimestamps,
        EventTimestamps readonlyTimestamps) {

    public PartitionInfo {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** The NATS subject of partition {@code id} of a stream on {@code streamSubject}. */
    public static String partitionSubject(String streamSubject, int id) {
        return id == 0 ? streamSubject : streamSubject + "." + id;
    }

    /** The replication factor (number of replicas). */
    public int replicationFactor() {
        return replicas.size();
    }

    PartitionInfo withPaused(boolean nowPaused, long nowNs) {
        return new PartitionInfo(stream, id, subject, group, replicas, leader, isr, leaderEpoch, epoch,
                nowPaused, readonly, pauseTimestamps.record(nowNs), readonlyTimestamps);
    }

    PartitionInfo withReadonly(boolean nowReadonly, long nowNs) {
        return new PartitionInfo(stream, id, subject, group, replicas, leader, isr, leaderEpoch, epoch,
                paused, nowReadonly, pauseTimestamps, readonlyTimestamps.record(nowNs));
    }

    PartitionInfo withLeader(String newLeader, long index) {
        return new PartitionInfo(stream, id, subject, group, replicas, newLeader, isr, index, index,
                paused, readonly, pauseTimestamps, readonlyTimestamps);
    }

    PartitionInfo withIsr(List<String> newIsr, long index) {
        return new PartitionInfo(stream, id, subject, group, replicas, leader, newIsr, leaderEpoch, index,
                paused, readonly, pauseTimestamps, readonlyTimestamps);
    }
}
