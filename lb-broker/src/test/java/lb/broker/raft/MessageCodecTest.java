package lb.broker.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static final Membership M = Membership.bootstrap(List.of("a", "b", "c", "d"), 3);

    @Test
    void roundTripsEveryMessage() {
        List<RaftMessage> all = List.of(
                new RaftMessage.VoteRequest("a", 4, 10, 3, true, false),
                new RaftMessage.VoteResponse("b", 5, true, false),
                new RaftMessage.AppendRequest("a", 4, 9, 3, List.of(new LogEntry(10, 4, LogEntry.COMMAND, new byte[] {1, 2}),
                        new LogEntry(11, 4, LogEntry.MEMBERSHIP, M.encode())), 8, 17, true),
                new RaftMessage.AppendResponse("c", 4, false, 0, 7, 2, 17),
                new RaftMessage.TimeoutNow("a", 4),
                new RaftMessage.JoinRequest("e", 0),
                new RaftMessage.JoinResponse("a", 4, false, "a membership change is in progress"),
                new RaftMessage.JoinResponse("a", 4, true, null));
        for (RaftMessage m : all) assertEquals(m, MessageCodec.decode(MessageCodec.encode(m)), m.toString());
        RaftMessage.SnapshotRequest s = new RaftMessage.SnapshotRequest("a", 4, 100, 3, M, new byte[] {9, 8, 7}, 2, false);
        RaftMessage.SnapshotRequest back = (RaftMessage.SnapshotRequest) MessageCodec.decode(MessageCodec.encode(s));
        assertEquals(M, back.membership());
        assertArrayEquals(s.data(), back.data());
        assertEquals(100, back.index());
        assertEquals(M.voters(), List.of("a", "b", "c"));
    }

    @Test
    void rejectsMalformedBytesWithAReason() {
        byte[] good = MessageCodec.encode(new RaftMessage.AppendRequest("a", 1, 0, 0,
                List.of(new LogEntry(1, 1, LogEntry.NOOP, new byte[0])), 0, 0, true));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(truncated), "cut at " + cut);
        }
        byte[] badKind = good.clone();
        badKind[1] = 99;
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(badKind));
    }
}
