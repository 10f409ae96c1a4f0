package lb.broker.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one background thread ({@code lb-log-tasks}) shared by many logs: per registered log it
 * runs the cleaner every {@code cleaner.interval}, checkpoints the HW every
 * {@code hw.checkpoint.interval} and, under {@code sync=interval:<ms>}, fsyncs at that interval.
 * One thread for all partitions keeps idle partitions cheap; a log's tasks stop when the log
 * closes. The owner (the broker) creates it, passes it to {@link CommitLog#open} and closes it
 * after the logs.
 *
 * <p>Failures are logged with the log's directory; an fsync failure also takes the log offline
 * (see {@link CommitLog#append}).
 */
public final class LogTasks implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LogTasks.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    public LogTasks() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lb-log-tasks");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Handle that cancels one log's tasks. */
    final class Registration {
        private final List<ScheduledFuture<?>> futures = new ArrayList<>();

        void cancel() {
            for (ScheduledFuture<?> f : futures) {
                f.cancel(false);
            }
        }
    }

    Registration register(CommitLog log) {
        Registration reg = new Registration();
        LogSettings s = log.settings();
        reg.futures.add(every(s.cleanerIntervalMs(), log, "cleaner",
                () -> log.clean(log.clock().millis())));
        reg.futures.add(every(s.hwCheckpointIntervalMs(), log, "HW checkpoint",
                log::checkpointHighWatermark));
        if (s.sync().kind() == SyncPolicy.Kind.INTERVAL) {
            reg.futures.add(every(s.sync().intervalMs(), log, "interval fsync", log::flush));
        }
        return reg;
    }

    interface IoTask {
        void run() throws IOException;
    }

    private ScheduledFuture<?> every(long ms, CommitLog log, String what, IoTask task) {
        return executor.scheduleWithFixedDelay(() -> {
            if (log.isClosed()) {
                return;
            }
            try {
                task.run();
            } catch (IOException | RuntimeException e) {
                if (log.isClosed()) {
                    return; // the log closed under the task (e.g. mid-compaction): nothing lost
                }
                // Logged and retried on the next tick; a storage failure has already taken the
                // log offline through its funnel, so nothing more is written to it.
                LOG.log(System.Logger.Level.ERROR, what + " of " + log.directory() + " failed: "
                        + e.getMessage(), e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the thread (logs should be closed first) and waits up to 30 s for a running task.
     * If interrupted while waiting, returns at once with the interrupt flag set.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("lb-log-tasks did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller is shutting down anyway
        }
    }
}
