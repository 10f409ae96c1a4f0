package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Liveness timers of {@link GroupCoordinator} driven by an injected clock (behavior.md §11.2). */
class GroupCoordinatorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    final InMemoryCommandLog log = new InMemoryCommandLog();
    final MetadataFsm fsm = new MetadataFsm();
    final AtomicLong now = new AtomicLong(1_000);
    final GroupCoordinator n1 = new GroupCoordinator("n1", fsm, TIMEOUT, TIMEOUT, now::get);
    final MetadataController c;
    final List<String> evicted = new ArrayList<>();
    boolean failEvictions;

    GroupCoordinatorTest() throws Exception {
        fsm.addListener(n1);
        log.start(fsm);
        c = new MetadataController(log, fsm, () -> List.of("n1", "n2"), new TestClock(1));
        c.createStream(Api.CreateStreamRequest.newBuilder().setName("s").setSubject("s").setPartitions(2).build())
                .get();
        n1.start((g, m) -> {
            evicted.add(g + "/" + m);
            return failEvictions ? CompletableFuture.failedFuture(new IllegalStateException("no quorum"))
                    : c.leaveConsumerGroup(g, m, true);
        }, false);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aSilentMemberIsRemovedAfterTheTimeoutAndAHeartbeatPostponesIt() throws Exception {
        c.joinConsumerGroup("g", "a", List.of("s")).get();
        c.joinConsumerGroup("g", "b", List.of("s")).get();
        assertTrue(n1.tracks("g", "a") && n1.tracks("g", "b"), "timers start at join");
        advance(TIMEOUT.minusSeconds(1));
        n1.heartbeat("g", "a");
        n1.expireDue();
        assertEquals(List.of(), evicted, "nobody is late yet");
        advance(Duration.ofSeconds(1));
        n1.expireDue();
        assertEquals(List.of("g/b"), evicted);
        assertFalse(fsm.view().group("g").members().containsKey("b"));
        assertFalse(n1.tracks("g", "b"), "the removed member's timer is gone");
        advance(TIMEOUT);
        n1.expireDue();
        assertEquals(List.of("g/b", "g/a"), evicted);
        assertEquals(null, fsm.view().group("g"), "the last member's removal deleted the group");
    }

    @Test
    void aFailedRemovalIsRetriedOneTimeoutLater() throws Exception {
        c.joinConsumerGroup("g", "a", List.of("s")).get();
        failEvictions = true;
        advance(TIMEOUT);
        n1.expireDue();
        n1.expireDue();
        assertEquals(List.of("g/a"), evicted, "not retried at once");
        advance(TIMEOUT.minusMillis(1));
        n1.expireDue();
        assertEquals(1, evicted.size());
        failEvictions = false;
        advance(Duration.ofMillis(1));
        n1.expireDue();
        assertEquals(List.of("g/a", "g/a"), evicted);
        assertEquals(null, fsm.view().group("g"));
    }

    @Test
    void timersFollowTheCoordinatorRole() throws Exception {
        c.joinConsumerGroup("g", "a", List.of("s")).get(); // n1 coordinates (least loaded, first)
        GroupInfo h = c.joinConsumerGroup("h", "a", List.of("s")).get();
        assertEquals("n2", h.coordinator());
        assertFalse(n1.tracks("h", "a"), "n1 does not time members of a group n2 coordinates");
        GroupInfo moved = c.reportGroupCoordinator("g", "a", "n1", 0).get();
        assertEquals("n2", moved.coordinator());
        assertFalse(n1.tracks("g", "a"), "timers stop when the server stops coordinating");
        advance(TIMEOUT.multipliedBy(3));
        n1.expireDue();
        assertEquals(List.of(), evicted);
        // Restart: a fresh coordinator restores timers for what it coordinates.
        GroupInfo back = c.reportGroupCoordinator("h", "a", "n2", h.epoch()).get();
        assertEquals("n1", back.coordinator());
        assertTrue(n1.tracks("h", "a"));
    }
}
