package lb.broker.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch → first offset written in that epoch (Kafka KIP-101), persisted in
 * {@code leader-epoch-checkpoint}: line 1 the format version {@code 0}, line 2 the entry count,
 * then one {@code <epoch> <startOffset>} line per epoch in increasing order. Rewritten
 * atomically ({@link CheckpointFile}) on every change; changes happen once per leader change.
 *
 * <p>Thread-safety: mutated by the log's writer under the log's write lock; queries take the
 * same lock through {@link CommitLog}.
 */
final class LeaderEpochCache {

    private final CheckpointFile file;
    private final TreeMap<Long, Long> epochs = new TreeMap<>();

    LeaderEpochCache(Path dir) {
        this.file = new CheckpointFile(dir.resolve("leader-epoch-checkpoint"));
    }

    /** Loads the checkpoint; a malformed file is an error that names the file and the line. */
    void load() throws IOException {
        List<String> lines = file.readLines();
        epochs.clear();
        if (lines == null) {
            return;
        }
        try {
            if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
                throw new IOException("expected version 0 and a count");
            }
            int n = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < n; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                epochs.put(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            }
        } catch (RuntimeException | IOException e) {
            throw new IOException(file.path() + " is malformed (" + e.getMessage()
                    + "); delete it to rebuild the cache from the log", e);
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}. Ignored when the epoch is not
     * newer than the latest one (a leader resuming its epoch, or a replay).
     *
     * @return whether the cache changed
     */
    boolean assign(long epoch, long startOffset) throws IOException {
        Map.Entry<Long, Long> last = epochs.lastEntry();
        if (last != null && (epoch <= last.getKey())) {
            return false;
        }
        if (last != null && startOffset < last.getValue()) {
            throw new IllegalArgumentException("epoch " + epoch + " cannot start at offset "
                    + startOffset + ", before epoch " + last.getKey() + " (starts at "
                    + last.getValue() + ")");
        }
        epochs.put(epoch, startOffset);
        save();
        return true;
    }

    long latestEpoch() {
        return epochs.isEmpty() ? -1 : epochs.lastKey();
    }

    /**
     * KIP-101 end offset of {@code epoch}: the largest epoch ≤ the requested one and the start
     * offset of the next epoch (exclusive end), or {@code logEndOffset} when it is the latest.
     * {@code (-1, -1)} when the epoch is older than every cached one (or the cache is empty).
     */
    EpochEndOffset endOffsetFor(long epoch, long logEndOffset) {
        Map.Entry<Long, Long> floor = epochs.floorEntry(epoch);
        if (floor == null) {
            return new EpochEndOffset(-1, -1);
        }
        Map.Entry<Long, Long> next = epochs.higherEntry(floor.getKey());
        return new EpochEndOffset(floor.getKey(), next == null ? logEndOffset : next.getValue());
    }

    /** Drops epochs that start at or after {@code endOffset} (the log was truncated there). */
    void truncateFrom(long endOffset) throws IOException {
        boolean changed = epochs.values().removeIf(start -> start >= endOffset);
        if (changed) {
            save();
        }
    }

    /** Moves the first epoch's start up to {@code oldestOffset} and drops epochs wholly below. */
    void truncateBefore(long oldestOffset) throws IOException {
        boolean changed = false;
        while (epochs.size() > 1) {
            Map.Entry<Long, Long> first = epochs.firstEntry();
            Map.Entry<Long, Long> second = epochs.higherEntry(first.getKey());
            if (second.getValue() <= oldestOffset) {
                epochs.remove(first.getKey());
                changed = true;
            } else {
                break;
            }
        }
        Map.Entry<Long, Long> first = epochs.firstEntry();
        if (first != null && first.getValue() < oldestOffset) {
            epochs.put(first.getKey(), oldestOffset);
            changed = true;
        }
        if (changed) {
            save();
        }
    }

    Map<Long, Long> snapshot() {
        return new TreeMap<>(epochs);
    }

    private void save() throws IOException {
        StringBuilder sb = new StringBuilder("0\n").append(epochs.size()).append('\n');
        for (Map.Entry<Long, Long> e : epochs.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        file.write(sb.toString());
    }
}
