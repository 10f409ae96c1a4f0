package lb.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lb.client.LiftbridgeException;
import org.junit.jupiter.api.Test;

class AckWindowTest {

    static final class Recorder implements AckWindow.Listener<String> {
        final List<String> events = new ArrayList<>();

        @Override
        public void acked(long seq, String message, Api.Ack ack) {
            events.add(seq + ":" + message + "@" + ack.getOffset());
        }

        @Override
        public void failed(long seq, String message, LiftbridgeException error) {
            events.add(seq + ":" + message + "!" + error.kind());
        }
    }

    static Api.Ack ack(long offset) {
        return Api.Ack.newBuilder().setOffset(offset).build();
    }

    @Test
    void handsOutcomesOnInSendOrderWhateverOrderTheyComplete() throws Exception {
        Recorder r = new Recorder();
        AckWindow<String> w = new AckWindow<>(10, r);
        List<CompletableFuture<Api.Ack>> fs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            CompletableFuture<Api.Ack> f = new CompletableFuture<>();
            fs.add(f);
            w.reserve(null);
            w.add(i, "m" + i, null, f);
        }
        fs.get(4).complete(ack(4));
        fs.get(2).completeExceptionally(new LiftbridgeException(LiftbridgeException.Kind.ACK_TIMEOUT, "late"));
        fs.get(1).complete(ack(1));
        assertEquals(List.of(), r.events, "nothing before the head completes");
        fs.get(0).complete(ack(0));
        fs.get(3).complete(ack(3));
        w.drain();
        assertEquals(List.of("1:m1@0", "2:m2@1", "3:m3!ACK_TIMEOUT", "4:m4@3", "5:m5@4"), r.events);
        assertEquals(0, w.outstanding());
    }

    @Test
    void boundsOutstandingMessagesAndKeepsCorrelationIdsApart() throws Exception {
        Recorder r = new Recorder();
        AckWindow<String> w = new AckWindow<>(2, r);
        CompletableFuture<Api.Ack> a = new CompletableFuture<>();
        CompletableFuture<Api.Ack> b = new CompletableFuture<>();
        w.reserve("c");
        w.add(1, "a", "c", a);
        w.reserve(null);
        w.add(2, "b", null, b);
        // A third message must wait for the first: complete it from another thread a bit later.
        CompletableFuture<Void> later = CompletableFuture.runAsync(() -> a.complete(ack(0)),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        w.reserve(null);
        assertTrue(a.isDone());
        assertEquals(1, w.outstanding());
        later.join();
        // The same correlation id again waits until no message with it is outstanding.
        CompletableFuture<Api.Ack> c = new CompletableFuture<>();
        w.add(3, "c", "c", c);
        CompletableFuture.runAsync(() -> b.complete(ack(1)), CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        CompletableFuture.runAsync(() -> c.complete(ack(2)), CompletableFuture.delayedExecutor(40, TimeUnit.MILLISECONDS));
        w.reserve("c");
        assertEquals(0, w.outstanding());
        assertEquals(List.of("1:a@0", "2:b@1", "3:c@2"), r.events);
    }
}
