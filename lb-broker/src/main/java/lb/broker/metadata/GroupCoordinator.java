package lb.broker.metadata;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import lb.broker.metadata.proto.Command;

/**
 * This server's consumer-group coordinator duties (behavior.md §11.2): a liveness deadline per
 * member of every group it coordinates, pushed forward by each FetchConsumerGroupAssignments
 * ({@link #heartbeat}); a member whose deadline passes is removed through the controller with
 * {@code expired = true}, and if that fails it is tried again one timeout later.
 *
 * <p>Deadlines follow the metadata: after every group command, stream deletion and snapshot
 * restore, {@link #reconcile} adds a fresh deadline for each member of a group coordinated here
 * that has none and drops deadlines of members and groups no longer coordinated here. So timers
 * start at group creation, recovery (the server's start) and coordinator change, and stop when
 * the server ceases to coordinate.
 *
 * <p>Threads: {@link #reconcile} runs on the metadata apply thread (listener) and
 * {@link #start}; {@link #heartbeat} on gRPC handler threads; {@link #expireDue} on the
 * {@code lb-group-liveness} thread (or a test, with an injected clock). The deadline map is a
 * ConcurrentHashMap; nothing here blocks the apply thread.
 */
public final class GroupCoordinator implements MetadataListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCoordinator.class.getName());

    /** Removes a member as expired; the controller's {@code leaveConsumerGroup(g, c, true)}. */
    @FunctionalInterface
    public interface Evictor {
        CompletableFuture<?> evict(String groupId, String consumerId);
    }

    private record Key(String group, String consumer) {
    }

    private final String serverId;
    private final MetadataFsm fsm;
    private final Duration consumerTimeout;
    private final Duration coordinatorTimeout;
    private final LongSupplier nanoClock;
    private final Map<Key, Long> deadlines = new ConcurrentHashMap<>();
    private volatile Evictor evictor;
    private volatile Thread ticker;
    private volatile boolean closed;

    /**
     * @param consumerTimeout    {@code groups.consumer.timeout}
     * @param coordinatorTimeout {@code groups.coordinator.timeout} (reported to joining members)
     * @param nanoClock          monotonic nanoseconds ({@code System::nanoTime}; tests inject their own)
     */
    public GroupCoordinator(String serverId, MetadataFsm fsm, Duration consumerTimeout, Duration coordinatorTimeout,
                            LongSupplier nanoClock) {
        this.serverId = Objects.requireNonNull(serverId);
        this.fsm = Objects.requireNonNull(fsm);
        if (consumerTimeout.isNegative() || consumerTimeout.isZero()) {
            throw new IllegalArgumentException("consumer timeout must be positive, got " + consumerTimeout);
        }
        this.consumerTimeout = consumerTimeout;
        this.coordinatorTimeout = Objects.requireNonNull(coordinatorTimeout);
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    public Duration consumerTimeout() {
        return consumerTimeout;
    }

    public Duration coordinatorTimeout() {
        return coordinatorTimeout;
    }

    /**
     * Starts enforcing liveness: deadlines for every member of the groups coordinated here
     * (recovery), then a {@code lb-group-liveness} thread checking them every tenth of the
     * timeout (10 ms to 1 s) when {@code background} is true; tests pass false and call
     * {@link #expireDue} themselves.
     */
    public void start(Evictor evictor, boolean background) {
        this.evictor = Objects.requireNonNull(evictor);
        reconcile(fsm.view());
        if (background) {
            long tickMs = Math.max(10, Math.min(1_000, consumerTimeout.toMillis() / 10));
            ticker = Thread.ofPlatform().name("lb-group-liveness").daemon(true).start(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(tickMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    expireDue();
                }
            });
        }
    }

    /**
     * A member's heartbeat (FetchConsumerGroupAssignments on the coordinator, after the caller
     * checked that this server coordinates the group and the consumer is a member).
     */
    public void heartbeat(String groupId, String consumerId) {
        deadlines.put(new Key(groupId, consumerId), nanoClock.getAsLong() + consumerTimeout.toNanos());
    }

    /** True while {@code consumerId} of {@code groupId} has a liveness deadline here. */
    public boolean tracks(String groupId, String consumerId) {
        return deadlines.containsKey(new Key(groupId, consumerId));
    }

    /**
     * Removes members whose deadline has passed (asks the controller; the deadline moves one
     * timeout ahead so a failed removal is retried then). Deadlines of members this server no
     * longer coordinates are dropped instead.
     */
    public void expireDue() {
        Evictor e = evictor;
        if (e == null) {
            return;
        }
        long now = nanoClock.getAsLong();
        MetadataView v = fsm.view();
        for (Map.Entry<Key, Long> d : deadlines.entrySet()) {
            if (now - d.getValue() < 0) {
                continue;
            }
            Key k = d.getKey();
            GroupInfo g = v.group(k.group());
            if (g == null || !g.coordinator().equals(serverId) || g.member(k.consumer()) == null) {
                deadlines.remove(k, d.getValue());
                continue;
            }
            deadlines.replace(k, d.getValue(), now + consumerTimeout.toNanos());
            LOG.log(System.Logger.Level.INFO, "consumer " + k.consumer() + " of group " + k.group()
                    + " silent for " + consumerTimeout.toMillis() + " ms; removing it");
            e.evict(k.group(), k.consumer()).whenComplete((r, err) -> {
                if (err != null) {
                    LOG.log(System.Logger.Level.WARNING, "could not remove expired consumer " + k.consumer()
                            + " of group " + k.group() + ", retrying in " + consumerTimeout.toMillis() + " ms: "
                            + err.getMessage());
                }
            });
        }
    }

    /** Aligns the deadlines with {@code v}: members of groups coordinated here have one, no one else does. */
    void reconcile(MetadataView v) {
        long fresh = nanoClock.getAsLong() + consumerTimeout.toNanos();
        for (GroupInfo g : v.groups().values()) {
            if (!g.coordinator().equals(serverId)) {
                continue;
            }
            for (String c : g.members().keySet()) {
                deadlines.putIfAbsent(new Key(g.id(), c), fresh);
            }
        }
        deadlines.keySet().removeIf(k -> {
            GroupInfo g = v.group(k.group());
            return g == null || !g.coordinator().equals(serverId) || g.member(k.consumer()) == null;
        });
    }

    @Override
    public void onCommandApplied(long index, Command command) {
        switch (command.getOpCase()) {
            case CREATE_CONSUMER_GROUP, JOIN_CONSUMER_GROUP, LEAVE_CONSUMER_GROUP,
                 CHANGE_CONSUMER_GROUP_COORDINATOR, DELETE_STREAM -> reconcile(fsm.view());
            default -> {
            }
        }
    }

    @Override
    public void onRestored(MetadataView view) {
        reconcile(view);
    }

    /** Stops the liveness thread and waits for it (a tick never blocks; evictions are asynchronous). */
    @Override
    public void close() {
        closed = true;
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
