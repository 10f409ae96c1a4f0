package lb.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/** Chooses the partition of a message that names none. Implementations are thread-safe. */
@FunctionalInterface
public interface Partitioner {

    /** The partition, in {@code [0, partitions)}, for a message with {@code key} (maybe null). */
    int partition(String stream, byte[] key, byte[] value, int partitions);

    /**
     * CRC-32 (IEEE) of the key, unsigned, modulo the partition count — the same choice as the Go
     * client's PartitionByKey, so one key lands on one partition whichever client publishes it.
     * A missing key hashes as the empty key (partition 0).
     */
    static Partitioner byKey() {
        return (stream, key, value, partitions) -> {
            if (partitions <= 0) {
                return 0;
            }
            CRC32 crc = new CRC32();
            if (key != null) {
                crc.update(key);
            }
            return (int) (crc.getValue() % partitions);
        };
    }

    /** Cycles through the partitions, with one counter per stream. */
    static Partitioner roundRobin() {
        ConcurrentHashMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();
        return (stream, key, value, partitions) -> {
            if (partitions <= 0) {
                return 0;
            }
            int n = counters.computeIfAbsent(stream, s -> new AtomicInteger()).getAndIncrement();
            return Math.floorMod(n, partitions);
        };
    }
}
