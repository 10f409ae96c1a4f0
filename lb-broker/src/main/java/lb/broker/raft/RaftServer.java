package lb.broker.raft;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A running Raft server: a {@link RaftNode} driven by one thread ({@code lb-raft-<id>}), a monotonic
 * clock, a {@link RaftTransport} and file storage ({@link FileDisk} under {@code dir}). This is the
 * library's front; everything else is its parts.
 *
 * <p>Threads: {@code lb-raft-<id>} owns the node, the storage and the {@link StateMachine} (apply,
 * snapshot and restore run on it). Futures handed to callers are completed on
 * {@code lb-raft-<id>-callbacks}, never on the node's thread, so callers may block in their
 * continuations. Queries ({@link #isLeader}, {@link #leaderId}, ...) read state published after each
 * event and are safe from any thread.
 *
 * <p>Lifecycle: {@link #start} (bootstraps or joins, see {@link RaftConfig}), then
 * {@link #propose}/{@link #read}/membership calls, then {@link #close}, which hands leadership to
 * another voter first when this server leads.
 */
public final class RaftServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RaftServer.class.getName());
    private static final int MAX_BATCH = 1024;

    private final String id;
    private final RaftConfig cfg;
    private final Path dir;
    private final RaftTransport transport;
    private final StateMachine sm;
    private final Duration operationTimeout;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(100_000);
    private final long startNs = System.nanoTime();
    private final ExecutorService callbacks;
    private Thread thread;
    private FileDisk disk;
    private RaftNode node;

    private volatile boolean leader;
    private volatile String leaderId;
    private volatile long term;
    private volatile long commitIndex;
    private volatile Membership membership = Membership.EMPTY;
    private volatile boolean running;
    private volatile Throwable failure;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private record Proposal(byte[] command, CompletableFuture<Object> future) {}

    private record Shutdown(long deadlineMs) {}

    /**
     * @param operationTimeout how long {@link #propose}, {@link #read} and membership changes may take
     *                         before failing with {@link TimeoutException} (upstream: 5 s)
     */
    public RaftServer(String id, RaftConfig cfg, Path dir, RaftTransport transport, StateMachine sm,
                      Duration operationTimeout) {
        if (!NatsTransport.validToken(id)) throw new IllegalArgumentException("bad server id '" + id + "'");
        this.id = id;
        this.cfg = cfg;
        this.dir = dir;
        this.transport = transport;
        this.sm = sm;
        this.operationTimeout = operationTimeout;
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lb-raft-" + id + "-callbacks");
            t.setDaemon(true);
            return t;
        });
    }

    private long nowMs() { return (System.nanoTime() - startNs) / 1_000_000; }

    /**
     * Opens storage (restoring the latest snapshot into the state machine), starts the node's thread
     * and the transport. A server without state and without bootstrap flags then asks the leader to add
     * it and this method waits until it is a member; it fails after {@link RaftConfig#joinAttempts()}.
     *
     * @throws CorruptStateException when the term/vote file is corrupt: the server must not run
     */
    public void start() throws IOException {
        disk = new FileDisk(dir);
        try {
            node = new RaftNode(id, cfg, new RaftStorage(disk), sm, this::sendFromNode, new Random(), nowMs());
        } catch (IOException | RuntimeException e) {
            try {
                disk.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (node.corruptionRepaired() != null) {
            LOG.log(System.Logger.Level.ERROR, "raft server " + id + ": own state was corrupt (" + node.corruptionRepaired()
                    + "); kept the good prefix and will neither vote nor lead until caught up from a leader");
        }
        publish();
        running = true;
        thread = new Thread(this::loop, "lb-raft-" + id);
        thread.start();
        transport.start(id, this::onTransportRequest);
        if (membership.servers().isEmpty()) awaitMembership();
    }

    private void awaitMembership() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.joinRetryMs() * (cfg.joinAttempts() + 1L));
        while (membership.servers().isEmpty()) {
            if (failure != null || !running) throw new IOException("raft server " + id + " stopped while joining", failure);
            if (joinFailed || System.nanoTime() > deadline) {
                close();
                throw new IOException("raft server " + id + " could not join the group: no leader accepted it after "
                        + cfg.joinAttempts() + " attempts " + cfg.joinRetryMs() + " ms apart");
            }
            try {
                Thread.sleep(20); // polling a volatile while start() blocks; the node thread does the work
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining", e);
            }
        }
    }

    private volatile boolean joinFailed;

    // ---- public API ----------------------------------------------------------------------------

    public String id() { return id; }

    /** True when this server leads and accepts proposals. */
    public boolean isLeader() { return leader; }

    /** The leader known to this server, or null. */
    public String leaderId() { return leaderId; }

    public long term() { return term; }

    public long commitIndex() { return commitIndex; }

    /** The latest configuration this server knows (possibly not yet committed). */
    public Membership membership() { return membership; }

    /**
     * Proposes a command: completes with {@link StateMachine#apply}'s result once the entry is fsynced
     * on a majority and applied here; or exceptionally with {@link NotLeaderException} (naming the known
     * leader), {@link TimeoutException}, or {@link IllegalStateException} when closed.
     */
    public CompletableFuture<Object> propose(byte[] command) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("raft server " + id + " is not running"));
        } else if (!queue.offer(new Proposal(command.clone(), f))) {
            f.completeExceptionally(new IllegalStateException("raft server " + id + " is overloaded (queue full)"));
        }
        return handOff(f);
    }

    /**
     * Linearizable read (read index, no lease): runs {@code query} on the node's thread once every
     * write completed before this call is applied here and this server has confirmed with a majority
     * that it still leads. Fails like {@link #propose}.
     */
    public <T> CompletableFuture<T> read(Supplier<T> query) {
        CompletableFuture<T> f = new CompletableFuture<>();
        submit(() -> node.readIndex(nowMs()).whenComplete((index, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
                return;
            }
            try {
                f.complete(query.get());
            } catch (RuntimeException ex) {
                f.completeExceptionally(ex);
            }
        }), f);
        return handOff(f);
    }

    public CompletableFuture<Object> addVoter(String server) { return changeMembership(server, true); }

    public CompletableFuture<Object> addNonVoter(String server) { return changeMembership(server, false); }

    public CompletableFuture<Object> removeServer(String server) { return changeMembership(server, null); }

    private CompletableFuture<Object> changeMembership(String server, Boolean voter) {
        if (!NatsTransport.validToken(server)) throw new IllegalArgumentException("bad server id '" + server + "'");
        CompletableFuture<Object> f = new CompletableFuture<>();
        submit(() -> node.changeMembership(server, voter, nowMs()).whenComplete((v, e) -> {
            if (e != null) f.completeExceptionally(e); else f.complete(v);
        }), f);
        return handOff(f);
    }

    /**
     * Stops: when leading, first hands leadership to the most up-to-date voter (waiting at most the
     * maximum election timeout), then stops the thread, the transport and the storage. Idempotent.
     */
    @Override
    public void close() {
        if (thread == null) return;
        if (running && !queue.offer(new Shutdown(nowMs() + cfg.electionTimeoutMaxMs()))) running = false;
        try {
            if (!stopped.isDone()) stopped.get(cfg.electionTimeoutMaxMs() * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "raft server " + id + " did not stop in time: " + e);
            running = false;
            thread.interrupt();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        try {
            disk.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "raft server " + id + ": closing storage failed: " + e);
        }
        callbacks.shutdown();
        thread = null;
    }

    /** The failure that stopped the node (storage error or internal error), or null. */
    public Throwable failure() { return failure; }

    // ---- node thread ---------------------------------------------------------------------------

    private void submit(Runnable task, CompletableFuture<?> f) {
        if (!running) {
            f.completeExceptionally(new IllegalStateException("raft server " + id + " is not running"));
        } else if (!queue.offer(task)) {
            f.completeExceptionally(new IllegalStateException("raft server " + id + " is overloaded (queue full)"));
        }
    }

    private <T> CompletableFuture<T> handOff(CompletableFuture<T> f) {
        CompletableFuture<T> user = new CompletableFuture<>();
        f.orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            try {
                callbacks.execute(() -> {
                    if (e != null) user.completeExceptionally(e); else user.complete(v);
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // callbacks stopped by close(): complete here, there is no other thread left to use
                if (e != null) user.completeExceptionally(e); else user.complete(v);
            }
        });
        return user;
    }

    private CompletableFuture<RaftMessage> onTransportRequest(RaftMessage request) {
        CompletableFuture<RaftMessage> f = new CompletableFuture<>();
        if (!running || !queue.offer((Runnable) () -> f.complete(node.onRequest(request, nowMs())))) {
            f.complete(null); // dropped like a lost message; the sender retries
        }
        return f;
    }

    /** Called by the node (on its thread) to send; responses are queued back to the node's thread. */
    private void sendFromNode(String to, RaftMessage m) {
        transport.send(to, m, response -> {
            if (running) queue.offer((Runnable) () -> node.onResponse(response, nowMs()));
        });
    }

    private void loop() {
        Shutdown shutdown = null;
        List<Object> batch = new ArrayList<>();
        try {
            while (running) {
                long wait = Math.max(0, node.nextDeadlineMs() - nowMs());
                if (shutdown != null) wait = Math.min(wait, 10);
                Object first = queue.poll(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH);
                }
                for (int i = 0; i < batch.size(); i++) {
                    Object task = batch.get(i);
                    if (task instanceof Proposal) {
                        int j = i;
                        List<byte[]> commands = new ArrayList<>();
                        List<CompletableFuture<Object>> futures = new ArrayList<>();
                        while (j < batch.size() && batch.get(j) instanceof Proposal p) {
                            commands.add(p.command());
                            futures.add(p.future());
                            j++;
                        }
                        List<CompletableFuture<Object>> results = node.propose(commands, nowMs()); // one fsync
                        for (int k = 0; k < results.size(); k++) {
                            CompletableFuture<Object> target = futures.get(k);
                            results.get(k).whenComplete((v, e) -> {
                                if (e != null) target.completeExceptionally(e); else target.complete(v);
                            });
                        }
                        i = j - 1;
                    } else if (task instanceof Shutdown s) {
                        shutdown = s;
                        // No other voter to hand leadership to (a group of one): stop now rather
                        // than wait out the transfer deadline.
                        if (node.role() == RaftNode.Role.LEADER && !node.transferLeadership(nowMs())) {
                            shutdown = new Shutdown(nowMs());
                        }
                    } else {
                        ((Runnable) task).run();
                    }
                }
                batch.clear();
                node.tick(nowMs());
                publish();
                if (shutdown != null && (node.role() != RaftNode.Role.LEADER || nowMs() >= shutdown.deadlineMs())) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) { // storage failure (UncheckedIOException) or a bug: fail-stop
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "raft server " + id + " stopped: " + e.getMessage(), e);
        } finally {
            running = false;
            leader = false;
            node.close();
            List<Object> left = new ArrayList<>();
            queue.drainTo(left);
            IllegalStateException closed = new IllegalStateException("raft server " + id + " closed");
            for (Object o : left) {
                if (o instanceof Proposal p) p.future().completeExceptionally(closed);
            }
            stopped.complete(null);
        }
    }

    private volatile String status = "not started";

    /** One line of published state, for logs and test failures. */
    @Override
    public String toString() { return status; }

    private void publish() {
        status = id + "(" + node.role() + " term " + node.term() + " leader " + node.leaderId() + " last " + node.lastIndex()
                + " commit " + node.commitIndex() + (node.recovering() ? " recovering" : "") + " " + node.membership() + ")";
        leader = node.isLeader();
        leaderId = node.leaderId();
        term = node.term();
        commitIndex = node.commitIndex();
        membership = node.membership();
        joinFailed = node.joinFailed();
    }
}
