package lb.broker.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lb.broker.metadata.CommandApplier;
import lb.broker.metadata.CommandLog;
import lb.broker.metadata.NotLeaderException;
import lb.broker.raft.RaftConfig;
import lb.broker.raft.RaftServer;
import lb.broker.raft.RaftTransport;
import lb.broker.raft.StateMachine;

/**
 * The broker's metadata log on Raft: the metadata {@link CommandApplier} is the Raft state
 * machine, proposals are Raft proposals, and a single broker is a group of one. The seam the
 * metadata package defines ({@link CommandLog}) stays the same, so nothing above it changes.
 *
 * <p>Threads: Raft applies commands on {@code lb-raft-<id>} (the metadata apply thread) and
 * completes proposers' futures on {@code lb-raft-<id>-callbacks}.
 */
final class RaftCommandLog implements CommandLog {

    private final String serverId;
    private final RaftConfig config;
    private final Path dir;
    private final RaftTransport transport;
    private final Duration timeout;
    private RaftServer raft;

    RaftCommandLog(String serverId, RaftConfig config, Path dir, RaftTransport transport, Duration timeout) {
        this.serverId = serverId;
        this.config = config;
        this.dir = dir;
        this.transport = transport;
        this.timeout = timeout;
    }

    /**
     * Starts Raft and returns once this server has applied everything committed before it
     * started (a linearizable read through the leader), as the single-node log does by replaying.
     */
    @Override
    public void start(CommandApplier applier) throws IOException {
        raft = new RaftServer(serverId, config, dir, transport, new StateMachine() {
            @Override
            public Object apply(long index, byte[] command) {
                return applier.apply(index, command);
            }

            @Override
            public byte[] snapshot() {
                return applier.snapshot();
            }

            @Override
            public void restore(byte[] snapshot) {
                applier.restore(snapshot);
            }
        }, timeout);
        try {
            raft.start();
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (the first broker of a cluster on shared NATS needs "
                    + "--raft-bootstrap-seed; later ones join it)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                raft.read(() -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException("the metadata group has no leader after 60 s (a cluster needs a "
                            + "majority of its servers; a first server needs --raft-bootstrap-seed)", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IOException("interrupted while catching up with the metadata group", e);
            }
        }
    }

    @Override
    public CompletableFuture<Object> propose(byte[] command) {
        return raft.propose(command).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof lb.broker.raft.NotLeaderException n) {
                return CompletableFuture.failedFuture(new NotLeaderException(n.leaderId()));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    @Override
    public boolean isLeader() {
        return raft != null && raft.isLeader();
    }

    @Override
    public String leaderId() {
        return raft == null ? null : raft.leaderId();
    }

    /** Hands leadership over (graceful shutdown) and stops. */
    @Override
    public void close() {
        if (raft != null) {
            raft.close();
        }
    }
}
