package lb.cli.publish;

import io.liftbridge.proto.Api;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import lb.client.LiftbridgeException;

/**
 * The publishes of one {@code lb publish} run that await their acks, at most {@code max} of
 * them, handed to a {@link Listener} strictly in the order they were sent, whatever order the
 * acks arrive in (several partitions ack independently). That keeps {@code --print} and
 * {@code --tee} output and error messages in input order while up to {@code max} messages are
 * on the wire.
 *
 * <p>Threads: owned by the publishing thread; the listener runs on it too (never on the
 * transport's thread), so it needs no locking.
 */
public final class AckWindow<T> {

    /** What happens to each message, in send order. */
    public interface Listener<T> {
        void acked(long seq, T message, Api.Ack ack);

        void failed(long seq, T message, LiftbridgeException error);
    }

    private record Entry<T>(long seq, T message, String correlationId, CompletableFuture<Api.Ack> ack) {
    }

    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
    /** Explicit correlation ids in the window: the client matches acks by them, so they must differ. */
    private final Set<String> correlationIds = new HashSet<>();
    private final int max;
    private final Listener<T> listener;

    public AckWindow(int max, Listener<T> listener) {
        if (max < 1) {
            throw new IllegalArgumentException("window must hold at least 1 message, got " + max);
        }
        this.max = max;
        this.listener = listener;
    }

    /**
     * Makes room for a message with {@code correlationId} (null: a generated one): waits for the
     * oldest until fewer than {@code max} are outstanding and none carries the same id.
     */
    public void reserve(String correlationId) throws InterruptedException {
        while (entries.size() >= max || (correlationId != null && correlationIds.contains(correlationId))) {
            completeHead();
        }
    }

    /** Adds a sent message; call {@link #reserve} first. Completed heads are handed on at once. */
    public void add(long seq, T message, String correlationId, CompletableFuture<Api.Ack> ack) {
        entries.add(new Entry<>(seq, message, correlationId, ack));
        if (correlationId != null) {
            correlationIds.add(correlationId);
        }
        while (!entries.isEmpty() && entries.peek().ack().isDone()) {
            try {
                completeHead();
            } catch (InterruptedException e) {
                throw new IllegalStateException("a completed future cannot block", e);
            }
        }
    }

    /** Waits for every outstanding message. */
    public void drain() throws InterruptedException {
        while (!entries.isEmpty()) {
            completeHead();
        }
    }

    public int outstanding() {
        return entries.size();
    }

    private void completeHead() throws InterruptedException {
        Entry<T> e = entries.poll();
        if (e.correlationId() != null) {
            correlationIds.remove(e.correlationId());
        }
        Api.Ack a;
        try {
            a = e.ack().get();
        } catch (ExecutionException ex) {
            listener.failed(e.seq(), e.message(), asClientError(ex.getCause()));
            return;
        }
        listener.acked(e.seq(), e.message(), a);
    }

    static LiftbridgeException asClientError(Throwable t) {
        while (t instanceof CompletionException || t instanceof ExecutionException) {
            if (t.getCause() == null) {
                break;
            }
            t = t.getCause();
        }
        return t instanceof LiftbridgeException le ? le : LiftbridgeException.from(t);
    }
}
