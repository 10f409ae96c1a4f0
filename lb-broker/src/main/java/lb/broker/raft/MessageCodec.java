package lb.broker.raft;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link RaftMessage}s for the wire. Stateless and thread-safe.
 *
 * <p>Format (big-endian): {@code byte version(1)}, {@code byte kind}, {@code short fromLength} + UTF-8
 * {@code from}, {@code long term}, then the kind's fields in declaration order (booleans as one byte,
 * lists as {@code int count} + elements, byte arrays as {@code int length} + bytes, a log entry as
 * {@code long index, long term, byte type, bytes data}). Integrity on the wire is NATS's (TCP); the
 * entries' own checksums are the storage's.
 */
public final class MessageCodec {
    private static final byte VERSION = 1;
    private static final int MAX_ENTRIES = 1 << 20;

    private MessageCodec() {}

    public static byte[] encode(RaftMessage m) {
        Writer w = new Writer();
        w.b(VERSION);
        switch (m) {
            case RaftMessage.VoteRequest r -> {
                head(w, 1, r);
                w.l(r.lastLogIndex()).l(r.lastLogTerm()).bool(r.preVote()).bool(r.transfer());
            }
            case RaftMessage.VoteResponse r -> { head(w, 2, r); w.bool(r.granted()).bool(r.preVote()); }
            case RaftMessage.AppendRequest r -> {
                head(w, 3, r);
                w.l(r.prevIndex()).l(r.prevTerm()).i(r.entries().size());
                for (LogEntry e : r.entries()) w.l(e.index()).l(e.term()).b(e.type()).bytes(e.data());
                w.l(r.leaderCommit()).l(r.round()).bool(r.toLeaderEnd());
            }
            case RaftMessage.AppendResponse r -> {
                head(w, 4, r);
                w.bool(r.success()).l(r.matchIndex()).l(r.conflictIndex()).l(r.conflictTerm()).l(r.round());
            }
            case RaftMessage.SnapshotRequest r -> {
                head(w, 5, r);
                w.l(r.index()).l(r.lastTerm()).bytes(r.membership().encode()).bytes(r.data()).l(r.round())
                        .bool(r.toLeaderEnd());
            }
            case RaftMessage.TimeoutNow r -> head(w, 6, r);
            case RaftMessage.JoinRequest r -> head(w, 7, r);
            case RaftMessage.JoinResponse r -> {
                head(w, 8, r);
                w.bool(r.accepted()).str(r.error() == null ? "" : r.error());
            }
        }
        return w.toArray();
    }

    /** Decodes a message; throws IllegalArgumentException (with the reason) on malformed input. */
    public static RaftMessage decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte version = b.get();
            if (version != VERSION) throw new IllegalArgumentException("unknown raft message version " + version);
            int kind = b.get();
            String from = str(b);
            long term = b.getLong();
            RaftMessage m = switch (kind) {
                case 1 -> new RaftMessage.VoteRequest(from, term, b.getLong(), b.getLong(), bool(b), bool(b));
                case 2 -> new RaftMessage.VoteResponse(from, term, bool(b), bool(b));
                case 3 -> {
                    long prevIndex = b.getLong();
                    long prevTerm = b.getLong();
                    int n = b.getInt();
                    if (n < 0 || n > MAX_ENTRIES) throw new IllegalArgumentException("bad entry count " + n);
                    List<LogEntry> entries = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) entries.add(new LogEntry(b.getLong(), b.getLong(), b.get(), bytes(b)));
                    yield new RaftMessage.AppendRequest(from, term, prevIndex, prevTerm, entries, b.getLong(),
                            b.getLong(), bool(b));
                }
                case 4 -> new RaftMessage.AppendResponse(from, term, bool(b), b.getLong(), b.getLong(), b.getLong(),
                        b.getLong());
                case 5 -> new RaftMessage.SnapshotRequest(from, term, b.getLong(), b.getLong(),
                        Membership.decode(bytes(b)), bytes(b), b.getLong(), bool(b));
                case 6 -> new RaftMessage.TimeoutNow(from, term);
                case 7 -> new RaftMessage.JoinRequest(from, term);
                case 8 -> {
                    boolean accepted = bool(b);
                    String error = str(b);
                    yield new RaftMessage.JoinResponse(from, term, accepted, error.isEmpty() ? null : error);
                }
                default -> throw new IllegalArgumentException("unknown raft message kind " + kind);
            };
            if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after kind " + kind);
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated raft message (" + bytes.length + " bytes)", e);
        }
    }

    private static void head(Writer w, int kind, RaftMessage m) {
        w.b((byte) kind).str(m.from()).l(m.term());
    }

    private static boolean bool(ByteBuffer b) { return b.get() != 0; }

    private static String str(ByteBuffer b) {
        byte[] s = new byte[b.getShort() & 0xffff];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("bad byte array length " + n);
        byte[] a = new byte[n];
        b.get(a);
        return a;
    }

    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(256);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        Writer b(byte v) { ensure(1); buf.put(v); return this; }
        Writer bool(boolean v) { return b((byte) (v ? 1 : 0)); }
        Writer i(int v) { ensure(4); buf.putInt(v); return this; }
        Writer l(long v) { ensure(8); buf.putLong(v); return this; }
        Writer bytes(byte[] v) { i(v.length); ensure(v.length); buf.put(v); return this; }
        Writer str(String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            if (v.length > 0xffff) throw new IllegalArgumentException("string too long: " + v.length + " bytes");
            ensure(2 + v.length);
            buf.putShort((short) v.length).put(v);
            return this;
        }
        byte[] toArray() { return java.util.Arrays.copyOf(buf.array(), buf.position()); }
    }
}
