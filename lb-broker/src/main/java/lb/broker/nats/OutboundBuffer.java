package lb.broker.nats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes waiting to go out on one client connection, and the writing of them.
 *
 * <p>Thread-safe: any I/O thread appends (a publisher's thread encodes MSG frames straight into
 * its subscribers' buffers) and flushes; everything, including the socket write and the OP_WRITE
 * interest, is guarded by {@code lock}, held only for one append or one non-blocking write. The
 * buffer is bounded: {@link #appendMsg} refuses a frame that would take it past
 * {@code maxPendingBytes} (the caller then cuts the connection as a slow consumer). It grows by
 * doubling and is given back by {@link #maybeShrink} only after a quiet tick, because shrinking
 * on every drain reallocated megabytes per burst under steady load.
 */
final class OutboundBuffer {
    static final int INITIAL_BYTES = 32 * 1024;

    /** {@link #appendMsg} results. */
    static final int APPENDED = 0;
    static final int CLOSED = 1;
    static final int OVER_LIMIT = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final SocketChannel channel;
    private final IoLoop owner;
    private final long maxPendingBytes;
    private SelectionKey key;
    private byte[] out = new byte[INITIAL_BYTES];
    private ByteBuffer view = ByteBuffer.wrap(out);
    private int len;
    private int peak; // most bytes pending since the last tick
    private boolean writeInterest;
    private boolean closed; // once true nothing is buffered or written

    OutboundBuffer(SocketChannel channel, IoLoop owner, long maxPendingBytes) {
        this.channel = channel;
        this.owner = owner;
        this.maxPendingBytes = maxPendingBytes;
    }

    /** Owner thread, once the channel is registered. */
    void attach(SelectionKey key) {
        lock.lock();
        try {
            this.key = key;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a control line; not subject to the limit (they are tiny and rare). */
    void appendControl(byte[] line) {
        lock.lock();
        try {
            if (!closed) {
                ensure(line.length);
                System.arraycopy(line, 0, out, len, line.length);
                len += line.length;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends {@code [H]MSG subject sid [reply] [hdrLen] totalLen\r\n payload\r\n}; headerLen -1
     * means MSG. Returns {@link #APPENDED}, {@link #CLOSED} or {@link #OVER_LIMIT} (nothing appended).
     */
    int appendMsg(byte[] args, int subjectOff, int subjectLen, int replyOff, int replyLen, byte[] sid,
                  byte[] payload, int payloadOff, int headerLen, int totalLen) {
        int frame = 6 + subjectLen + 1 + sid.length + 1 + replyLen + 22 + 2 + totalLen + 2;
        lock.lock();
        try {
            if (closed) {
                return CLOSED;
            }
            if ((long) len + frame > maxPendingBytes) {
                return OVER_LIMIT;
            }
            ensure(frame);
            byte[] o = out;
            int p = len;
            if (headerLen >= 0) {
                o[p++] = 'H';
            }
            o[p++] = 'M';
            o[p++] = 'S';
            o[p++] = 'G';
            o[p++] = ' ';
            System.arraycopy(args, subjectOff, o, p, subjectLen);
            p += subjectLen;
            o[p++] = ' ';
            System.arraycopy(sid, 0, o, p, sid.length);
            p += sid.length;
            o[p++] = ' ';
            if (replyLen > 0) {
                System.arraycopy(args, replyOff, o, p, replyLen);
                p += replyLen;
                o[p++] = ' ';
            }
            if (headerLen >= 0) {
                p = writeInt(o, p, headerLen);
                o[p++] = ' ';
            }
            p = writeInt(o, p, totalLen);
            o[p++] = '\r';
            o[p++] = '\n';
            System.arraycopy(payload, payloadOff, o, p, totalLen);
            p += totalLen;
            o[p++] = '\r';
            o[p++] = '\n';
            len = p;
            return APPENDED;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes waiting; for logs. */
    int pendingBytes() {
        lock.lock();
        try {
            return len;
        } finally {
            lock.unlock();
        }
    }

    boolean hasPending() {
        lock.lock();
        try {
            return !closed && len > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is buffered, without blocking, from {@code current}'s thread. A partial write
     * leaves the rest to the owner's OP_WRITE; while that is pending, other threads do not try.
     * Returns null, or why the socket failed (the caller closes the connection).
     */
    String flush(IoLoop current) {
        lock.lock();
        try {
            if (closed || len == 0 || key == null || (writeInterest && current != owner)) {
                return null;
            }
            view.clear().limit(len);
            int n;
            try {
                n = channel.write(view);
            } catch (IOException | CancelledKeyException e) {
                len = 0;
                return "write failed: " + e;
            }
            len -= n;
            if (len > 0) {
                System.arraycopy(out, n, out, 0, len);
                if (!writeInterest && key.isValid()) { // invalid: the server is closing
                    writeInterest = true;
                    key.interestOpsOr(SelectionKey.OP_WRITE);
                    if (current != owner) {
                        owner.wakeup();
                    }
                }
            } else if (writeInterest && key.isValid()) {
                writeInterest = false;
                key.interestOpsAnd(~SelectionKey.OP_WRITE);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Owner thread, each tick: give back a big buffer if the last tick used under a quarter of it. */
    void maybeShrink() {
        lock.lock();
        try {
            if (!closed && out.length > INITIAL_BYTES && peak < out.length / 4 && len <= INITIAL_BYTES / 2) {
                byte[] smaller = new byte[Math.max(INITIAL_BYTES, Integer.highestOneBit(Math.max(peak, 1)) * 2)];
                System.arraycopy(out, 0, smaller, 0, len);
                out = smaller;
                view = ByteBuffer.wrap(out);
            }
            peak = len;
        } finally {
            lock.unlock();
        }
    }

    /** Owner thread: drop what is left and stop buffering; cancels the selection key. */
    void close() {
        lock.lock();
        try {
            closed = true;
            len = 0;
            out = new byte[0];
            view = ByteBuffer.wrap(out);
            if (key != null) {
                key.cancel();
            }
        } finally {
            lock.unlock();
        }
    }

    private void ensure(int extra) {
        int need = len + extra;
        if (need > peak) {
            peak = need;
        }
        if (need > out.length) {
            int cap = Math.max(out.length, 1024);
            while (cap < need) {
                cap = cap * 2;
            }
            out = Arrays.copyOf(out, cap);
            view = ByteBuffer.wrap(out);
        }
    }

    private static int writeInt(byte[] o, int p, int v) {
        if (v == 0) {
            o[p] = '0';
            return p + 1;
        }
        int digits = 0;
        for (int t = v; t > 0; t /= 10) {
            digits++;
        }
        int end = p + digits;
        for (int i = end - 1; i >= p; i--) {
            o[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }
}
