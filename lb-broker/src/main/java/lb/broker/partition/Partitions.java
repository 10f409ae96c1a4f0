package lb.broker.partition;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.config.StreamSettings;
import lb.broker.log.LogSettings;
import lb.broker.log.LogTasks;
import lb.broker.log.SyncPolicy;
import lb.broker.metadata.MetadataListener;
import lb.broker.metadata.MetadataView;
import lb.broker.metadata.PartitionInfo;
import lb.broker.metadata.StreamInfo;

/**
 * The partitions this server holds a replica of, kept in step with the metadata: it listens to
 * the metadata FSM and opens, leads, pauses, resumes, flags and deletes partitions as commands
 * are applied (behavior.md §2, §5, §6). Logs live in {@code <dataDir>/streams/<stream>/<id>}
 * (the stream name URL-encoded).
 *
 * <p>Threads: listener callbacks arrive on the metadata apply thread, in log order; lookups
 * ({@link #get}) come from any thread. Owns the shared {@link LogTasks} (retention, compaction,
 * HW checkpoints) and the timer thread for auto-pause.
 */
public final class Partitions implements MetadataListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Partitions.class.getName());

    private final Path dataDir;
    private final PartitionHost host;
    private final StreamSettings streamDefaults;
    private final SyncPolicy sync;
    private final LogTasks tasks = new LogTasks();
    private final ScheduledThreadPoolExecutor timer;
    private final Map<String, Partition> partitions = new ConcurrentHashMap<>();

    public Partitions(Path dataDir, PartitionHost host, StreamSettings streamDefaults, SyncPolicy sync) {
        this.dataDir = dataDir;
        this.host = host;
        this.streamDefaults = streamDefaults;
        this.sync = sync;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lb-partition-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** The partition if this server holds it, else null. */
    public Partition get(String stream, int id) {
        return partitions.get(key(stream, id));
    }

    /** Every partition held here. */
    public List<Partition> all() {
        return new ArrayList<>(partitions.values());
    }

    // ------------------------------------------------------------------ metadata events

    @Override
    public void onPartitionAdded(PartitionInfo p, long index) {
        ensure(p);
    }

    @Override
    public void onPartitionRemoved(PartitionInfo p, long index) {
        Partition part = partitions.remove(key(p.stream(), p.id()));
        if (part != null) {
            part.delete();
        }
    }

    @Override
    public void onPartitionLeaderChanged(PartitionInfo p, String previousLeader, long index) {
        Partition part = ensure(p);
        if (part == null || p.paused()) {
            return;
        }
        if (host.serverId().equals(p.leader())) {
            lead(part, p);
        } else {
            part.stopLeading();
        }
    }

    @Override
    public void onPartitionPaused(PartitionInfo p, boolean resumeAll, long index) {
        Partition part = get(p.stream(), p.id());
        if (part != null) {
            part.pause();
        }
    }

    @Override
    public void onPartitionResumed(PartitionInfo p, long index) {
        Partition old = partitions.remove(key(p.stream(), p.id()));
        if (old != null) {
            old.close();
        }
        ensure(p);
    }

    @Override
    public void onPartitionReadonlyChanged(PartitionInfo p, long index) {
        Partition part = get(p.stream(), p.id());
        if (part != null) {
            part.setReadonly(p.readonly());
        }
    }

    @Override
    public void onRestored(MetadataView view) {
        Set<String> wanted = new HashSet<>();
        for (StreamInfo s : view.streams().values()) {
            for (PartitionInfo p : s.partitions().values()) {
                if (p.replicas().contains(host.serverId())) {
                    wanted.add(key(p.stream(), p.id()));
                    Partition part = ensure(p);
                    if (part != null) {
                        part.setReadonly(p.readonly());
                    }
                }
            }
        }
        for (String k : new ArrayList<>(partitions.keySet())) {
            if (!wanted.contains(k)) {
                Partition part = partitions.remove(k);
                if (part != null) {
                    part.delete();
                }
            }
        }
    }

    /**
     * Makes sure a replica held here exists, is open unless paused, and leads if it should.
     * Returns null when this server is not a replica.
     */
    private Partition ensure(PartitionInfo p) {
        if (!p.replicas().contains(host.serverId())) {
            return null;
        }
        String k = key(p.stream(), p.id());
        Partition part = partitions.get(k);
        if (part == null) {
            part = create(p);
            if (part == null) {
                return null;
            }
            partitions.put(k, part);
        }
        if (p.paused()) {
            part.pause();
            return part;
        }
        try {
            part.open(p.readonly());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "partition " + part.name() + ": cannot open its log in "
                    + dir(p.stream(), p.id()) + "; it stays offline", e);
            part.onStorageFailure(e);
            return part;
        }
        if (host.serverId().equals(p.leader())) {
            lead(part, p);
        }
        return part;
    }

    private Partition create(PartitionInfo p) {
        StreamInfo s = streamOf(p);
        StreamSettings settings = s == null ? streamDefaults
                : StreamSettings.effective(streamDefaults, s.overrides());
        String streamSubject = s == null ? p.subject() : s.subject();
        return new Partition(p.stream(), streamSubject, p.id(), p.subject(), p.group(), settings,
                logSettings(settings), dir(p.stream(), p.id()), host, tasks, timer);
    }

    private void lead(Partition part, PartitionInfo p) {
        try {
            part.startLeading(p.leaderEpoch());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "partition " + part.name() + ": cannot start leading", e);
            part.onStorageFailure(e);
        }
    }

    /** The stream of a partition, for its settings; supplied by the server wiring. */
    private StreamInfo streamOf(PartitionInfo p) {
        return streams == null ? null : streams.apply(p.stream());
    }

    private java.util.function.Function<String, StreamInfo> streams;

    /** Where partitions look up their stream (settings, base subject): the metadata view. */
    public void streamLookup(java.util.function.Function<String, StreamInfo> lookup) {
        this.streams = lookup;
    }

    LogSettings logSettings(StreamSettings s) {
        return LogSettings.defaults()
                .withSegmentMaxBytes(s.segmentMaxBytes())
                .withSegmentMaxAgeMs(s.segmentMaxAge().toMillis())
                .withRetention(s.retentionMaxBytes(), s.retentionMaxMessages(),
                        s.retentionMaxAge().toMillis())
                .withCompact(s.compactEnabled())
                .withCleanerIntervalMs(s.cleanerInterval().toMillis())
                .withSync(sync);
    }

    Path dir(String stream, int id) {
        return dataDir.resolve("streams").resolve(URLEncoder.encode(stream, StandardCharsets.UTF_8))
                .resolve(Integer.toString(id));
    }

    private static String key(String stream, int id) {
        return stream + "\u0000" + id;
    }

    /** Closes every partition (draining writers, checkpointing logs), then the shared threads. */
    @Override
    public void close() {
        for (Partition p : partitions.values()) {
            p.close();
        }
        partitions.clear();
        timer.shutdownNow();
        tasks.close();
    }
}
