package lb.broker.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A CommandLog for tests: applies each proposal at once on the caller's thread and records
 * the entries, so tests can replay them. Leadership and failure can be switched.
 */
final class InMemoryCommandLog implements CommandLog {
    private CommandApplier applier;
    private long index;
    final List<byte[]> entries = new ArrayList<>();
    boolean leader = true;
    String leaderId = "n1";
    RuntimeException failWith;
    /** Proposals never complete (a Raft leader that lost its quorum). */
    boolean hang;

    @Override
    public void start(CommandApplier applier) {
        this.applier = applier;
    }

    @Override
    public synchronized CompletableFuture<Object> propose(byte[] command) {
        if (hang) {
            return new CompletableFuture<>();
        }
        if (failWith != null) {
            return CompletableFuture.failedFuture(failWith);
        }
        entries.add(command);
        index++;
        return CompletableFuture.completedFuture(applier.apply(index, command));
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public String leaderId() {
        return leaderId;
    }

    @Override
    public void close() {
    }
}
